#!/usr/bin/env bash
# benchmarks/serve/run.sh: load on `livesend serve` with wrk, durable commits on (synchronous
# FULL): events stored per second and latency at 1, 8 and 64 connections, and a verification
# challenge answered under full load.
#
#   benchmarks/serve/run.sh [LIVESEND]      (default: build/dev/tools/livesend/livesend)
#   DURATION=10 CONNECTIONS="1 8 64" EVENTS=200000 benchmarks/serve/run.sh
#
# Each run starts the receiver on loopback with a new temporary database, posts signed unique
# events (sign_bodies.py precomputes the signatures, post.lua builds the bodies), stops it with
# SIGTERM (which must exit 0), then counts the rows: stored/s = events rows / duration. wrk
# --latency gives the median and the 99th percentile. During the last run a challenge is posted
# with curl after a second of load: its answer must come within 3 s.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
livesend=${1:-$root/build/dev/tools/livesend/livesend}
duration=${DURATION:-10}
connections=${CONNECTIONS:-1 8 64}
events=${EVENTS:-200000}
for tool in wrk curl sqlite3 python3 openssl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$livesend" ] || { echo "run.sh: no $livesend (build livesend_cli)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/livesend-serve-bench.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

printf 'bench-secret\n' >"$work/secret"
python3 "$here/sign_bodies.py" "$root/tests/data/seed-session-summary-v3.json" "$work/secret" \
  "$events" "$work/bodies"

start_server() { # $1: database; sets server_pid and port
  : >"$work/serve.log"
  "$livesend" serve --listen 127.0.0.1:0 --db "$1" --secret-file "$work/secret" \
    2>"$work/serve.log" &
  server_pid=$!
  port=
  for _ in $(seq 1 500); do
    port=$(sed -n 's/^livesend: listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/serve.log")
    [ -n "$port" ] && return 0
    sleep 0.01
  done
  echo "run.sh: the receiver did not start" >&2
  cat "$work/serve.log" >&2
  exit 1
}

challenge() { # posts a signed challenge; prints "STATUS SECONDS BODY"
  local body='{"type":"verification","challenge":"under-load"}'
  local sig
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac bench-secret | sed 's/^.* //')
  curl -s -o "$work/challenge.out" -w '%{http_code} %{time_total}' --max-time 10 \
    -H "x-seismic-signature: $sig" -H 'Content-Type: application/json' \
    --data-binary "$body" "http://127.0.0.1:$port/" || true
  printf ' %s\n' "$(cat "$work/challenge.out" 2>/dev/null)"
}

echo "livesend serve under wrk: ${duration}s per run, synchronous FULL, $(nproc) cores"
echo "$("$livesend" --version), $(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2)"
printf '%-12s %12s %12s %10s %10s %10s %8s\n' connections requests/s stored/s median p99 \
  non-2xx rows
status=0
last=${connections##* }
for c in $connections; do
  db="$work/events-$c.db"
  rm -f "$db"*
  start_server "$db"
  t=2
  [ "$c" -lt 2 ] && t=1
  if [ "$c" = "$last" ]; then
    (sleep 1 && challenge >"$work/challenge.result") &
    challenge_pid=$!
  fi
  BENCH_DIR="$work/bodies" BENCH_THREADS=$t wrk -t"$t" -c"$c" -d"${duration}s" --timeout 10s \
    --latency -s "$here/post.lua" "http://127.0.0.1:$port/" >"$work/wrk-$c.txt"
  kill -TERM "$server_pid"
  if ! wait "$server_pid"; then
    echo "run.sh: the receiver did not exit 0 after SIGTERM" >&2
    status=1
  fi
  server_pid=
  rows=$(sqlite3 "$db" 'SELECT COUNT(*) FROM events')
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/wrk-$c.txt")
  median=$(awk '$1 == "50%" {print $2}' "$work/wrk-$c.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-$c.txt")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\)/\1/p' "$work/wrk-$c.txt")
  printf '%-12s %12s %12s %10s %10s %10s %8s\n' "$c" "$rps" \
    "$(awk -v r="$rows" -v d="$duration" 'BEGIN { printf "%.0f", r / d }')" "$median" "$p99" \
    "${non2xx:-0}" "$rows"
  if [ "$c" = "$last" ]; then
    wait "$challenge_pid" || true
    read -r code seconds answer <"$work/challenge.result" || true
    echo "challenge under load ($c connections): status $code in ${seconds}s, answer '$answer'"
    if [ "$code" != 200 ] || [ "$answer" != under-load ] ||
      ! awk -v s="${seconds:-99}" 'BEGIN { exit !(s < 3) }'; then
      echo "run.sh: the challenge was not answered within 3 s" >&2
      status=1
    fi
  fi
done
exit $status
