-- benchmarks/serve/post.lua: wrk posts signed unique events (made by sign_bodies.py) to
-- `livesend serve`. BENCH_DIR names the folder with template.json and signatures.txt. Each wrk
-- thread takes every T-th event, so no two requests carry the same id until the list is used up
-- (then it starts again: duplicates, which the receiver answers 200 and does not store again).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("BENCH_DIR")
  local f = assert(io.open(dir .. "/template.json", "rb"))
  local template = f:read("*a")
  f:close()
  -- The template in three pieces around its two placeholders, in the order they come.
  local a = template:find("@ID@", 1, true)
  local b = template:find("@IID@", 1, true)
  id_first = a < b
  local first, first_len, second, second_len = a, 4, b, 5
  if not id_first then first, first_len, second, second_len = b, 5, a, 4 end
  head = template:sub(1, first - 1)
  middle = template:sub(first + first_len, second - 1)
  tail = template:sub(second + second_len)
  ids, sigs = {}, {}
  for line in io.lines(dir .. "/signatures.txt") do
    local id, sig = line:match("^(%S+) (%S+)$")
    ids[#ids + 1] = id
    sigs[#sigs + 1] = sig
  end
  step = tonumber(os.getenv("BENCH_THREADS") or "1")
  next_index = tid + 1
end

function request()
  local i = next_index
  next_index = next_index + step
  if next_index > #ids then next_index = tid + 1 end
  local id = ids[i]
  local iid = "interaction-" .. id
  local body
  if id_first then
    body = head .. id .. middle .. iid .. tail
  else
    body = head .. iid .. middle .. id .. tail
  end
  return wrk.format("POST", "/", {["Content-Type"] = "application/json",
                                  ["x-seismic-signature"] = sigs[i]}, body)
end
