// tests/test_parallel.cpp: parallel.hpp: a stream parsed on several threads hands out what the
// single-thread read_stream hands out, in the same order.
#include "livesend/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "livesend/write.hpp"
#include "support.hpp"

namespace {

/// What read_stream handed out for one record, copied.
struct seen {
  std::string text;
  std::size_t offset;
  std::size_t line;
  std::size_t index;
  livesend::error err;
  std::vector<livesend::unknown_key> keys;
  std::optional<livesend::event> ev;  // when the record parsed
  std::thread::id thread;

  bool operator==(const seen& o) const {
    if (keys.size() != o.keys.size()) return false;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i].path != o.keys[i].path || keys[i].offset != o.keys[i].offset ||
          keys[i].line != o.keys[i].line) {
        return false;
      }
    }
    return text == o.text && offset == o.offset && line == o.line && index == o.index &&
           err == o.err && err.message() == o.err.message() && ev == o.ev;
  }
};

std::ostream& operator<<(std::ostream& os, const seen& r) {
  return os << "#" << r.index << " line " << r.line << " offset " << r.offset << " ["
            << r.text.substr(0, 40) << "] " << r.err.to_string() << " keys " << r.keys.size();
}

struct run_result {
  std::vector<seen> records;
  livesend::stream_stats stats;
};

/// read_stream over `text`, the source giving at most `gulp` bytes a call; `jobs` 0 is the
/// single-thread overload.
run_result read_all(std::string_view text, std::size_t jobs, std::size_t gulp,
                    const livesend::parse_options& options, livesend::parallel how = {}) {
  livesend::parser parser(options);
  livesend::event_view ev;
  test::chunked_source read{text, gulp};
  run_result out;
  auto on_record = [&](const livesend::stream_record& r, const livesend::error& e,
                       const livesend::event_view& v) {
    std::optional<livesend::event> owned;
    if (e.ok()) owned = livesend::to_owning(v);
    out.records.push_back(
        {std::string(r.text), r.offset, r.line, r.index, e,
         std::vector<livesend::unknown_key>(r.unknown_keys.begin(), r.unknown_keys.end()),
         std::move(owned), std::this_thread::get_id()});
  };
  if (jobs == 0) {
    out.stats = livesend::read_stream(parser, read, ev, on_record, how.piece_size);
  } else {
    how.jobs = jobs;
    out.stats = livesend::read_stream(parser, read, ev, on_record, how);
  }
  return out;
}

/// Good records, bad ones of every kind, unknown keys, records too long to hold.
std::string mixed_ndjson(std::size_t copies) {
  const std::string good = test::minified(test::seed());
  const std::string wrong = test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":[],");
  const std::string odd =
      test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":1,\"Extra\":[1,2],");
  const std::string huge = "{\"x\": \"" + std::string(3 * test::seed().size(), 'a') + "\"}";
  std::string text;
  for (std::size_t i = 0; i < copies; ++i) {
    text += good + "\n";
    if (i % 3 == 0) text += wrong + "\n\n";
    if (i % 4 == 1) text += odd + "\r\n";
    if (i % 5 == 2) text += "{\"application\" \"Web\"}\n";
    if (i % 7 == 3) text += huge + "\n";
    if (i % 11 == 4) text += "  [1,2]  \n7\n";
  }
  return text;
}

}  // namespace

