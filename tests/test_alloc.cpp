// tests/test_alloc.cpp: after warm-up, parsing into a reused value allocates nothing.
//
// This file replaces the global operator new/delete of the test program with counting ones.
// GCC sees std::free under an inlined `delete` of memory from this very `new` and warns.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "livesend/csv.hpp"
#include "livesend/parallel.hpp"
#include "livesend/parse.hpp"
#include "livesend/stream.hpp"
#include "livesend/tables.hpp"
#include "livesend/write.hpp"
#include "support.hpp"

namespace {
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

template <class F>
std::size_t allocations_during(F&& f) {
  const std::size_t before = allocations.load();
  f();
  return allocations.load() - before;
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too, so that no allocation escapes the count and every block is freed by the
// allocator that made it (ASan checks the pairing).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

TEMPLATE_TEST_CASE("zero heap allocations per event after warm-up", "[alloc]", livesend::event,
                   livesend::event_view) {
  // A richer event than the seed: escapes, non-ASCII, several pages, unknown keys.
  std::string json = test::seed_with("\"tenantName\": \"demo\"",
                                     R"("tenantName": "d\u00e9mo \"q\" with a long enough text")");
  json = test::replace_once(json, "\"PageIndex\": 1,", "\"PageIndex\": 1, \"Unknown\": [1, 2],");
  livesend::parser parser;
  TestType ev;
  for (int i = 0; i < 3; ++i) REQUIRE(parser.parse(json, ev).ok());  // warm-up

  // No Catch2 assertion inside a measured block: only the parser's own allocations count.
  bool ok = true;
  const std::size_t from_string_view = allocations_during([&] {
    for (int i = 0; i < 100; ++i) ok &= parser.parse(json, ev).ok();
  });
  CHECK(ok);
  CHECK(from_string_view == 0);

  const simdjson::padded_string padded(json);
  const std::size_t from_padded = allocations_during([&] {
    for (int i = 0; i < 100; ++i) ok &= parser.parse(padded, ev).ok();
  });
  CHECK(ok);
  CHECK(from_padded == 0);

  // The same parser alternating between two events of different shapes.
  const std::string seed = test::seed();
  for (int i = 0; i < 3; ++i) REQUIRE(parser.parse(seed, ev).ok());
  const std::size_t alternating = allocations_during([&] {
    for (int i = 0; i < 50; ++i) {
      ok &= parser.parse(seed, ev).ok();
      ok &= parser.parse(json, ev).ok();
    }
  });
  CHECK(ok);
  CHECK(alternating == 0);
}

TEST_CASE("a stream of events allocates nothing per event", "[alloc][stream]") {
  std::string lines;
  for (int i = 0; i < 50; ++i) lines += test::minified(test::seed()) + "\n";
  const simdjson::padded_string buffer(lines);
  livesend::parser parser;
  livesend::event_view ev;
  std::size_t good = 0;
  auto count = [&](const livesend::stream_record&, const livesend::error& e,
                   const livesend::event_view&) { good += e.ok() ? 1 : 0; };
  (void)livesend::parse_stream(parser, buffer, ev, count);  // warm-up
  livesend::stream_stats stats;
  const std::size_t n =
      allocations_during([&] { stats = livesend::parse_stream(parser, buffer, ev, count); });
  CHECK(stats.events == 50);
  CHECK(n == 0);
  CHECK(good == 100);
}

TEST_CASE("a stream parsed on several threads allocates nothing per event", "[alloc][parallel]") {
  // Every thread's allocations count (the counter is global). A run allocates its threads,
  // parsers and batch buffers, and each parser warms up on its first events: a stream twice as
  // long must allocate exactly as much. (3000 records: every place of the ring sees both shapes
  // in the first half, dozens of times.)
  const std::string good = test::minified(test::seed());
  const std::string other =
      test::seed_with("\"tenantName\": \"demo\"", R"("tenantName": "d\u00e9mo \"q\" long enough")");
  std::string lines;
  for (int i = 0; i < 3000; ++i) lines += (i % 3 == 0 ? test::minified(other) : good) + "\n";
  const std::string twice = lines + lines;
  for (const std::size_t jobs : {std::size_t{2}, std::size_t{3}}) {
    auto run = [&](const std::string& text) {
      livesend::parser parser;
      livesend::event_view ev;
      std::size_t good_events = 0;
      test::chunked_source read{text};
      livesend::parallel how{jobs};
      how.piece_size = std::size_t{1} << 16;
      const std::size_t n = allocations_during([&] {
        (void)livesend::read_stream(
            parser, read, ev,
            [&](const livesend::stream_record&, const livesend::error& e,
                const livesend::event_view&) { good_events += e.ok() ? 1 : 0; },
            how);
      });
      return std::make_pair(n, good_events);
    };
    const auto once = run(lines);
    const auto two = run(twice);
    CAPTURE(jobs);
    CHECK(once.second == 3000);
    CHECK(two.second == 6000);
    CHECK(once.first != 0);  // the counter sees the workers' allocations
    CHECK(two.first == once.first);
  }
}

TEST_CASE("the ordered sink allocates nothing per event on any thread", "[alloc][parallel]") {
  // read_stream_prepared: each event written as JSON into its place's buffer on the thread that
  // parsed it, copied out in order on this one. A stream twice as long allocates exactly as much.
  const std::string good = test::minified(test::seed());
  const std::string other =
      test::seed_with("\"tenantName\": \"demo\"", R"("tenantName": "d\u00e9mo \"q\" long enough")");
  std::string lines;
  for (int i = 0; i < 3000; ++i) lines += (i % 3 == 0 ? test::minified(other) : good) + "\n";
  const std::string twice = lines + lines;
  for (const std::size_t jobs : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    auto run = [&](const std::string& text) {
      livesend::parser parser;
      livesend::event_view ev;
      test::chunked_source read{text};
      livesend::parallel how{jobs};
      how.piece_size = std::size_t{1} << 16;
      fmt::memory_buffer all;
      all.reserve(twice.size() * 2);
      std::size_t good_events = 0;
      const std::size_t n = allocations_during([&] {
        (void)livesend::read_stream_prepared<fmt::memory_buffer>(
            parser, read, ev,
            [](const livesend::stream_record&, const livesend::event_view& v,
               fmt::memory_buffer& o) {
              o.clear();
              livesend::write_json(o, v);
            },
            [&](const livesend::stream_record&, const livesend::error& e,
                const fmt::memory_buffer& o) {
              if (e) return;
              ++good_events;
              all.append(o.data(), o.data() + o.size());
            },
            how);
      });
      return std::make_pair(n, good_events);
    };
    const auto once = run(lines);
    const auto two = run(twice);
    CAPTURE(jobs);
    CHECK(once.second == 3000);
    CHECK(two.second == 6000);
    CHECK(once.first != 0);  // the counter sees the threads' allocations
    // Each thread's parser and event warm up on the first events that thread parses, and any
    // thread takes any batch: which threads parse, and when they first meet a shape, varies
    // from run to run. So the two runs may differ by a thread's warm-up (a few dozen
    // allocations), never by one per event (3000 more here).
    CHECK(two.first <= once.first + 40);
    CHECK(once.first <= two.first + 40);
  }
}

namespace {
/// `json` (one line, as to_json writes it) without its null members: what a producer that leaves
/// out null optionals sends.
std::string without_nulls(std::string json) {
  for (std::size_t at = json.find("\":null"); at != std::string::npos; at = json.find("\":null")) {
    std::size_t begin = json.rfind('"', at - 1);  // the key's opening quote
    std::size_t end = at + 6;
    if (json[begin - 1] == ',') {
      --begin;
    } else if (json[end] == ',') {
      ++end;
    }
    json.erase(begin, end - begin);
  }
  return json;
}

/// Fifteen events of varied shapes, made from the seed, one line each: 0 to 4 content sessions
/// of 0 to 5 pages, 0 to 4 participants and link contents, every kind of optional (string, raw,
/// integer, timestamp, record, array of strings) set, null or absent, strings of many lengths
/// (most past the small-string buffer), all varying from one event to the next.
std::vector<std::string> varied_events() {
  livesend::event seed;
  livesend::parser parser;
  if (parser.parse(test::seed(), seed)) throw std::runtime_error("the seed does not parse");
  // Set unset timestamps: to_json writes them as null, which would read back as an error.
  seed.data.interaction_occurred_at = seed.data.session_started_at;
  seed.data.livesend_session_summary.link.modified_at = seed.data.session_started_at;
  const livesend::page seed_page = seed.data.content_sessions.at(0).pages.at(0);

  std::vector<std::string> out;
  for (int i = 0; i < 15; ++i) {
    auto size = [&](int modulo, int salt) { return static_cast<std::size_t>((i * salt) % modulo); };
    auto str = [&](int salt) {
      return std::string(static_cast<std::size_t>(3 + (i * 13 + salt * 7) % 50),
                         static_cast<char>('a' + (i + salt) % 26));
    };
    auto opt = [&](std::optional<std::string>& o, int salt) {
      o.reset();
      if ((i + salt) % 3 == 0) o = str(salt);
    };
    auto raw = [&](std::optional<livesend::raw_json>& o, int salt) {
      o.reset();
      if ((i + salt) % 3 != 1) o = livesend::raw_json{"[\"" + str(salt) + "\", 1]"};
    };
    auto vary_content = [&](livesend::content& c, int salt) {
      opt(c.id, salt);
      opt(c.name, salt + 1);
      opt(c.quick_access_path, salt + 2);
      opt(c.type, salt + 3);
      opt(c.content_profile_id, salt + 4);
      raw(c.pages, salt + 5);
      c.total_pages.reset();
      if ((i + salt) % 2 == 0) c.total_pages = i;
      c.library_content.reset();
      if ((i + salt) % 4 != 3) {
        c.library_content.emplace();
        opt(c.library_content->id, salt + 6);
        opt(c.library_content->teamsite_id, salt + 7);
      }
      c.content_profile_path.reset();
      if ((i + salt) % 3 != 1) {
        c.content_profile_path.emplace();
        for (int k = 0; k < (i + salt) % 4; ++k) c.content_profile_path->push_back(str(salt + k));
      }
    };

    livesend::event ev = seed;
    livesend::data& d = ev.data;
    opt(d.delivery_option_name, 1);
    opt(d.user_id, 2);
    opt(d.email, 3);
    opt(d.status, 4);
    opt(d.action, 5);
    raw(d.recipients, 6);
    raw(d.links, 7);
    d.client_details.browser = str(8);
    opt(d.client_details.locale, 9);
    opt(d.client_details.application, 10);
    raw(d.livesend_session_summary.tracking_parameters, 11);
    livesend::link& link = d.livesend_session_summary.link;
    raw(link.download_formats, 12);
    opt(link.id_global, 13);
    link.download_formats_setting.assign(size(4, 2), str(14));
    link.content.assign(size(5, 4), seed.data.livesend_session_summary.link.content.at(0));
    for (std::size_t k = 0; k < link.content.size(); ++k) {
      vary_content(link.content[k], 15 + static_cast<int>(k));
    }
    d.content_sessions.assign(size(5, 3), seed.data.content_sessions.at(0));
    for (std::size_t k = 0; k < d.content_sessions.size(); ++k) {
      const int salt = 20 + static_cast<int>(k);
      livesend::content_session& s = d.content_sessions[k];
      s.id = str(salt);
      raw(s.download_formats, salt);
      vary_content(s.content, salt);
      s.pages.assign((static_cast<std::size_t>(i) + 2 * k) % 6, seed_page);
      for (std::size_t j = 0; j < s.pages.size(); ++j) {
        s.pages[j].thumbnail_image_url = str(salt + static_cast<int>(j));
        s.pages[j].started_at.reset();
        if ((i + static_cast<int>(j)) % 2 == 0) s.pages[j].started_at = s.session_started_at;
      }
    }
    d.participants.assign(size(5, 2), seed.data.participants.at(0));
    for (std::size_t k = 0; k < d.participants.size(); ++k) {
      const int salt = 30 + static_cast<int>(k);
      d.participants[k].email = str(salt);
      opt(d.participants[k].user_id, salt);
    }
    opt(ev.product_area, 40);

    std::string json = livesend::to_json(ev);
    out.push_back(i % 3 == 2 ? without_nulls(std::move(json)) : std::move(json));
  }
  return out;
}

/// The events in another order: (7k mod n), a permutation when n is not a multiple of 7.
std::vector<std::string> shuffled(const std::vector<std::string>& events) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < events.size(); ++k) out.push_back(events[k * 7 % events.size()]);
  return out;
}
}  // namespace

