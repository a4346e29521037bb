// tests/test_limits.cpp: the parser's bounds: parse_options::max_input_size (input_too_large),
// parse_options::max_raw_depth (depth_exceeded), nesting far beyond both, and the memory one
// event takes, which stays proportional to its size.
//
// A program of its own: it replaces the global operator new with one that counts bytes, both in
// all (allocated) and at most at once (peak).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include "catch.hpp"
#include "livesend/livesend.hpp"
#include "support.hpp"

using livesend::error_code;

namespace {

// Each block carries its size in a header, so that delete can subtract it from the live bytes.
constexpr std::size_t header = 16;  // keeps the 16-byte alignment of malloc
std::size_t allocated = 0;          // bytes handed out in all
std::size_t live = 0;               // bytes handed out and not yet freed
std::size_t peak = 0;               // the most live bytes since the last reset

void* counted_alloc(std::size_t size) noexcept {
  auto* block = static_cast<unsigned char*>(std::malloc(size + header));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(block) = size;
  allocated += size;
  live += size;
  if (live > peak) peak = live;
  return block + header;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  unsigned char* block = static_cast<unsigned char*>(p) - header;
  live -= *reinterpret_cast<std::size_t*>(block);
  std::free(block);
}

struct usage {
  std::size_t allocated = 0;  ///< bytes allocated during the call
  std::size_t peak = 0;       ///< the most bytes live at once during the call, above the start
};

template <class F>
usage measure(F&& f) {
  const std::size_t allocated_before = allocated;
  const std::size_t live_before = live;
  peak = live;
  f();
  return {allocated - allocated_before, peak - live_before};
}

}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size);
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }

namespace {

/// The error of a failed parse; unlike livesend::error, fine to ignore in a test.
struct failure : livesend::error {};

/// Parses with both flavours (and the padded overload); all must fail alike with `code` at
/// `path`, at `offset`.
failure parse_error(std::string_view json, const livesend::parse_options& options, error_code code,
                    std::string_view path, std::size_t offset) {
  livesend::parser parser(options);
  livesend::event ev;
  livesend::error err = parser.parse(json, ev);
  INFO(err.to_string());
  CHECK(err.code() == code);
  CHECK(err.path() == path);
  CHECK(err.offset() == offset);
  CHECK(err.line() == livesend::detail::line_of(json, offset));
  livesend::parser view_parser(options);
  livesend::event_view view;
  CHECK(view_parser.parse(json, view) == err);
  const simdjson::padded_string padded(json);
  CHECK(view_parser.parse(padded, view) == err);
  return failure{std::move(err)};
}

/// The seed with `n` content sessions, each a copy of its one (with its page), so that the
/// event grows in every kind of member: strings, numbers, timestamps, nested records, arrays.
std::string seed_with_sessions(std::size_t n) {
  const std::string seed = test::minified(test::seed());
  const std::string open = "\"ContentSessions\":[";
  const std::size_t start = seed.find(open) + open.size();
  const std::size_t end = seed.find("],\"DetailsUrl\"");
  const std::string session = seed.substr(start, end - start);
  std::string sessions;
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) sessions += ',';
    sessions += session;
  }
  return seed.substr(0, start) + sessions + seed.substr(end);
}

}  // namespace

TEST_CASE("the counting allocator counts bytes", "[limits][alloc]") {
  const usage u = measure([] {
    std::string a(1000, 'x');
    std::string b(3000, 'y');
    CHECK(a.size() + b.size() == 4000);
  });
  CHECK(u.allocated >= 4000);
  CHECK(u.peak >= 4000);
  CHECK(u.peak <= u.allocated);
}

