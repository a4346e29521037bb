#!/usr/bin/env bash
# check.sh: the whole test suite, as CI runs it (.ci/run installs the packages, then runs this).
#   1. the `test` workflow: every test (unit C++17 and C++20, CLI, packaging, format), GCC;
#   2. the `asan` workflow: the unit and CLI tests again under ASan + UBSan;
#   3. when clang++ is present, the `fuzz` workflow: each fuzzer built with libFuzzer and run
#      briefly (ctest label `fuzz`).
# For a quicker loop while working: `cmake --workflow --preset test`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

step() {
  local name="$1"
  shift
  local start=$SECONDS
  echo "check.sh: ${name}"
  "$@"
  echo "check.sh: ${name} took $((SECONDS - start)) s"
}

step "test workflow" cmake --workflow --preset test
step "asan workflow (ASan + UBSan)" cmake --workflow --preset asan
if command -v clang++ >/dev/null 2>&1; then
  step "fuzz workflow (clang++ $(clang++ -dumpversion), libFuzzer)" cmake --workflow --preset fuzz
else
  echo "check.sh: clang++ not found: the fuzzers are not built or run"
fi