TEMPLATE_TEST_CASE("zero heap allocations on a sequence of events of varied shapes", "[alloc]",
                   livesend::event, livesend::event_view) {
  const std::vector<std::string> events = varied_events();
  const std::vector<std::string> reversed(events.rbegin(), events.rend());
  const std::vector<std::string> mixed = shuffled(events);
  livesend::parser parser;
  TestType ev;
  bool ok = true;
  auto parse_all = [&](const std::vector<std::string>& sequence) {
    for (const std::string& json : sequence) ok &= parser.parse(json, ev).ok();
  };
  // Warm-up: the workload once in each order. (The first time in a new order can still cost a
  // few allocations: a string or an array from the pools that lands where more room is needed
  // grows, once.)
  parse_all(events);
  parse_all(reversed);
  parse_all(mixed);
  REQUIRE(ok);

  CHECK(allocations_during([&] { parse_all(events); }) == 0);
  CHECK(allocations_during([&] { parse_all(reversed); }) == 0);
  CHECK(allocations_during([&] { parse_all(mixed); }) == 0);
  CHECK(allocations_during([&] { parse_all(events); }) == 0);
  CHECK(ok);
}

TEMPLATE_TEST_CASE("parse_stream over events of varied shapes allocates nothing after warm-up",
                   "[alloc][stream]", livesend::event, livesend::event_view) {
  const std::vector<std::string> events = varied_events();
  std::string lines;
  for (const std::string& json : events) lines += json + "\n";
  for (const std::string& json : shuffled(events)) lines += json + "\n";
  const simdjson::padded_string buffer(lines);
  livesend::parser parser;
  TestType ev;
  std::size_t good = 0;
  auto count = [&](const livesend::stream_record&, const livesend::error& e, const TestType&) {
    good += e.ok() ? 1 : 0;
  };
  (void)livesend::parse_stream(parser, buffer, ev, count);  // warm-up
  livesend::stream_stats stats;
  const std::size_t n =
      allocations_during([&] { stats = livesend::parse_stream(parser, buffer, ev, count); });
  CHECK(stats.events == 2 * events.size());
  CHECK(stats.failed == 0);
  CHECK(n == 0);
  CHECK(good == 4 * events.size());
}