TEST_CASE("max_input_size: a larger input is refused before any parsing", "[limits][size]") {
  const std::string& seed = test::seed();
  livesend::parse_options options;
  options.max_input_size = seed.size();
  SECTION("at the limit: read") {
    livesend::parser parser(options);
    livesend::event ev;
    CHECK(parser.parse(seed, ev).ok());
  }
  SECTION("one byte more: input_too_large at offset 0, line 1, no path") {
    const std::string bigger = seed + " ";
    const failure err = parse_error(bigger, options, error_code::input_too_large, "", 0);
    CHECK(err.line() == 1);
    CHECK(err.message() == "input of " + std::to_string(bigger.size()) +
                               " bytes is larger than the limit of " + std::to_string(seed.size()));
    CHECK(err.to_string() == "offset 0: " + err.message());
  }
  SECTION("the default: 16 MiB") {
    CHECK(livesend::parse_options{}.max_input_size == std::size_t{16} * 1024 * 1024);
    // 16 MiB + 1 of spaces around an object: refused as it stands, without copying it.
    std::string huge(std::size_t{16} * 1024 * 1024 + 1, ' ');
    huge[0] = '{';
    huge[1] = '}';
    livesend::parser parser;
    livesend::event ev;
    livesend::error err;
    const usage u = measure([&] { err = parser.parse(huge, ev); });
    CHECK(err.code() == error_code::input_too_large);
    CHECK(u.allocated < 4096);  // only the message
    huge.pop_back();            // exactly 16 MiB: parsed (and found to lack every field)
    CHECK(parser.parse(huge, ev).code() == error_code::missing_field);
  }
  SECTION("in a stream, the limit is per record") {
    const std::string line = test::minified(seed);
    livesend::parse_options small;
    small.max_input_size = line.size();
    const std::string buffer = line + "\n" + line + "  \n" + line + "\t\n";
    const std::string big_line = line.substr(0, line.size() - 1) + " }";  // one byte larger
    const std::string with_big = line + "\n" + big_line + "\n" + line + "\n";
    livesend::parser parser(small);
    livesend::event_view ev;
    std::size_t bad = 0;
    livesend::error seen;
    const auto stats = livesend::parse_stream(
        parser, with_big, ev,
        [&](const livesend::stream_record&, const livesend::error& e, const livesend::event_view&) {
          if (e) {
            ++bad;
            seen = e;
          }
        });
    CHECK(stats.events == 3);
    CHECK(stats.failed == 1);
    CHECK(bad == 1);
    CHECK(seen.code() == error_code::input_too_large);
    CHECK(seen.offset() == line.size() + 1);  // where the record starts
    CHECK(seen.line() == 2);
    const auto fine = livesend::parse_stream(
        parser, buffer, ev,
        [](const livesend::stream_record&, const livesend::error&, const livesend::event_view&) {});
    CHECK(fine.failed == 0);
  }
}

TEST_CASE("read_stream holds a bounded buffer, however long the stream and its records",
          "[limits][memory][stream]") {
  // 2,000 events, a 20 MiB line, 2,000 events: made as they are read, never all in memory.
  const std::string line = test::minified(test::seed()) + "\n";
  const std::string long_start = "{\"application\": \"";
  const std::size_t long_size = std::size_t{20} << 20;
  const std::size_t events = 2000;
  std::size_t at = 0;  // offset in the stream
  const std::size_t long_at = events * line.size();
  const std::size_t after_long = long_at + long_size + 1;
  const std::size_t total = after_long + events * line.size();
  auto read = [&](char* into, std::size_t room) {
    std::size_t n = 0;
    for (; n < room && at < total; ++n, ++at) {
      if (at < long_at) {
        into[n] = line[at % line.size()];
      } else if (at < after_long) {
        const std::size_t i = at - long_at;
        into[n] = i < long_start.size() ? long_start[i] : i + 1 == long_size + 1 ? '\n' : 'a';
      } else {
        into[n] = line[(at - after_long) % line.size()];
      }
    }
    return n;
  };
  livesend::parse_options options;
  options.max_input_size = std::size_t{1} << 20;
  livesend::parser parser(options);
  livesend::event_view ev;
  std::size_t good = 0;
  livesend::error too_long;
  livesend::stream_stats stats;
  const usage u = measure([&] {
    stats = livesend::read_stream(
        parser, read, ev,
        [&](const livesend::stream_record&, const livesend::error& e, const livesend::event_view&) {
          if (e) {
            too_long = e;
          } else {
            ++good;
          }
        },
        std::size_t{64} << 10);
  });
  CHECK(stats.events == 2 * events + 1);
  CHECK(stats.failed == 1);
  CHECK(good == 2 * events);
  CHECK(too_long.code() == error_code::input_too_large);
  CHECK(too_long.offset() == long_at);
  CHECK(too_long.line() == events + 1);
  // The buffer grew to about twice the limit to find the long record too long, no more; the
  // parser's own buffers are for one event.
  INFO("peak " << u.peak << " bytes for a stream of " << total);
  CHECK(u.peak <= 4 * options.max_input_size);
}

