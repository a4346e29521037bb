#!/usr/bin/env bash
# check.sh: the whole test suite, as CI runs it (.ci/run installs the packages, then runs this).
#   1. the `test` workflow: every test (unit C++17 and C++20, CLI, store, receiver, packaging,
#      headers compiled alone, format), GCC;
#   2. the `test-clang` workflow: the same tests built with clang++, when it is installed;
#   3. the `asan` workflow: the unit, CLI, store and receiver tests again under ASan + UBSan;
#   4. when the peers' headers are present, the `bench` workflow: the throughput suite built
#      (Release) and its checks run: every contender equal to livesend on the whole corpus, the
#      check itself checked, one short timing pass (ctest label `bench`; no figure is asserted);
#   5. when clang++ is present, the `fuzz` workflow: each fuzzer built with libFuzzer and run
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
if command -v clang++ >/dev/null 2>&1; then
  step "test-clang workflow (clang++ $(clang++ -dumpversion))" cmake --workflow --preset test-clang
else
  echo "check.sh: clang++ not found: the tests are not built with clang"
fi
step "asan workflow (ASan + UBSan)" cmake --workflow --preset asan
# The benchmarks' checks need the peers' headers (libbenchmark-dev rapidjson-dev
# libboost-json1.81-dev nlohmann-json3-dev; .ci/run installs them).
peers=(/usr/include/benchmark/benchmark.h /usr/include/rapidjson/document.h
  /usr/include/boost/json.hpp /usr/include/nlohmann/json.hpp)
missing_peers=()
for header in "${peers[@]}"; do [[ -e "$header" ]] || missing_peers+=("$header"); done
if ((${#missing_peers[@]} == 0)); then
  step "bench workflow (every contender checked equal to livesend)" cmake --workflow --preset bench
else
  echo "check.sh: ${missing_peers[*]} not found: the benchmarks are not built or checked"
fi
if command -v clang++ >/dev/null 2>&1; then
  step "fuzz workflow (clang++ $(clang++ -dumpversion), libFuzzer)" cmake --workflow --preset fuzz
else
  echo "check.sh: clang++ not found: the fuzzers are not built or run"
fi
