#!/usr/bin/env bash
# benchmarks/run.sh: the whole throughput suite in one command, from the repository root or
# anywhere:
#
#   benchmarks/run.sh
#
# 1. configures build/bench (Release, benchmarks on, unit tests off) and builds the corpus, both
#    benchmark executables and both CLIs;
# 2. runs livesend_bench and livesend_bench_native alternately, RUNS times each, every run with
#    --benchmark_repetitions=REPETITIONS (JSON into build/bench/results/);
# 3. times the CLI (`livesend validate` on the stream corpus), default and -march=native builds,
#    CLI_RUNS times each (hyperfine when installed, else /usr/bin/time in a loop);
# 4. counts instructions with callgrind (exact, repeatable), default build only (valgrind does not
#    know AVX-512): livesend owning and view, the hand-written On-Demand mapping owning and view
#    and the On-Demand walk on every workload (the first CALLGRIND_EVENTS events of stream and
#    shuffled; SEED_PASSES passes over seed, LARGE_PASSES over large), the other contenders on
#    the stream;
# 5. runs benchmarks/report.py: benchmarks/results/{summary.md,throughput.svg,medians.json} and
#    the results section of benchmarks/README.md.
#
# Knobs (environment): RUNS=3 REPETITIONS=3 MIN_TIME=0.1 (seconds of CPU time per repetition)
# CLI_RUNS=7 CALLGRIND=1 CALLGRIND_EVENTS=1000 SEED_PASSES=200 LARGE_PASSES=5
# BUILD_DIR=build/bench CMAKE_ARGS="" (more configure arguments). 15 to 25 minutes on a shared
# 2-core machine, a full build (3 to 4 minutes) and the callgrind counts (about 8 minutes)
# included; the busier the machine, the longer (the minimum times are CPU time).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

RUNS="${RUNS:-3}"
REPETITIONS="${REPETITIONS:-3}"
MIN_TIME="${MIN_TIME:-0.1}"
CLI_RUNS="${CLI_RUNS:-7}"
CALLGRIND="${CALLGRIND:-1}"
CALLGRIND_EVENTS="${CALLGRIND_EVENTS:-1000}"
SEED_PASSES="${SEED_PASSES:-200}"
LARGE_PASSES="${LARGE_PASSES:-5}"
BUILD_DIR="${BUILD_DIR:-build/bench}"