TEST_CASE("max_raw_depth: the deepest raw value kept, one level more refused", "[limits][depth]") {
  const std::string seed = test::minified(test::seed());
  const std::string tags = "\"Tags\":[]";
  const std::size_t tags_value = seed.find(tags) + 7;  // where the value of Tags starts
  const auto deep_tags = [&](std::size_t depth) {
    return test::replace_once(seed, tags,
                              "\"Tags\":" + std::string(depth, '[') + std::string(depth, ']'));
  };
  livesend::parse_options options;
  REQUIRE(options.max_raw_depth == 64);

  SECTION("64 levels: kept as they are") {
    livesend::parser parser;
    livesend::event ev;
    REQUIRE(parser.parse(deep_tags(64), ev).ok());
    CHECK(ev.data.livesend_session_summary.link.tags.json ==
          std::string(64, '[') + std::string(64, ']'));
  }
  SECTION("65 levels: depth_exceeded at the 65th bracket, with the field's path") {
    const failure err = parse_error(deep_tags(65), options, error_code::depth_exceeded,
                                    "data.LivesendSessionSummary.Link.Tags", tags_value + 64);
    CHECK(err.message() == "nested deeper than 64 levels");
  }
  SECTION("an unknown key's value is bounded alike, named by the key") {
    // {"a": [[...]]}: the 64th bracket is the 65th level.
    const std::string input =
        test::replace_once(seed, "\"application\":\"Web\"",
                           "\"application\":\"Web\",\"Extra\":{\"a\":" + std::string(64, '[') +
                               std::string(64, ']') + "}");
    parse_error(input, options, error_code::depth_exceeded, "Extra",
                input.find("{\"a\":") + 5 + 63);
    // Deeper in, the path leads to it.
    const std::string nested = test::replace_once(
        seed, "\"Browser\":\"edge\"",
        "\"Browser\":\"edge\",\"Zoom\":" + std::string(65, '[') + std::string(65, ']'));
    parse_error(nested, options, error_code::depth_exceeded, "data.ClientDetails.Zoom",
                nested.find("\"Zoom\":") + 7 + 64);
  }
  SECTION("a smaller limit") {
    livesend::parse_options tight;
    tight.max_raw_depth = 2;
    livesend::parser parser(tight);
    livesend::event ev;
    CHECK(parser.parse(deep_tags(2), ev).ok());
    const failure err = parse_error(deep_tags(3), tight, error_code::depth_exceeded,
                                    "data.LivesendSessionSummary.Link.Tags", tags_value + 2);
    CHECK(err.message() == "nested deeper than 2 levels");
    // Scalars have no depth: a limit of 0 still takes them, and refuses any array.
    tight.max_raw_depth = 0;
    livesend::parser flat(tight);
    const std::string scalars = test::replace_once(
        test::replace_once(seed, tags, "\"Tags\":\"none\""), "\"Context\":[]", "\"Context\":1");
    CHECK(flat.parse(scalars, ev).ok());
    parse_error(seed, tight, error_code::depth_exceeded, "data.LivesendSessionSummary.Link.Tags",
                tags_value);
  }
  SECTION("the whole document: at most 1024 levels") {
    // Beyond max_raw_depth, simdjson's own bound holds for the whole document: 1024 levels.
    // A value of the wrong type is reported as such within it, as too deep beyond it, without
    // a path, at the first bracket past level 1024 (TotalContent sits at level 2).
    const std::string value_at = "\"TotalContent\":";
    const auto deep_total = [&](std::size_t depth) {
      return test::replace_once(seed, "\"TotalContent\":1",
                                value_at + std::string(depth, '[') + std::string(depth, ']'));
    };
    parse_error(deep_total(1022), options, error_code::wrong_type, "data.TotalContent",
                seed.find(value_at) + value_at.size());
    const failure err = parse_error(deep_total(1023), options, error_code::depth_exceeded, "",
                                    seed.find(value_at) + value_at.size() + 1022);
    CHECK(err.message() == "nesting deeper than the limit");
  }
  SECTION("far deeper than any limit: an error, never a crash") {
    for (const std::size_t depth : {1025u, 70000u, 1000000u}) {
      INFO(depth);
      livesend::parser parser;
      livesend::event ev;
      // Closed, in a raw field: the depth error, at the field.
      livesend::error err = parser.parse(deep_tags(depth), ev);
      CHECK(err.code() == error_code::depth_exceeded);
      CHECK(err.offset() <= seed.size() + 2 * depth);
      // Never closed.
      const std::string open =
          test::replace_once(seed, tags, "\"Tags\":" + std::string(depth, '['));
      err = parser.parse(open, ev);
      CHECK(err.code() == error_code::depth_exceeded);
      // In a field that is not raw.
      err = parser.parse(test::replace_once(seed, "\"TotalContent\":1",
                                            "\"TotalContent\":" + std::string(depth, '[') +
                                                std::string(depth, ']')),
                         ev);
      CHECK(err.code() == error_code::depth_exceeded);
      // The whole document.
      err = parser.parse(std::string(depth, '[') + std::string(depth, ']'), ev);
      CHECK(err.code() != error_code::ok);
      err = parser.parse(std::string(depth, '{'), ev);
      CHECK(err.code() != error_code::ok);
    }
  }
}

