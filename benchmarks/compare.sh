#!/usr/bin/env bash
# benchmarks/compare.sh: is a change faster? Two versions of livesend side by side, in one run.
#
#   benchmarks/compare.sh [-n ROUNDS] [-f FILTER] BASE TEST
#
# BASE and TEST are each
#   - a git revision (HEAD, main~3, 1c876d3, <hash>^): that commit, checked out in a worktree
#     of its own;
#   - `.`: the work tree as it is, uncommitted edits included.
# An experiment kept in the history as a commit and its revert is measured against its parent:
#   benchmarks/compare.sh <hash>^ <hash>      (docs/performance.md lists them)
#
# Each is built (Release, as benchmarks/run.sh builds) into build/compare/{base,test}; then
# their livesend_bench run alternately, ROUNDS times each (the machines are shared and noisy:
# alternating spreads the noise over both), on the same corpus bytes. Printed: the median GB/s
# of each contender on each side and TEST ÷ BASE, with every run's figure; each contender's
# ratio to the On-Demand walk within each round (when FILTER runs the walk); then, when valgrind
# is installed (CALLGRIND=0 to skip), the exact instruction count of livesend owning over the
# first 1,000 stream events on each side.
#
# Knobs: ROUNDS (-n, default 5), FILTER (-f: the benchmarks to run, a Google Benchmark regex;
# default the stream workload's livesend_owning, livesend_view, rapidjson and On-Demand walk),
# MIN_TIME (seconds per benchmark per round, default 0.5), CALLGRIND=1.
# About 2 minutes per side to build, then ~10 s per round.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ROUNDS="${ROUNDS:-5}"
FILTER="${FILTER:-stream/(livesend_owning|livesend_view|rapidjson|limit_ondemand_walk)$}"
MIN_TIME="${MIN_TIME:-0.5}"
CALLGRIND="${CALLGRIND:-1}"

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
  exit 2
}
while getopts "n:f:h" opt; do
  case "$opt" in
    n) ROUNDS="$OPTARG" ;;
    f) FILTER="$OPTARG" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage

