#!/usr/bin/env bash
# benchmarks/scaling.sh: `livesend` on every core (issue 13): one large NDJSON file, whole
# process, --jobs 1 against --jobs 2, memory, and the limits beside them.
#
#   benchmarks/scaling.sh                 # a ~1 GB file; about 10 minutes on the shared machine
#   SIZE_MB=300 RUNS=5 benchmarks/scaling.sh
#   CLI=/tmp/livesend-before benchmarks/scaling.sh   # times that build of livesend instead
#
# Builds build/scaling (Release: the CLI, the corpus generator and livesend_scaling), makes the
# file by repeating the corpus's stream.ndjson (10,000 events, 94 MB) into a temporary folder
# (removed at the end; never committed), then runs, RUNS times each, interleaved:
#   livesend validate --jobs 1 FILE / --jobs 2 FILE      events/s and MB/s (median)
#   livesend json --jobs 1 FILE >/dev/null / --jobs 2
#   livesend csv --out DIR --jobs 1 FILE / --jobs 2     (DIR in the temporary folder, removed
#                                                       before each run, untimed)
#   cat FILE | livesend validate --jobs 2               (through a pipe)
#   two livesend --jobs 1 at once, each on half of FILE  (validate, json, csv: the reference)
#   livesend_scaling split FILE                         the record reader alone
#   livesend_scaling walk FILE                          simdjson On-Demand touching every value
#   jq -c . FILE >/dev/null                             (JQ_RUNS times, 1 by default: slow)
# and what the machine itself gives two processes at once, each on half of FILE, against one on
# all of it, for work with nothing handed over (the same work in two, the rest of the machine
# shared): the walk; `cat` (reading the page cache); `dd bs=1M` into a new file (reading and
# writing the page cache, as `csv` does with its output).
# Peak RSS is GNU time's maximum resident set size (`/usr/bin/time -v`'s figure; Debian
# package `time`), CPU s its user + system seconds (on 2 cores the speed-up of --jobs 2 is at
# most twice the CPU seconds of --jobs 1 over those of --jobs 2). The reference for --jobs 2 is
# what two independent processes make of the machine's two cores: each reads, splits and parses
# its own half of the file (cut at a line between two records), with nothing shared but the
# machine (caches, memory, the page cache) and no record handed from one thread to another.
# Prints the load average before and after, and a Markdown table: medians, and every run's
# seconds.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
SIZE_MB="${SIZE_MB:-1000}"
RUNS="${RUNS:-3}"
JQ_RUNS="${JQ_RUNS:-1}"
BUILD_DIR="${BUILD_DIR:-build/scaling}"
case "$BUILD_DIR" in
  /*) build="$BUILD_DIR" ;;
  *) build="$root/$BUILD_DIR" ;;
esac
[ -x /usr/bin/time ] || { echo "scaling.sh: needs GNU time (apt-get install -y time)" >&2; exit 2; }

echo "== configure and build ($BUILD_DIR)" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLIVESEND_BUILD_BENCHMARKS=ON \
  -DLIVESEND_BUILD_CLI=ON -DLIVESEND_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target livesend_cli livesend_bench_corpus livesend_scaling >&2
cli="${CLI:-$build/tools/livesend/livesend}"  # CLI=path: another build of livesend (a baseline)
scaling="$build/benchmarks/livesend_scaling"
corpus="$build/benchmarks/corpus/stream.ndjson"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/livesend-scaling.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
file="$tmp/big.ndjson"
echo "== making a ${SIZE_MB} MB file from $(basename "$corpus")" >&2
target=$((SIZE_MB * 1000 * 1000))
: >"$file"
while [ "$(stat -c %s "$file")" -lt "$target" ]; do cat "$corpus" >>"$file"; done
bytes="$(stat -c %s "$file")"
events="$("$cli" validate --jobs 2 "$file" | sed -n 's/^\([0-9]*\) events.*/\1/p')"
echo "== $bytes bytes, $events events; $RUNS runs each" >&2
lines="$(wc -l <"$file")"
head -n "$((lines / 2))" "$file" >"$tmp/half1.ndjson"
tail -n "+$((lines / 2 + 1))" "$file" >"$tmp/half2.ndjson"
# halves NAME COMMAND: `livesend COMMAND --jobs 1` on both halves at once (csv: each into its
# own folder); one timed run of the two.
halves() {
  run "$1" bash -c '
    first=() second=()
    if [ "$2" = csv ]; then first=(--out "$3/csv_half1") second=(--out "$3/csv_half2"); fi
    "$1" "$2" "${first[@]}" --jobs 1 --no-progress "$3/half1.ndjson" >/dev/null &
    pid=$!
    "$1" "$2" "${second[@]}" --jobs 1 --no-progress "$3/half2.ndjson" >/dev/null
    status=$?
    wait "$pid" && exit "$status"' halves "$cli" "$2" "$tmp"
}

# both NAME walk|cat|dd: that work on both halves at once, in two processes; one timed run.
both() {
  run "$1" bash -c '
    one() {
      case "$1" in
        walk) "$2" walk "$3/half$4.ndjson" ;;
        cat) cat "$3/half$4.ndjson" ;;
        dd) dd if="$3/half$4.ndjson" of="$3/copy$4" bs=1M status=none ;;
      esac
    }
    one "$1" "$2" "$3" 1 &
    pid=$!
    one "$1" "$2" "$3" 2
    status=$?
    wait "$pid" && exit "$status"' both "$2" "$scaling" "$tmp"
}