TEST_CASE("parallel read_stream hands out what read_stream does, in order", "[parallel]") {
  livesend::parse_options options;
  options.report_unknown_keys = true;
  options.max_input_size = test::seed().size() + 10;  // the huge records are passed over
  const std::string ndjson = mixed_ndjson(40);
  std::string documents;
  for (int i = 0; i < 12; ++i) {
    documents += i % 4 == 2 ? test::replace_once(test::seed(), "\"City\"", "\"Zone\": 1, \"City\"")
                            : test::seed();
    if (i % 5 == 1) documents += "{\"x\": [\n" + std::string(test::seed().size() * 2, ' ') + "]}";
    if (i % 3 == 0) documents += "\n[1,\n2] {\"a\": 1}";
  }
  const std::vector<std::pair<const char*, const std::string*>> streams = {
      {"NDJSON", &ndjson}, {"documents", &documents}};
  for (const auto& [name, text] : streams) {
    for (const std::size_t gulp : {std::size_t{1} << 20, std::size_t{333}}) {
      // With small pieces the huge records are passed over (not held); with 1 MiB ones they are
      // held, and the parser refuses them: either way, the same as the single thread.
      livesend::parallel how;
      how.piece_size = gulp == 333 ? 1000 : std::size_t{1} << 20;
      const run_result expected = read_all(*text, 0, gulp, options, how);
      REQUIRE(expected.records.size() > 20);
      REQUIRE(expected.stats.failed > 3);
      for (const std::size_t jobs : {1, 2, 3, 8}) {
        for (const std::size_t batch_bytes : {std::size_t{256} << 10, std::size_t{4096}}) {
          how.batch_bytes = batch_bytes;
          how.batch_records = batch_bytes == 4096 ? 3 : 512;
          INFO(name << ", jobs " << jobs << ", gulp " << gulp << ", batch " << batch_bytes);
          const run_result got = read_all(*text, jobs, gulp, options, how);
          CHECK(got.stats.events == expected.stats.events);
          CHECK(got.stats.failed == expected.stats.failed);
          REQUIRE(got.records.size() == expected.records.size());
          for (std::size_t i = 0; i < got.records.size(); ++i) {
            CHECK(got.records[i] == expected.records[i]);
            CHECK(got.records[i].thread == std::this_thread::get_id());
          }
        }
      }
    }
  }
}

TEST_CASE("parallel read_stream: a source that gives one byte at a time", "[parallel]") {
  livesend::parse_options options;
  options.report_unknown_keys = true;
  const std::string text = mixed_ndjson(6);
  const run_result expected = read_all(text, 0, 1, options);
  for (const std::size_t jobs : {2, 3, 8}) {
    INFO("jobs " << jobs);
    const run_result got = read_all(text, jobs, 1, options);
    REQUIRE(got.records.size() == expected.records.size());
    for (std::size_t i = 0; i < got.records.size(); ++i) {
      CHECK(got.records[i] == expected.records[i]);
    }
  }
}

TEST_CASE("parallel read_stream: empty and blank streams", "[parallel]") {
  for (const char* text : {"", " \n\r\n\t"}) {
    for (const std::size_t jobs : {1, 2, 8}) {
      const run_result got = read_all(text, jobs, 100, {});
      CHECK(got.records.empty());
      CHECK(got.stats.events == 0);
    }
  }
}

TEST_CASE("parallel read_stream stops when on_record returns false", "[parallel]") {
  const std::string good = test::minified(test::seed());
  std::string text;
  for (int i = 0; i < 500; ++i) text += good + "\n";
  for (const std::size_t jobs : {1, 2, 3, 8}) {
    for (const std::size_t stop_after : {1, 7, 300}) {
      INFO("jobs " << jobs << ", stop after " << stop_after);
      livesend::parser parser;
      livesend::event_view ev;
      test::chunked_source read{text, std::size_t{4096}};
      std::size_t calls = 0;
      const livesend::stream_stats stats = livesend::read_stream(
          parser, read, ev,
          [&](const livesend::stream_record& r, const livesend::error& e,
              const livesend::event_view&) {
            CHECK(r.index == calls);
            CHECK(e.ok());
            return ++calls < stop_after;
          },
          livesend::parallel{jobs});
      CHECK(calls == stop_after);
      CHECK(stats.events == stop_after);
      // Stopped promptly: no more than the records in flight were read past the last one.
      CHECK(read.at < (stop_after + 2 * 512) * (good.size() + 1) + (std::size_t{1} << 20));
    }
  }
}

TEST_CASE("parallel read_stream: an exception in on_record joins the workers", "[parallel]") {
  const std::string good = test::minified(test::seed());
  std::string text;
  for (int i = 0; i < 200; ++i) text += good + "\n";
  livesend::parser parser;
  livesend::event_view ev;
  test::chunked_source read{text};
  std::size_t calls = 0;
  CHECK_THROWS_AS(
      livesend::read_stream(
          parser, read, ev,
          [&](const livesend::stream_record&, const livesend::error&, const livesend::event_view&) {
            if (++calls == 50) throw std::runtime_error("stop");
          },
          livesend::parallel{3}),
      std::runtime_error);
  CHECK(calls == 50);
}