out="$root/build/compare"
mkdir -p "$out"
worktrees=()
cleanup() {
  for w in "${worktrees[@]}"; do git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# source_of SIDE SPEC: sets `src` to the source directory of SPEC (a revision or `.`) and
# `commit` to what it is built from. Not in a subshell: the worktrees it adds must be
# known to the cleanup.
source_of() {
  local side="$1" spec="$2" dir
  if [ "$spec" = "." ]; then
    src="$root"
    commit="the work tree"
    return
  fi
  # The same path every time, so that the build directory's cache stays valid and the next
  # comparison rebuilds only what changed.
  dir="$out/src-$side"
  git -C "$root" worktree remove --force "$dir" >/dev/null 2>&1 || rm -rf "$dir"
  git -C "$root" worktree prune
  if git -C "$root" rev-parse --verify --quiet "$spec^{commit}" >/dev/null; then
    git -C "$root" worktree add --detach --quiet "$dir" "$spec"
    worktrees+=("$dir")
    commit="$(git -C "$root" rev-parse --short=12 "$spec^{commit}")"
  else
    echo "compare.sh: $spec is neither a revision nor '.'" >&2
    exit 2
  fi
  src="$dir"
}

build_side() {
  local side="$1" src="$2"
  echo "== build $side ($src)" >&2
  # A build directory configured from other sources (`.` last time, a worktree now) is redone.
  if [ -f "$out/$side/CMakeCache.txt" ] &&
    ! grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$src" "$out/$side/CMakeCache.txt"; then
    rm -rf "${out:?}/$side"
  fi
  local log="$out/$side.build.log"
  if ! { cmake -S "$src" -B "$out/$side" -DCMAKE_BUILD_TYPE=Release -DLIVESEND_BUILD_BENCHMARKS=ON \
    -DLIVESEND_BUILD_TESTS=OFF -DLIVESEND_BUILD_CLI=OFF -DLIVESEND_INSTALL=OFF &&
    cmake --build "$out/$side" -j2 --target livesend_bench; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "compare.sh: the $side side does not build (whole log: $log)" >&2
    exit 1
  fi
}

src=""
commit=""
source_of base "$1"
base_commit="$commit"
build_side base "$src"
source_of test "$2"
test_commit="$commit"
build_side test "$src"

corpus="$out/base/benchmarks/corpus"  # fixed seeds: both sides generate the same bytes
results="$out/runs.csv"
: >"$results"
for round in $(seq "$ROUNDS"); do
  for side in base test; do
    echo "== round $round/$ROUNDS: $side" >&2
    # A contender that disagrees with livesend is not timed and the program exits with 1: the
    # others' figures still count, and what it said is kept for the end. Anything worse stops.
    status=0
    "$out/$side/benchmarks/livesend_bench" --corpus="$corpus" --benchmark_filter="$FILTER" \
      --benchmark_min_time="$MIN_TIME" --benchmark_format=csv 2>"$out/$side.stderr" |
      awk -F, -v side="$side" -v round="$round" \
        'NR > 1 && $6 != "" { gsub(/"/, "", $1); print side "," round "," $1 "," $6 }' \
        >>"$results" || status=$?
    if [ "$status" -gt 1 ]; then
      tail -n 20 "$out/$side.stderr" >&2
      echo "compare.sh: the $side side's livesend_bench failed (exit status $status)" >&2
      exit 1
    fi
  done
done

python3 - "$results" "$1 ($base_commit)" "$2 ($test_commit)" <<'EOF'
import collections, statistics, sys
runs = collections.defaultdict(list)      # (side, name) -> GB/s of each round
by_round = collections.defaultdict(dict)  # (side, round) -> name -> GB/s
for line in open(sys.argv[1]):
    side, round_, name, bps = line.strip().split(",")
    runs[(side, name)].append(float(bps) / 1e9)
    by_round[(side, int(round_))][name] = float(bps) / 1e9
names = sorted({name for _, name in runs}, key=lambda n: (n.split("/")[0], n))
median = lambda xs: f"{statistics.median(xs):.3f}" if xs else "not timed"
runs_of = lambda xs: " ".join(f"{x:.3f}" for x in xs)
print(f"base: {sys.argv[2]}   test: {sys.argv[3]}")
print("| benchmark | base GB/s | test GB/s | test ÷ base | base runs | test runs |")
print("|---|---|---|---|---|---|")
for name in names:
    b, t = runs.get(("base", name), []), runs.get(("test", name), [])
    ratio = f"{statistics.median(t) / statistics.median(b):.3f}×" if b and t else ""
    print(f"| {name} | {median(b)} | {median(t)} | {ratio} | {runs_of(b)} | {runs_of(t)} |")

# Each contender as a ratio to the On-Demand walk of its workload in the same round: the walk is
# the same code on both sides, so these ratios cancel much of the machine's noise.
def walk_ratios(side, name):
    walk = name.split("/")[0] + "/limit_ondemand_walk"
    return [r[name] / r[walk] for (s, _), r in sorted(by_round.items())
            if s == side and name in r and walk in r]
rows = [n for n in names if not n.endswith("/limit_ondemand_walk")
        and (walk_ratios("base", n) or walk_ratios("test", n))]
if rows:
    print()
    print("| benchmark ÷ the walk, within each round | base (median) | test (median) | base rounds | test rounds |")
    print("|---|---|---|---|---|")
    for name in rows:
        b, t = walk_ratios("base", name), walk_ratios("test", name)
        print(f"| {name} | {median(b)} | {median(t)} | {runs_of(b)} | {runs_of(t)} |")
EOF

for side in base test; do
  sed -n "s/^verify: *\(.*DISAGREES.*\)/$side: \1/p" "$out/$side.stderr" | cut -c1-160
done

if [ "$CALLGRIND" = "1" ] && command -v valgrind >/dev/null; then
  for side in base test; do
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*profile_passes*' \
      "$out/$side/benchmarks/livesend_bench" --corpus="$corpus" --profile=stream/livesend_owning \
      --events=1000 --passes=1 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    echo "callgrind, livesend owning, first 1,000 stream events: $side $n instructions"
  done
fi
