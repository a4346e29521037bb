// benchmarks/store_limit.cpp: the limit of `livesend load --db`: the SQLite store alone, writing
// events already parsed into memory. benchmarks/load.sh runs it beside the whole-process
// `livesend load` on the same stream.
//
//   livesend_bench_store STREAM DB [RUNS]
//
// Parses STREAM once into owning events (not timed), then RUNS times (3 by default): removes DB
// (and its WAL files), opens it as `livesend load` does (WAL, synchronous NORMAL), stores every
// event in batches of 4096 (one transaction each), closes it; the time from the first begin()
// to the end of close() is the store's. Prints each run and the median, in seconds and in MB/s
// of STREAM's size, on stdout; the last line is `median_seconds <s>` for the script.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "livesend/livesend.hpp"
#include "sqlite_store.hpp"

namespace {

namespace store = livesend::store;
using clock_type = std::chrono::steady_clock;

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ec;
    std::filesystem::remove(path + suffix, ec);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: livesend_bench_store STREAM DB [RUNS]\n");
    return 2;
  }
  const std::string stream_path = argv[1];
  const std::string db_path = argv[2];
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;

  simdjson::padded_string text;
  if (simdjson::padded_string::load(stream_path).get(text) != simdjson::SUCCESS) {
    std::fprintf(stderr, "livesend_bench_store: cannot read %s\n", stream_path.c_str());
    return 2;
  }
  livesend::parser parser;
  livesend::event scratch;
  std::vector<livesend::event> events;
  const auto parse_start = clock_type::now();
  const livesend::stream_stats stats = livesend::parse_stream(
      parser, text, scratch,
      [&](const livesend::stream_record&, const livesend::error& err, const livesend::event& ev) {
        if (!err) events.push_back(ev);
      });
  const double parse_seconds =
      std::chrono::duration<double>(clock_type::now() - parse_start).count();
  if (stats.failed != 0 || events.empty()) {
    std::fprintf(stderr, "livesend_bench_store: %zu bad records in %s\n",
                 static_cast<std::size_t>(stats.failed), stream_path.c_str());
    return 1;
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf("stream: %s, %zu events, %.1f MB (parsed into memory in %.3f s, not timed)\n",
              stream_path.c_str(), events.size(), mb, parse_seconds);

  constexpr std::size_t batch_events = 4096;
  std::vector<double> seconds;
  for (int run = 0; run < runs; ++run) {
    remove_db(db_path);
    store::sqlite_store db;
    store::options opts;
    opts.synchronous = store::options::sync_mode::normal;
    if (const store::status st = db.open(db_path, opts); !st.ok()) {
      std::fprintf(stderr, "livesend_bench_store: %s\n", st.message.c_str());
      return 2;
    }
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < events.size(); i += batch_events) {
      if (const store::status st = db.begin(); !st.ok()) {
        std::fprintf(stderr, "livesend_bench_store: %s\n", st.message.c_str());
        return 2;
      }
      const std::size_t end = std::min(events.size(), i + batch_events);
      for (std::size_t e = i; e < end; ++e) {
        if (const store::store_result r = db.store(events[e]); !r.ok()) {
          std::fprintf(stderr, "livesend_bench_store: %s\n", r.message.c_str());
          return 2;
        }
      }
      if (const store::status st = db.commit(); !st.ok()) {
        std::fprintf(stderr, "livesend_bench_store: %s\n", st.message.c_str());
        return 2;
      }
    }
    const std::size_t stored = static_cast<std::size_t>(db.stored_count());
    db.close();
    const double s = std::chrono::duration<double>(clock_type::now() - start).count();
    if (stored != events.size()) {
      std::fprintf(stderr, "livesend_bench_store: %zu events stored of %zu\n", stored,
                   events.size());
      return 1;
    }
    std::printf("run %d: %.3f s, %.1f MB/s\n", run + 1, s, mb / s);
    seconds.push_back(s);
  }
  remove_db(db_path);
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("median: %.3f s, %.1f MB/s\nmedian_seconds %.6f\n", median, mb / median, median);
  return 0;
}