# run NAME COMMAND...: one timed run, "seconds peak_kib cpu_seconds" appended to $tmp/NAME.
run() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    echo "scaling.sh: $name failed:" >&2
    cat "$tmp/err" >&2
  }
  tail -n 1 "$tmp/time" | awk '{ print $1, $2, $3 + $4 }' >>"$tmp/$name"
}
echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)" >"$tmp/load"
for ((i = 1; i <= RUNS; i++)); do
  echo "== round $i" >&2
  run validate1 "$cli" validate --jobs 1 --no-progress "$file"
  run validate2 "$cli" validate --jobs 2 --no-progress "$file"
  halves validate_halves validate
  run json1 "$cli" json --jobs 1 --no-progress "$file"
  run json2 "$cli" json --jobs 2 --no-progress "$file"
  halves json_halves json
  # Each csv run writes new files: truncating the last run's 280 MB waits for their write-back
  # (0.1 to 0.2 s, both --jobs alike), which would time the disk, not livesend.
  rm -rf "$tmp/csv"
  run csv1 "$cli" csv --out "$tmp/csv" --jobs 1 --no-progress "$file"
  rm -rf "$tmp/csv"
  run csv2 "$cli" csv --out "$tmp/csv" --jobs 2 --no-progress "$file"
  rm -rf "$tmp/csv_half1" "$tmp/csv_half2"
  halves csv_halves csv
  run stdin_outer sh -c 'cat "$1" | /usr/bin/time -f "%e %M %U %S" -o "$3" "$2" validate --jobs 2 --no-progress' sh "$file" "$cli" "$tmp/inner"
  tail -n 1 "$tmp/inner" | awk '{ print $1, $2, $3 + $4 }' >>"$tmp/stdin_inner"
  run split "$scaling" split "$file"
  run walk "$scaling" walk "$file"
  both walk_halves walk
  run cat cat "$file"
  both cat_halves cat
  rm -f "$tmp/copy" "$tmp/copy1" "$tmp/copy2"
  run dd dd if="$file" of="$tmp/copy" bs=1M status=none
  rm -f "$tmp/copy"
  both dd_halves dd
  rm -f "$tmp/copy1" "$tmp/copy2"
done
if command -v jq >/dev/null; then
  for ((i = 1; i <= JQ_RUNS; i++)); do run jq jq -c . "$file"; done
fi
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)" >>"$tmp/load"
cat "$tmp/load"

python3 - "$tmp" "$bytes" "$events" <<'PY'
import os, statistics, sys
tmp, size, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def rows(name):
    path = os.path.join(tmp, name)
    if not os.path.exists(path):
        return []
    return [tuple(float(x) for x in line.split()) for line in open(path) if line.strip()]
print(f"File: {size / 1e9:.2f} GB, {events} events (the corpus's stream.ndjson repeated).\n")
print("| what | median s | events/s | MB/s | CPU s | peak RSS MiB | runs (s) |")
print("|---|---|---|---|---|---|---|")
labels = [
    ("validate1", "`livesend validate --jobs 1 FILE`"),
    ("validate2", "`livesend validate --jobs 2 FILE`"),
    ("validate_halves", "reference: two `validate --jobs 1` at once, each on half of FILE"),
    ("json1", "`livesend json --jobs 1 FILE > /dev/null`"),
    ("json2", "`livesend json --jobs 2 FILE > /dev/null`"),
    ("json_halves", "reference: two `json --jobs 1 > /dev/null` at once, each on half"),
    ("csv1", "`livesend csv --out DIR --jobs 1 FILE`"),
    ("csv2", "`livesend csv --out DIR --jobs 2 FILE`"),
    ("csv_halves", "reference: two `csv --jobs 1` at once, each on half of FILE"),
    ("stdin_inner", "`cat FILE \\| livesend validate --jobs 2`"),
    ("split", "record reader alone (`livesend_scaling split`)"),
    ("walk", "simdjson On-Demand walk (`livesend_scaling walk`)"),
    ("jq", "`jq -c . FILE > /dev/null`"),
    ("walk_halves", "machine: two walks at once, each on half of FILE"),
    ("cat", "machine: `cat FILE > /dev/null`"),
    ("cat_halves", "machine: two `cat` at once, each on half"),
    ("dd", "machine: `dd if=FILE of=NEW bs=1M`"),
    ("dd_halves", "machine: two `dd` at once, each on half"),
]
medians = {}
for name, label in labels:
    r = rows(name)
    if not r:
        continue
    secs = statistics.median(x[0] for x in r)
    rss = max(x[1] for x in r) / 1024
    cpu = statistics.median(x[2] for x in r) if len(r[0]) > 2 else float("nan")
    medians[name] = secs
    print(f"| {label} | {secs:.2f} | {events / secs:,.0f} | {size / secs / 1e6:,.0f} | "
          f"{cpu:.2f} | {rss:.1f} | {' '.join(f'{x[0]:.2f}' for x in r)} |")
print()
for what in ("validate", "json", "csv"):
    one, two = medians.get(what + "1"), medians.get(what + "2")
    limit = medians.get(what + "_halves")
    if one and two:
        line = f"{what} --jobs 2 / --jobs 1: {one / two:.2f}x"
        if limit:
            line += (f"; the reference, two processes on the halves / --jobs 1: "
                     f"{one / limit:.2f}x; --jobs 2 / the reference: {limit / two:.2f}")
        print(line)
parts = []
for what in ("walk", "cat", "dd"):
    one, two = medians.get(what), medians.get(what + "_halves")
    if one and two:
        parts.append(f"{what} {one / two:.2f}x")
if parts:
    print("the machine, two processes on the halves / one on the whole: " + ", ".join(parts))
PY