TEST_CASE("memory for one event stays proportional to its size", "[limits][memory]") {
  // Fresh parser and value each time: the worst case, everything allocated for this event.
  std::size_t previous_size = 0;
  double worst_ratio = 0;
  for (const std::size_t sessions : {1u, 8u, 64u, 512u, 2048u}) {
    const std::string input = seed_with_sessions(sessions);
    REQUIRE(input.size() > previous_size);
    previous_size = input.size();
    usage owning;
    usage view;
    {
      bool ok = false;
      owning = measure([&] {
        livesend::parser parser;
        livesend::event ev;
        ok = parser.parse(input, ev).ok() && ev.data.content_sessions.size() == sessions;
      });
      CHECK(ok);
      view = measure([&] {
        livesend::parser parser;
        livesend::event_view ev;
        ok = parser.parse(input, ev).ok() && ev.data.content_sessions.size() == sessions;
      });
      CHECK(ok);
    }
    const double ratio = static_cast<double>(owning.peak) / static_cast<double>(input.size());
    INFO("sessions " << sessions << ": " << input.size() << " bytes in, owning peak " << owning.peak
                     << " (" << ratio << " per byte), view peak " << view.peak);
    // simdjson's buffers take a few bytes per input byte (the padded copy, the structural
    // index, the string buffer), the model less: well under 16 per byte, whatever the size.
    CHECK(owning.peak <= 16 * input.size() + 64 * 1024);
    CHECK(view.peak <= owning.peak);
    if (sessions >= 64) worst_ratio = std::max(worst_ratio, ratio);
  }
  CHECK(worst_ratio < 16);
}

TEST_CASE("a reused parser keeps the memory of its largest event, no more", "[limits][memory]") {
  // Small and large events in turn: the first round allocates at most what the large event
  // needed (the pools' own arrays), after it nothing is allocated and the memory held does not
  // grow (what the small event leaves unused of the value waits in the parser's pools for the
  // next large one); the value and the pools together stay within twice what the large event
  // alone needs.
  const std::string big = seed_with_sessions(512);
  const std::string small = test::minified(test::seed());
  for (const bool view : {false, true}) {
    INFO((view ? "event_view" : "event"));
    livesend::parser parser;
    livesend::event owning;
    livesend::event_view borrowing;
    const auto parse = [&](const std::string& json) {
      return view ? parser.parse(json, borrowing).ok() : parser.parse(json, owning).ok();
    };
    const std::size_t before = live;
    REQUIRE(parse(big));
    const std::size_t one_event = live - before;
    std::size_t held = 0;
    std::size_t first_round = 0;
    bool ok = true;
    for (int i = 0; i < 10; ++i) {
      const usage round = measure([&] { ok = ok && parse(small) && parse(big); });
      if (i == 0) {
        first_round = round.allocated;
        held = live;
      } else {
        CHECK(round.allocated == 0);
        CHECK(live == held);
      }
    }
    CHECK(ok);
    CHECK(first_round <= one_event);
    CHECK(held - before <= 2 * one_event);
  }
}