TEST_CASE("parallel read_stream: owning events, and the single-thread path stops too",
          "[parallel]") {
  const std::string good = test::minified(test::seed());
  const std::string text = good + "\n" + good + "\n" + good + "\n";
  for (const std::size_t jobs : {1, 2}) {
    livesend::parser parser;
    livesend::event ev;
    test::chunked_source read{text};
    std::vector<std::string> tenants;
    const livesend::stream_stats stats = livesend::read_stream(
        parser, read, ev,
        [&](const livesend::stream_record&, const livesend::error& e, livesend::event& v) {
          tenants.push_back(e.ok() ? v.tenant_name : std::string("?"));
          return tenants.size() < 2;
        },
        livesend::parallel{jobs});
    CHECK(stats.events == 2);
    CHECK(tenants == std::vector<std::string>{"demo", "demo"});
  }
}

// ---- the ordered sink: read_stream_prepared ------------------------------------------------

namespace {

/// What a command's output would be: per record, its error, its unknown keys, and the event as
/// JSON. Computed by the single-thread read_stream (`jobs` 0), in on_record, or by
/// read_stream_prepared, the JSON written by `prepare` on the parsing thread.
struct prepared_run {
  std::string text;
  livesend::stream_stats stats;
  std::set<std::thread::id> prepare_threads;
  bool on_record_elsewhere = false;  // on_record ever ran off the calling thread
};

void describe(std::string& to, const livesend::stream_record& r, const livesend::error& e) {
  to += "#" + std::to_string(r.index) + " " + std::to_string(r.line) + ":" +
        std::to_string(r.column) + " @" + std::to_string(r.offset) + " [" + std::string(r.text) +
        "]\n";
  for (const livesend::unknown_key& k : r.unknown_keys) {
    to += "  unknown " + k.path + " " + std::to_string(k.line) + ":" + std::to_string(k.column) +
          "\n";
  }
  if (e) to += "  error " + e.to_string() + "\n";
}

prepared_run read_prepared(std::string_view text, std::size_t jobs, std::size_t gulp,
                           const livesend::parse_options& options, livesend::parallel how = {}) {
  livesend::parser parser(options);
  livesend::event_view ev;
  test::chunked_source read{text, gulp};
  prepared_run out;
  const std::thread::id caller = std::this_thread::get_id();
  if (jobs == 0) {
    fmt::memory_buffer json;
    out.stats = livesend::read_stream(
        parser, read, ev,
        [&](const livesend::stream_record& r, const livesend::error& e,
            const livesend::event_view& v) {
          describe(out.text, r, e);
          if (e) return;
          json.clear();
          livesend::write_json(json, v);
          out.text.append(json.data(), json.size());
          out.text += "\n";
        },
        how.piece_size);
    return out;
  }
  how.jobs = jobs;
  std::mutex threads_mutex;
  out.stats = livesend::read_stream_prepared<fmt::memory_buffer>(
      parser, read, ev,
      [&](const livesend::stream_record&, const livesend::event_view& v, fmt::memory_buffer& o) {
        o.clear();
        livesend::write_json(o, v);
        o.push_back('\n');
        const std::lock_guard<std::mutex> lock(threads_mutex);
        out.prepare_threads.insert(std::this_thread::get_id());
      },
      [&](const livesend::stream_record& r, const livesend::error& e, fmt::memory_buffer& o) {
        if (std::this_thread::get_id() != caller) out.on_record_elsewhere = true;
        describe(out.text, r, e);
        if (!e) out.text.append(o.data(), o.size());
      },
      how);
  return out;
}

}  // namespace