TEMPLATE_TEST_CASE("a reused value reads the same as a fresh one, whatever it held before",
                   "[alloc][reuse]", livesend::event, livesend::event_view) {
  // Every ordered pair of events of different shapes (bigger then smaller, fields set then null
  // or absent, and the other way round), through one parser and one value, with a parse that
  // fails late in between: what the value held before must not show through.
  const std::vector<std::string> events = varied_events();
  livesend::parser parser;
  TestType reused;
  for (std::size_t a = 0; a < events.size(); ++a) {
    for (std::size_t b = 0; b < events.size(); ++b) {
      INFO("event " << a << ", then event " << b);
      REQUIRE(parser.parse(events[a], reused).ok());
      // Fails on data.TotalContent, after the arrays: the value is left half overwritten.
      const std::string broken =
          test::replace_once(events[b], "\"TotalContent\":", "\"TotalContent\":true,\"X\":");
      REQUIRE(parser.parse(broken, reused).code() == livesend::error_code::wrong_type);
      REQUIRE(parser.parse(events[b], reused).ok());
      livesend::parser fresh_parser;
      TestType fresh;
      REQUIRE(fresh_parser.parse(events[b], fresh).ok());
      CHECK(reused == fresh);
    }
  }
}

TEST_CASE("the counting allocator counts", "[alloc]") {
  const std::size_t n = allocations_during([] {
    std::string s(1000, 'x');
    CHECK(s.size() == 1000);
  });
  CHECK(n >= 1);
}

