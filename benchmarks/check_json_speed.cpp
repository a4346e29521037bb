// benchmarks/check_json_speed.cpp: how fast is livesend's own byte-level JSON reading, with no
// simdjson stage 1 (docs/performance.md says what it answered)? detail::check_json
// (json_text.hpp: the syntax and depth check of raw values, and the locator of syntax errors)
// reads every byte of every value, string contents and UTF-8 included, and builds nothing.
// Built with the benchmarks (Release, -O3); from the repository root, after benchmarks/run.sh:
//
//   build/bench/benchmarks/livesend_check_json_speed build/bench/benchmarks/corpus/stream.ndjson
//
// Prints GB/s for 5 passes over the stream's lines (best and median: compare it with the
// suite's stream/limit_ondemand_walk and stream/limit_stage1 in a run close in time).
#include <livesend/livesend.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: check_json_speed STREAM.ndjson\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<std::string> lines;
  std::size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    bytes += line.size();
    lines.push_back(std::move(line));
  }
  if (lines.empty()) {
    std::fprintf(stderr, "check_json_speed: no line in %s\n", argv[1]);
    return 1;
  }
  std::vector<double> rates;
  for (int pass = 0; pass < 5; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    std::size_t invalid = 0;
    for (const std::string& line : lines) invalid += !livesend::detail::check_json(line, 64).ok();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (invalid != 0) {
      std::fprintf(stderr, "check_json_speed: %zu invalid lines\n", invalid);
      return 1;
    }
    rates.push_back(static_cast<double>(bytes) / took.count() / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("check_json over %zu lines, %zu bytes: median %.3f GB/s, best %.3f GB/s\n",
              lines.size(), bytes, rates[rates.size() / 2], rates.back());
}