TEST_CASE("read_stream_prepared: what prepare made, handed out in order, for any jobs",
          "[parallel][prepared]") {
  livesend::parse_options options;
  options.report_unknown_keys = true;
  options.max_input_size = test::seed().size() + 10;  // the huge records are passed over
  const std::string text = mixed_ndjson(60);
  for (const std::size_t gulp : {std::size_t{1} << 20, std::size_t{333}}) {
    livesend::parallel how;
    how.piece_size = gulp == 333 ? 1000 : std::size_t{1} << 20;
    const prepared_run expected = read_prepared(text, 0, gulp, options, how);
    REQUIRE(expected.stats.failed > 3);
    REQUIRE(expected.text.find("unknown ") != std::string::npos);
    if (gulp == 333) REQUIRE(expected.text.find("passed over") != std::string::npos);
    for (const std::size_t jobs : {1, 2, 3, 8}) {
      for (const std::size_t batch_records : {std::size_t{1}, std::size_t{3}, std::size_t{512}}) {
        how.batch_bytes = batch_records == 512 ? std::size_t{256} << 10 : std::size_t{4096};
        how.batch_records = batch_records;
        INFO("jobs " << jobs << ", gulp " << gulp << ", batch of " << batch_records);
        const prepared_run got = read_prepared(text, jobs, gulp, options, how);
        CHECK(got.stats.events == expected.stats.events);
        CHECK(got.stats.failed == expected.stats.failed);
        CHECK(got.text == expected.text);
        CHECK_FALSE(got.on_record_elsewhere);
        if (jobs == 1) CHECK(got.prepare_threads == std::set{std::this_thread::get_id()});
      }
    }
  }
}

TEST_CASE("read_stream_prepared: on_record returning false stops the read",
          "[parallel][prepared]") {
  const std::string good = test::minified(test::seed());
  std::string text;
  for (int i = 0; i < 500; ++i) text += good + "\n";
  for (const std::size_t jobs : {1, 2, 3, 8}) {
    for (const std::size_t stop_after : {1, 7, 300}) {
      INFO("jobs " << jobs << ", stop after " << stop_after);
      livesend::parser parser;
      livesend::event_view ev;
      test::chunked_source read{text, std::size_t{4096}};
      std::atomic<std::size_t> prepared{0};
      std::size_t calls = 0;
      const livesend::stream_stats stats = livesend::read_stream_prepared<std::size_t>(
          parser, read, ev,
          [&](const livesend::stream_record& r, const livesend::event_view&, std::size_t& o) {
            o = r.index;
            prepared.fetch_add(1);
          },
          [&](const livesend::stream_record& r, const livesend::error& e, std::size_t& o) {
            CHECK(r.index == calls);
            CHECK(o == r.index);
            CHECK(e.ok());
            return ++calls < stop_after;
          },
          livesend::parallel{jobs});
      CHECK(calls == stop_after);
      CHECK(stats.events == stop_after);
      CHECK(prepared.load() >= stop_after);
      CHECK(prepared.load() < 500);
    }
  }
}

TEST_CASE("read_stream_prepared: an exception in prepare or on_record joins the workers",
          "[parallel][prepared]") {
  const std::string good = test::minified(test::seed());
  std::string text;
  for (int i = 0; i < 300; ++i) text += good + "\n";
  for (const bool in_prepare : {true, false}) {
    for (const std::size_t jobs : {1, 2, 3, 8}) {
      INFO("jobs " << jobs << (in_prepare ? ", in prepare" : ", in on_record"));
      livesend::parser parser;
      livesend::event_view ev;
      test::chunked_source read{text, std::size_t{8192}};
      std::size_t calls = 0;
      CHECK_THROWS_AS(livesend::read_stream_prepared<int>(
                          parser, read, ev,
                          [&](const livesend::stream_record& r, const livesend::event_view&, int&) {
                            if (in_prepare && r.index == 77) throw std::runtime_error("prepare");
                          },
                          [&](const livesend::stream_record&, const livesend::error&, int&) {
                            if (!in_prepare && ++calls == 50) throw std::runtime_error("on_record");
                          },
                          livesend::parallel{jobs}),
                      std::runtime_error);
      if (!in_prepare) CHECK(calls == 50);
      if (in_prepare) CHECK(calls <= 77);
    }
  }
}

TEST_CASE("parallel read_stream: the calling thread parses too, one worker fewer",
          "[parallel][prepared]") {
  // jobs counts the calling thread: --jobs 2 starts one worker, and the caller parses whenever
  // it would otherwise wait. Over a long stream both threads prepare events.
  const std::string good = test::minified(test::seed());
  std::string text;
  for (int i = 0; i < 3000; ++i) text += good + "\n";
  livesend::parse_options options;
  const prepared_run got = read_prepared(text, 2, std::size_t{1} << 20, options);
  CHECK(got.stats.events == 3000);
  CHECK(got.prepare_threads.size() <= 2);
  CHECK(got.prepare_threads.size() >= 1);
}