case "$BUILD_DIR" in
  /*) build="$BUILD_DIR" ;;
  *) build="$root/$BUILD_DIR" ;;
esac
bench_dir="$build/benchmarks"
raw="$build/results"
corpus="$bench_dir/corpus"

started=$(date +%s)
step() { printf '\n== [%ss] %s\n' "$(($(date +%s) - started))" "$*" >&2; }

step "configure and build ($BUILD_DIR)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLIVESEND_BUILD_BENCHMARKS=ON \
  -DLIVESEND_BUILD_TESTS=OFF -DLIVESEND_BUILD_CLI=ON -DLIVESEND_INSTALL=OFF ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j2 --target livesend_bench_corpus livesend_bench livesend_bench_native \
  livesend_cli livesend_cli_native

rm -rf "$raw"
mkdir -p "$raw"

step "machine"
{
  echo "cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cpus=$(nproc)"
  echo "compiler=$(c++ --version | head -1)"
  echo "kernel=$(uname -sr)"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  # What was measured, when the tree holds uncommitted changes to the library or the CLI.
  for dir in include tools/livesend; do
    key="${dir//\//_}"
    if [[ -n "$(git -C "$root" status --porcelain -- "$dir" 2>/dev/null)" ]]; then
      echo "${key}_modified=yes"
      echo "${key}_diff_sha256=$(git -C "$root" diff HEAD -- "$dir" | sha256sum | cut -c1-12)"
    else
      echo "${key}_modified=no"
    fi
  done
} | tee "$raw/machine.txt" >&2
cp "$corpus/stats.json" "$raw/corpus-stats.json"

step "benchmarks: $RUNS run(s) x 2 executables x $REPETITIONS repetitions"
for run in $(seq 1 "$RUNS"); do
  for exe in livesend_bench livesend_bench_native; do
    echo "-- $exe, run $run" >&2
    "$bench_dir/$exe" --corpus="$corpus" --rss-out="$raw/$exe-$run.rss" \
      --benchmark_repetitions="$REPETITIONS" --benchmark_min_time="$MIN_TIME" \
      --benchmark_enable_random_interleaving=true \
      --benchmark_out="$raw/$exe-$run.json" --benchmark_out_format=json \
      >"$raw/$exe-$run.log" 2>&1 || {
      echo "$exe failed (a contender disagrees with livesend?); see $raw/$exe-$run.log" >&2
      tail -20 "$raw/$exe-$run.log" >&2
      exit 1
    }
    grep -E '^(verify|simdjson kernels|peak RSS)' "$raw/$exe-$run.log" >&2 || true
  done
done

step "CLI: livesend validate on the stream corpus, $CLI_RUNS runs each"
cli_default="$build/tools/livesend/livesend"
cli_native="$bench_dir/livesend-native"
echo -e "binary\trun\twall_ns\tuser_s\tsys_s\tmax_rss_kib\tminor_faults" >"$raw/cli.tsv"
for name in default native; do
  if [[ "$name" == default ]]; then cli="$cli_default"; else cli="$cli_native"; fi
  "$cli" validate "$corpus/stream.ndjson" >"$raw/cli-$name.out"  # warm the page cache
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 1 --runs "$CLI_RUNS" --export-json "$raw/cli-$name-hyperfine.json" \
      "$cli validate $corpus/stream.ndjson" >&2
  fi
  for run in $(seq 1 "$CLI_RUNS"); do
    start=$(date +%s%N)
    /usr/bin/time -f "%U %S %M %R" -o "$raw/cli-time.txt" "$cli" validate "$corpus/stream.ndjson" \
      >"$raw/cli-$name.out"
    end=$(date +%s%N)
    read -r user sys rss faults <"$raw/cli-time.txt"
    echo -e "$name\t$run\t$((end - start))\t$user\t$sys\t$rss\t$faults" >>"$raw/cli.tsv"
  done
  echo "$name: $(cat "$raw/cli-$name.out")" >&2
done
rm -f "$raw/cli-time.txt"

if [[ "$CALLGRIND" == 1 ]] && command -v valgrind >/dev/null 2>&1; then
  step "callgrind: instructions per event, every workload (default build)"
  # The typed On-Demand contenders and the walk on every workload; the other contenders on the
  # stream only. stream and shuffled: their first CALLGRIND_EVENTS events, one pass; seed and
  # large (one event each): every event, SEED_PASSES and LARGE_PASSES passes, so that a count
  # is not one parse's. Each pass after a warm-up pass (the program's profile_passes function).
  echo -e "workload\tcontender\tinstructions\tbytes\tevents\tpasses\tallocations" >"$raw/callgrind.tsv"
  typed="livesend_owning livesend_view ondemand_mapping ondemand_mapping_view limit_ondemand_walk"
  for w in seed large stream shuffled; do
    case "$w" in
      seed) passes="$SEED_PASSES"; events_arg=() ;;
      large) passes="$LARGE_PASSES"; events_arg=() ;;
      *) passes=1; events_arg=(--events="$CALLGRIND_EVENTS") ;;
    esac
    contenders="$typed"
    if [[ "$w" == stream ]]; then
      contenders="$typed livesend_stream simdjson_dom rapidjson boost_json nlohmann"
    fi
    for c in $contenders; do
      out="$raw/callgrind-$w-$c"
      valgrind --tool=callgrind --toggle-collect='*profile_passes*' \
        --callgrind-out-file="$out.out" "$bench_dir/livesend_bench" \
        --corpus="$corpus" --profile="$w/$c" "${events_arg[@]}" --passes="$passes" \
        >"$out.log" 2>&1
      total=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$out.log")
      events=$(sed -n 's/.* over \([0-9]*\) events.*/\1/p' "$out.log")
      bytes=$(sed -n 's/.*events (\([0-9]*\) bytes).*/\1/p' "$out.log")
      allocations=$(sed -n 's/.*; \([0-9]*\) heap allocations.*/\1/p' "$out.log")
      echo -e "$w\t$c\t$total\t$bytes\t$events\t$passes\t$allocations" >>"$raw/callgrind.tsv"
      echo "$w/$c: $total instructions over $passes pass(es) of $events event(s)" >&2
      if [[ "$w" == stream ]] && [[ "$c" == livesend_owning || "$c" == livesend_view ||
        "$c" == ondemand_mapping ]]; then
        callgrind_annotate --inclusive=no "$out.out" >"$raw/callgrind-$c.txt" 2>/dev/null
      fi
      rm -f "$out.out"
    done
  done
fi

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw/machine.txt"

step "report"
python3 "$root/benchmarks/report.py" --raw "$raw" --out "$root/benchmarks/results" \
  --readme "$root/benchmarks/README.md"
