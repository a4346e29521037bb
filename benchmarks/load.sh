#!/usr/bin/env bash
# benchmarks/load.sh: the speed of `livesend load --db` and `livesend csv --out` on the stream
# workload (the benchmark corpus's stream.ndjson: 10,000 events, ~94 MB), whole process, beside
# the limit of load: the SQLite store alone writing the same events already parsed into memory
# (livesend_bench_store). Medians of RUNS runs (3). From anywhere in the repository:
#
#   benchmarks/load.sh
#
# Configures and builds BUILD_DIR (build/bench-load: Release, benchmarks and CLI on, tests off),
# targets livesend_bench_corpus, livesend_cli and livesend_bench_store only. The databases and
# CSV files go to BUILD_DIR/load-tmp (the same disk as a real load would use: the build's).
# Knobs (environment): RUNS=3 BUILD_DIR=build/bench-load CMAKE_ARGS="".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
RUNS="${RUNS:-3}"
BUILD_DIR="${BUILD_DIR:-build/bench-load}"
case "$BUILD_DIR" in
  /*) build="$BUILD_DIR" ;;
  *) build="$root/$BUILD_DIR" ;;
esac

echo "== configure and build ($BUILD_DIR)" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLIVESEND_BUILD_BENCHMARKS=ON \
  -DLIVESEND_BUILD_TESTS=OFF -DLIVESEND_BUILD_CLI=ON -DLIVESEND_INSTALL=OFF \
  -DLIVESEND_WITH_SQLITE=ON ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j2 --target livesend_bench_corpus livesend_cli livesend_bench_store >&2

cli="$build/tools/livesend/livesend"
stream="$build/benchmarks/corpus/stream.ndjson"
tmp="$build/load-tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
bytes=$(stat -c %s "$stream")
mb=$(python3 -c "print(f'{$bytes / 1e6:.1f}')")

# median_of CMD...: runs CMD RUNS times (its output to $tmp/last.out, .err), prints the median
# wall time in seconds.
median_of() {
  local times=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$tmp/load.db" "$tmp/load.db-wal" "$tmp/load.db-shm" "$tmp/csv"
    local start end
    start=$(date +%s.%N)
    "$@" >"$tmp/last.out" 2>"$tmp/last.err"
    end=$(date +%s.%N)
    times+=("$(python3 -c "print($end - $start)")")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

echo "== the store alone (livesend_bench_store, $RUNS runs)" >&2
"$build/benchmarks/livesend_bench_store" "$stream" "$tmp/limit.db" "$RUNS" | tee "$tmp/limit.txt" >&2
limit=$(sed -n 's/^median_seconds //p' "$tmp/limit.txt")

echo "== livesend load --db (whole process, $RUNS runs)" >&2
load=$(median_of "$cli" load --db "$tmp/load.db" "$stream")
cat "$tmp/last.err" >&2
echo "== livesend csv --out (whole process, $RUNS runs)" >&2
csv=$(median_of "$cli" csv --out "$tmp/csv" "$stream")
cat "$tmp/last.out" >&2
echo "== livesend validate (whole process, $RUNS runs: the parse alone)" >&2
validate=$(median_of "$cli" validate "$stream")

python3 - "$mb" "$limit" "$load" "$csv" "$validate" <<'PY'
import sys
mb, limit, load, csv, validate = (float(x) for x in sys.argv[1:])
print(f"\nstream.ndjson: {mb:.1f} MB, medians of the runs")
print("| what | s | MB/s |")
print("|---|---|---|")
for name, s in [("store alone (livesend_bench_store: the limit)", limit),
                ("`livesend load --db` (whole process)", load),
                ("`livesend csv --out` (whole process)", csv),
                ("`livesend validate` (whole process: parse only)", validate)]:
    print(f"| {name} | {s:.3f} | {mb / s:.1f} |")
print(f"\nload / limit = {load / limit:.2f} (target: within 1.3)")
PY
rm -rf "$tmp"