// ---- tables.hpp and csv.hpp: walking rows and writing CSV ------------------------------------

namespace {
/// A sink that only sums what it sees (allocates nothing itself).
struct summing_sink {
  std::size_t rows = 0;
  std::size_t cells = 0;
  std::uint64_t sum = 0;
  void begin_row(livesend::table) { ++rows; }
  void cell(std::size_t, livesend::null_cell) { ++cells; }
  void cell(std::size_t, std::string_view s) {
    ++cells;
    sum += s.size();
  }
  void cell(std::size_t, std::int64_t i) {
    ++cells;
    sum += static_cast<std::uint64_t>(i);
  }
  void cell(std::size_t, double d) {
    ++cells;
    sum += d > 0 ? 1 : 0;
  }
  void cell(std::size_t, bool b) {
    ++cells;
    sum += b ? 1 : 0;
  }
  void cell(std::size_t, livesend::timestamp t) {
    ++cells;
    sum += static_cast<std::uint64_t>(t.unix_micros());
  }
  void cell(std::size_t, livesend::json_cell j) {
    ++cells;
    sum += j.text.size();
  }
  void end_row() {}
};
}  // namespace

TEMPLATE_TEST_CASE("walking rows allocates nothing once warm", "[tables][alloc]", livesend::event,
                   livesend::event_view) {
  // Raw values with whitespace to minify, longer than fmt's inline buffer, and [str] arrays.
  std::string tags = "[";
  for (int i = 0; i < 100; ++i) tags += " \"tag number " + std::to_string(i) + "\" ,\n";
  tags += " {\"last\" : true} ]";
  std::string json = test::seed_with("\"Tags\": []", "\"Tags\": " + tags);
  json = test::replace_once(json, "\"DownloadFormatsSetting\": []",
                            "\"DownloadFormatsSetting\": [\"pdf\", \"do\\\"cx\"]");
  livesend::parser parser;
  TestType ev;
  REQUIRE(parser.parse(json, ev).ok());

  summing_sink sink;
  livesend::row_scratch scratch;
  livesend::for_each_row(ev, sink, scratch);  // warm-up: the scratch buffer grows once
  livesend::for_each_row(ev, sink);           // and the thread's own
  const std::size_t walk = allocations_during([&] {
    for (int i = 0; i < 100; ++i) livesend::for_each_row(ev, sink, scratch);
    for (int i = 0; i < 100; ++i) livesend::for_each_row(ev, sink);
  });
  CHECK(walk == 0);
  CHECK(sink.rows == 202 * 5);

  livesend::csv_writer csv;
  for (int i = 0; i < 3; ++i) {
    csv.write(ev);
    for (livesend::table t : livesend::all_tables) csv.clear(t);
  }
  const std::size_t written = allocations_during([&] {
    for (int i = 0; i < 100; ++i) {
      csv.write(ev);
      for (livesend::table t : livesend::all_tables) csv.clear(t);
    }
  });
  CHECK(written == 0);
}
