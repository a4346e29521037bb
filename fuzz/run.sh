#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] [NAME...]: a longer fuzzing session.
#
# Configures and builds the `fuzz` preset (clang++, libFuzzer, ASan, UBSan) in build/fuzz, then
# runs each fuzzer (default: event timestamp stream) for SECONDS (default 600), one after the
# other, on one core. The corpus each run grows is kept in build/fuzz/fuzz/work/NAME/corpus and
# read again by the next run (and by the short `ctest -L fuzz` runs); crashes are written to
# build/fuzz/fuzz/work/NAME/artifacts/. Stops at the first fuzzer that finds something, with its
# exit status. Reproduce a finding with `build/fuzz/fuzz/fuzz_NAME ARTIFACT`, then keep the input
# as a regression test in tests/data/regressions/ (see tests/test_regressions.cpp).
#
# Environment: FUZZ_JOBS=N runs N worker processes per fuzzer (default 1, in this process); extra libFuzzer flags in
# FUZZ_FLAGS, e.g. FUZZ_FLAGS=-max_len=65536.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-600}"
shift || true
names=("$@")
if ((${#names[@]} == 0)); then names=(event timestamp stream); fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

for name in "${names[@]}"; do
  case "$name" in
    event | stream) dict=fuzz/livesend.dict seeds=("fuzz/corpus/$name" tests/data) ;;
    timestamp)
      dict=fuzz/timestamp.dict seeds=(fuzz/corpus/timestamp)
      if [[ -d tests/data/regressions/timestamp ]]; then seeds+=(tests/data/regressions/timestamp); fi
      ;;
    *)
      echo "fuzz/run.sh: unknown fuzzer '$name' (event, timestamp, stream)" >&2
      exit 2
      ;;
  esac
  work="build/fuzz/fuzz/work/$name"
  mkdir -p "$work/corpus" "$work/artifacts"
  echo "fuzz/run.sh: fuzz_$name for ${seconds} s"
  parallel=()
  if ((${FUZZ_JOBS:-1} > 1)); then parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  "build/fuzz/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "${parallel[@]}" -dict="$dict" -artifact_prefix="$work/artifacts/" \
    ${FUZZ_FLAGS:-} "$work/corpus" "${seeds[@]}"
done
