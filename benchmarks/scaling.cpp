// benchmarks/scaling.cpp: the two limits benchmarks/scaling.sh sets beside `livesend validate`
// on one large NDJSON file, whole process, read piece by piece as the CLI reads it:
//
//   livesend_scaling split FILE   the record reader alone (livesend::record_reader): finds
//                                 the records, parses none; prints records and GB/s
//   livesend_scaling walk FILE    the same records, each walked with simdjson On-Demand
//                                 touching every value and building nothing (the suite's
//                                 limit_ondemand_walk, bench.cpp); prints records and GB/s
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "livesend/stream.hpp"
#include "ondemand_walk.hpp"

using bench::ondemand_walk;  // the suite's limit

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "split") != 0 && std::strcmp(argv[1], "walk") != 0)) {
    std::fprintf(stderr, "usage: livesend_scaling split|walk FILE\n");
    return 2;
  }
  const bool walk = std::strcmp(argv[1], "walk") == 0;
  std::FILE* in = std::fopen(argv[2], "rb");
  if (in == nullptr) {
    std::perror(argv[2]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  auto read = [&](char* into, std::size_t room) {
    const std::size_t n = std::fread(into, 1, room, in);
    bytes += n;
    return n;
  };
  livesend::record_reader<decltype(read)&> records(read);
  livesend::stream_record record;
  livesend::error err;
  ondemand_walk walker;
  std::size_t count = 0;
  std::size_t bad = 0;
  while (records.next(record, err)) {
    ++count;
    if (walk && (err || !walker.run(records.padded(record)))) ++bad;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fclose(in);
  std::printf("%s: %zu records (%zu bad), %zu bytes, %.3f s, %.3f GB/s, %.0f records/s (%llu)\n",
              argv[1], count, bad, bytes, seconds, static_cast<double>(bytes) / seconds / 1e9,
              static_cast<double>(count) / seconds, static_cast<unsigned long long>(walker.sink()));
  return 0;
}
