// fuzz/fuzz_check.hpp: the assertion of the fuzz targets: print what broke, then abort so that
// libFuzzer saves the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, condition);
  if (!detail.empty()) std::fprintf(stderr, "  %s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace fuzz

/// Aborts (a libFuzzer crash) when `condition` is false; `detail` is a std::string expression
/// evaluated only on failure.
#define FUZZ_CHECK(condition, detail)                                       \
  do {                                                                      \
    if (!(condition)) fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)
