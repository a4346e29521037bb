// tests/test_stream.cpp: stream.hpp: splitting records and parsing them one by one.
#include "livesend/stream.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "support.hpp"

namespace {

std::vector<livesend::stream_record> split(std::string_view buffer) {
  livesend::record_splitter splitter(buffer);
  std::vector<livesend::stream_record> records;
  livesend::stream_record r;
  while (splitter.next(r)) records.push_back(r);
  return records;
}

struct outcome {
  std::size_t line;
  std::size_t offset;
  livesend::error err;
  std::string tenant;
};

std::vector<outcome> parse_all(std::string_view buffer, livesend::stream_stats* stats = nullptr) {
  livesend::parser parser;
  livesend::event_view scratch;
  std::vector<outcome> out;
  const auto s = livesend::parse_stream(
      parser, buffer, scratch,
      [&](const livesend::stream_record& r, const livesend::error& e,
          const livesend::event_view& ev) {
        out.push_back({r.line, r.offset, e, e ? std::string() : std::string(ev.tenant_name)});
      });
  if (stats != nullptr) *stats = s;
  return out;
}

}  // namespace

TEST_CASE("NDJSON: one record per line, blank lines skipped", "[stream][split]") {
  const std::string a = "{\"a\":1}";
  const std::string buffer = a + "\n\n  " + a + " \r\n" + "{\"broken\":\n" + a + "\n";
  const auto records = split(buffer);
  REQUIRE(records.size() == 3);  // issue 15: was 4, see below
  CHECK(records[0].text == a);
  CHECK(records[0].line == 1);
  CHECK(records[0].offset == 0);
  CHECK(records[1].text == a);
  CHECK(records[1].line == 3);
  CHECK(records[1].offset == a.size() + 4);
  // Issue 15: a `{` at column 1 after a ':' can go on the value (`{"broken":{"a":1}` is valid
  // so far), so this broken line takes the next one; the lines a broken line cannot take are in
  // "one broken line does not swallow the next".
  CHECK(records[2].text == "{\"broken\":\n" + a);
  CHECK(records[2].line == 4);
  CHECK(records[2].index == 2);
}

namespace {

struct where {
  std::string_view text;
  std::size_t offset;
  std::size_t line;
  std::size_t column;
};

void check_records(std::string_view buffer, const std::vector<where>& expected) {
  const auto records = split(buffer);
  REQUIRE(records.size() == expected.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    CAPTURE(i);
    CHECK(records[i].text == expected[i].text);
    CHECK(records[i].offset == expected[i].offset);
    CHECK(records[i].line == expected[i].line);
    CHECK(records[i].column == expected[i].column);
    CHECK(records[i].index == i);
    CHECK(records[i].problem == nullptr);
  }
}

}  // namespace

TEST_CASE("a stream mixes NDJSON and pretty-printed events", "[stream][split]") {
  check_records("{\"a\":1}\n{\n  \"b\": 2\n}\n{\"c\":3}\n",
                {{"{\"a\":1}", 0, 1, 1}, {"{\n  \"b\": 2\n}", 8, 2, 1}, {"{\"c\":3}", 21, 5, 1}});
  // NDJSON after a pretty event, and a pretty one after NDJSON, CRLF.
  check_records("{\r\n\"a\":1}\r\n{\"b\":2}\r\n{\"c\":\r\n3}",
                {{"{\r\n\"a\":1}", 0, 1, 1}, {"{\"b\":2}", 11, 3, 1}, {"{\"c\":\r\n3}", 20, 4, 1}});
}

TEST_CASE("values concatenated on one line are records of their own", "[stream][split]") {
  check_records(
      "{\"a\":1}{\"b\":2} {\"c\":3}\n  {}",
      {{"{\"a\":1}", 0, 1, 1}, {"{\"b\":2}", 7, 1, 8}, {"{\"c\":3}", 15, 1, 16}, {"{}", 25, 2, 3}});
  // Scalars end at whitespace or where a value starts; a string at its closing quote.
  check_records("1 true\"x y\"{}null", {{"1", 0, 1, 1},
                                        {"true", 2, 1, 3},
                                        {"\"x y\"", 6, 1, 7},
                                        {"{}", 11, 1, 12},
                                        {"null", 13, 1, 14}});
}

TEST_CASE("the elements of a top-level array are the records", "[stream][split][array]") {
  check_records("[{\"a\":1},\n {\"b\":2}]\n[]\n{\"c\":3} [ ]\n[\n1 , [2]\n]",
                {{"{\"a\":1}", 1, 1, 2},
                 {"{\"b\":2}", 11, 2, 2},
                 {"{\"c\":3}", 23, 4, 1},
                 {"1", 37, 6, 1},
                 {"[2]", 41, 6, 5}});
  CHECK(split("[]").empty());
  CHECK(split(" [ \n ] ").empty());
}

TEST_CASE("a malformed array: each fault is an error record, and the rest goes on",
          "[stream][split][array]") {
  const std::string buffer = "[{\"a\":1} {\"b\":2},]\n{\"c\":3}\n[,7\n[1,";
  const auto records = split(buffer);
  REQUIRE(records.size() == 10);
  const auto is = [&](std::size_t i, std::string_view text, std::size_t offset, std::size_t line,
                      std::size_t column, bool problem) {
    CAPTURE(i);
    CHECK(records[i].text == text);
    CHECK(records[i].offset == offset);
    CHECK(records[i].line == line);
    CHECK(records[i].column == column);
    CHECK((records[i].problem != nullptr) == problem);
    CHECK(records[i].index == i);
  };
  is(0, "{\"a\":1}", 1, 1, 2, false);
  is(1, "", 9, 1, 10, true);  // the ',' missing before {"b":2}
  CHECK(std::string(records[1].problem) == "expected ',' or ']' after an array element");
  is(2, "{\"b\":2}", 9, 1, 10, false);  // read as if the ',' were there
  is(3, "", 17, 1, 18, true);           // no element between ',' and ']'
  is(4, "{\"c\":3}", 19, 2, 1, false);
  is(5, "", 28, 3, 2, true);  // [,7: no element before ','
  is(6, "7", 29, 3, 3, false);
  is(7, "", 31, 4, 1, true);      // [ after 7 in the array: a ',' missing, then the element [1,
  is(8, "[1,", 31, 4, 1, false);  // an element that does not close runs to the end
  is(9, "", 34, 4, 4, true);      // and the array is not closed
  livesend::stream_stats stats;
  const auto out = parse_all(buffer, &stats);
  REQUIRE(out.size() == 10);
  CHECK(out[9].err.code() == livesend::error_code::syntax_error);
  CHECK(out[9].err.message() == "the array is not closed at the end of the input");
  CHECK(out[9].err.offset() == buffer.size());
  CHECK(out[9].err.line() == 4);
  CHECK(out[9].err.column() == 4);
  CHECK(out[1].err.message() == "expected ',' or ']' after an array element");
  CHECK(out[1].err.offset() == 9);
  CHECK(out[1].err.column() == 10);
  CHECK(stats.failed == 10);  // 5 faults, and no record is an event
}

TEST_CASE("one broken line does not swallow the next", "[stream][split][broken]") {
  // A raw line feed in a string: the record ends at its line's end.
  check_records("{\"a\":\"x\r\n{\"b\":1}\n", {{"{\"a\":\"x", 0, 1, 1}, {"{\"b\":1}", 9, 2, 1}});
  // A '{' at column 1 where the open value cannot take one: after ',' in an object, after a
  // value, after '{'.
  check_records("{\"a\":1,\n{\"b\":1}\n{\"c\":[2]\n{\"d\":1}\n{\n{}", {{"{\"a\":1,", 0, 1, 1},
                                                                       {"{\"b\":1}", 8, 2, 1},
                                                                       {"{\"c\":[2]", 16, 3, 1},
                                                                       {"{\"d\":1}", 25, 4, 1},
                                                                       {"{", 33, 5, 1},
                                                                       {"{}", 35, 6, 1}});
  // Where a '{' can go on the value: after ':', '[', a ',' in an array, or not at column 1.
  check_records("{\"a\":[1,\n{\"b\":1}]}\n{\"c\":\n{}}\n{\"d\":[\n{}]}\n{\"e\":1,\n {\"f\":1}",
                {{"{\"a\":[1,\n{\"b\":1}]}", 0, 1, 1},
                 {"{\"c\":\n{}}", 19, 3, 1},
                 {"{\"d\":[\n{}]}", 29, 5, 1},
                 {"{\"e\":1,\n {\"f\":1}", 41, 7, 1}});
  // A broken line followed by a good event: the good one parses.
  const std::string good = test::minified(test::seed());
  const auto out = parse_all("{\"application\":\"Web\n" + good + "\n{\"id\":1,\n" + good);
  REQUIRE(out.size() == 4);
  CHECK(out[0].err.code() == livesend::error_code::syntax_error);
  CHECK(out[1].err.ok());
  CHECK(out[1].line == 2);
  CHECK(out[2].err.code() == livesend::error_code::syntax_error);
  CHECK(out[2].line == 3);
  CHECK(out[3].err.ok());
  CHECK(out[3].line == 4);
}

TEST_CASE("errors carry their column, in records that start mid-line too", "[stream][column]") {
  // The second record starts at column 3; its error is 15 bytes into it.
  auto out = parse_all("{} {\"application\" \"Web\"}");
  REQUIRE(out.size() == 2);
  CHECK(out[1].err.code() == livesend::error_code::syntax_error);
  CHECK(out[1].err.offset() == 18);
  CHECK(out[1].err.line() == 1);
  CHECK(out[1].err.column() == 19);
  // A pretty record from line 2: the error on its third line, column from that line's start.
  out = parse_all("{}\n{\n  \"application\" \"Web\"\n}");
  REQUIRE(out.size() == 2);
  CHECK(out[1].err.offset() == 21);
  CHECK(out[1].err.line() == 3);
  CHECK(out[1].err.column() == 17);
  // Field errors too; and the unknown keys.
  const std::string good = test::minified(test::seed());
  const std::string extra =
      test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":1,\"Extra\":2,");
  const std::string wrong =
      test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":\"1\",");
  livesend::parse_options options;
  options.report_unknown_keys = true;
  livesend::parser parser(options);
  livesend::event_view ev;
  std::vector<livesend::unknown_key> keys;
  livesend::error err;
  (void)livesend::parse_stream(
      parser, good + "  " + extra + " " + wrong, ev,
      [&](const livesend::stream_record& r, const livesend::error& e, const livesend::event_view&) {
        if (e) err = e;
        for (const auto& key : r.unknown_keys) keys.push_back(key);
      });
  CHECK(err.path() == "data.TotalContent");
  CHECK(err.offset() == good.size() + 2 + extra.size() + 1 + wrong.find("\"1\""));
  CHECK(err.line() == 1);
  CHECK(err.column() == err.offset() + 1);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].offset == good.size() + 2 + extra.find("\"Extra\""));
  CHECK(keys[0].column == keys[0].offset + 1);
  CHECK(keys[0].line == 1);
  // Alone, a parse gives the column too.
  livesend::event_view alone;
  const livesend::error e = parser.parse("{\n  \"application\" \"Web\"}", alone);
  CHECK(e.line() == 2);
  CHECK(e.column() == 17);
}

TEST_CASE("pretty-printed and concatenated documents: one record per value", "[stream][split]") {
  const std::string buffer = "\xEF\xBB\xBF" + test::seed() + "\n" + test::seed() + "{\"x\": \"}\"}";
  const auto records = split(buffer);
  REQUIRE(records.size() == 3);
  CHECK(records[0].offset == 3);
  CHECK(records[0].text == std::string_view(test::seed()).substr(0, test::seed().rfind('}') + 1));
  CHECK(records[1].line ==
        1 + static_cast<std::size_t>(std::count(test::seed().begin(), test::seed().end(), '\n')) +
            1);
  CHECK(records[2].text == "{\"x\": \"}\"}");
}

TEST_CASE("a bad record in the middle is reported and the rest go on", "[stream]") {
  const std::string good = test::minified(test::seed());
  const std::string wrong_type =
      test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":\"1\",");
  const std::string buffer =
      good + "\n" + wrong_type + "\n{\"application\" \"Web\"}\n" + good + "\n";
  livesend::stream_stats stats;
  const auto out = parse_all(buffer, &stats);
  CHECK(stats.events == 4);
  CHECK(stats.failed == 2);
  REQUIRE(out.size() == 4);
  CHECK(out[0].err.ok());
  CHECK(out[0].tenant == "demo");
  CHECK(out[1].err.code() == livesend::error_code::wrong_type);
  CHECK(out[1].err.path() == "data.TotalContent");
  CHECK(out[1].err.line() == 2);
  CHECK(out[1].err.offset() == good.size() + 1 + wrong_type.find("\"1\""));
  CHECK(out[2].err.code() == livesend::error_code::syntax_error);
  CHECK(out[2].err.line() == 3);
  CHECK(out[2].err.offset() ==
        good.size() + 1 + wrong_type.size() + 1 + std::string("{\"application\" ").size());
  CHECK(out[3].err.ok());
  CHECK(out[3].tenant == "demo");
}

TEST_CASE("a stream of pretty-printed events, and an empty one", "[stream]") {
  const auto out = parse_all(test::seed() + test::seed() + "\n\n" + test::seed());
  REQUIRE(out.size() == 3);
  for (const auto& o : out) CHECK(o.err.ok());
  livesend::stream_stats stats;
  CHECK(parse_all(" \n\n ", &stats).empty());
  CHECK(stats.events == 0);
}

TEST_CASE("the padded overload parses records in place", "[stream]") {
  const simdjson::padded_string buffer(test::minified(test::seed()) + "\n" +
                                       test::minified(test::seed()));
  livesend::parser parser;
  livesend::event ev;
  std::size_t good = 0;
  const auto stats =
      livesend::parse_stream(parser, buffer, ev,
                             [&](const livesend::stream_record&, const livesend::error& e,
                                 const livesend::event&) { good += e.ok() ? 1 : 0; });
  CHECK(stats.events == 2);
  CHECK(stats.failed == 0);
  CHECK(good == 2);
}

// ---- read_stream: the same stream read in pieces --------------------------------------------

namespace {

/// What a stream API reported for one record.
struct seen_record {
  std::string text;
  std::size_t offset;
  std::size_t line;
  std::size_t index;
  livesend::error err;
  std::optional<livesend::event> ev;  // when the record parsed

  bool operator==(const seen_record& o) const {
    return text == o.text && offset == o.offset && line == o.line && index == o.index &&
           err == o.err && ev == o.ev;
  }
};

std::ostream& operator<<(std::ostream& os, const seen_record& r) {
  return os << "#" << r.index << " line " << r.line << " offset " << r.offset << " ["
            << r.text.substr(0, 40) << "] " << r.err.to_string();
}

template <class Run>
std::vector<seen_record> collect(Run&& run, livesend::stream_stats& stats) {
  std::vector<seen_record> out;
  stats = run([&](const livesend::stream_record& r, const livesend::error& e,
                  const livesend::event_view& ev) {
    std::optional<livesend::event> owned;
    if (e.ok()) owned = livesend::to_owning(ev);
    out.push_back({std::string(r.text), r.offset, r.line, r.index, e, std::move(owned)});
  });
  return out;
}

std::vector<seen_record> whole(std::string_view buffer, livesend::stream_stats& stats,
                               livesend::parse_options options = {}) {
  livesend::parser parser(options);
  livesend::event_view ev;
  return collect([&](auto&& f) { return livesend::parse_stream(parser, buffer, ev, f); }, stats);
}

/// read_stream over `buffer`, `piece` bytes of buffer at a time, the source giving at most
/// `gulp` bytes per call (as a pipe does).
std::vector<seen_record> in_pieces(std::string_view buffer, std::size_t piece, std::size_t gulp,
                                   livesend::stream_stats& stats,
                                   livesend::parse_options options = {}) {
  livesend::parser parser(options);
  livesend::event_view ev;
  test::chunked_source read{buffer, gulp};
  return collect([&](auto&& f) { return livesend::read_stream(parser, read, ev, f, piece); },
                 stats);
}

}  // namespace

TEST_CASE("read_stream reads what parse_stream reads, whatever the pieces", "[stream][pieces]") {
  const std::string good = test::minified(test::seed());
  const std::string wrong = test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":[],");
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::pair<const char*, std::string>> streams = {
      {"NDJSON", good + "\n" + wrong + "\n\n  " + good + " \r\n{\"application\" \"Web\"}\n" + good},
      {"NDJSON, BOM, final newline", bom + good + "\n" + good + "\n"},
      {"NDJSON of short records", "{}\n[1]\n\"x\"\n{\"a\":\"}\\\"{\"}\n7\n{\n{}"},
      {"pretty documents", test::seed() + test::seed() + "\n\n" + test::seed()},
      {"pretty, BOM, one unclosed", bom + test::seed() + "\n" + test::seed().substr(0, 900)},
      {"concatenated values", "  {\"x\": \"}{\\\\\"}\n[\n1]\n{\"y\":\n[{}]} 12 true\n{" + good},
      {"one line that never ends", good.substr(0, 700)},
      {"mixed NDJSON and pretty", good + "\n" + test::seed() + good + "\n" + good},
      {"concatenated on one line", good + good + " " + good + "\n" + wrong + wrong},
      {"an array", "[" + good + ",\n" + wrong + " ,\n" + good + "]\n[]" + good},
      {"malformed arrays", "[" + good + " " + good + ",]\n" + good + "\n[,1\n[" + good},
      {"broken lines", good.substr(0, 500) + "\n" + good + "\n" + good.substr(0, 9000) + ",\n" +
                           good + "\n{\"a\":[1,\n{}]}\n{\"b\":\"x\\\"\n" + good},
      {"blank", " \n\r\n\t"},
      {"empty", ""},
      {"BOM only", bom},
      {"BOM and an array", bom + "[" + good + "]"},
  };
  for (const auto& [name, text] : streams) {
    livesend::stream_stats expected_stats;
    const std::vector<seen_record> expected = whole(text, expected_stats);
    for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{64}, std::size_t{700},
                              std::size_t{4096}, std::size_t{1} << 20}) {
      for (std::size_t gulp :
           {std::size_t{1}, std::size_t{3}, std::size_t{1000}, text.size() + 1}) {
        INFO(name << ", pieces of " << piece << ", read " << gulp << " at a time");
        livesend::stream_stats stats;
        const std::vector<seen_record> got = in_pieces(text, piece, gulp, stats);
        CHECK(stats.events == expected_stats.events);
        CHECK(stats.failed == expected_stats.failed);
        REQUIRE(got.size() == expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == expected[i]);
      }
    }
  }
}

TEST_CASE("read_stream: a piece that ends on a close bracket does not end the first value",
          "[stream][pieces]") {
  // Found by fuzz_stream: the first value does not close on its first line (so the stream is
  // one of values, not lines), and a piece that ended just after the inner '}' made it look
  // closed on a line of its own.
  const std::string text = "{\"a\": {\"b\": 1}  \n}\n{\"c\": [\"]\"]}\n[1,\n2] 3";
  livesend::stream_stats expected_stats;
  const std::vector<seen_record> expected = whole(text, expected_stats);
  REQUIRE(expected.size() == 5);  // issue 15: [1,\n2] is a top-level array of two records
  CHECK(expected[0].text == "{\"a\": {\"b\": 1}  \n}");
  for (std::size_t piece = 1; piece <= text.size() + 1; ++piece) {
    for (std::size_t gulp : {std::size_t{1}, std::size_t{2}, std::size_t{7}, text.size()}) {
      INFO("pieces of " << piece << ", read " << gulp << " at a time");
      livesend::stream_stats stats;
      const std::vector<seen_record> got = in_pieces(text, piece, gulp, stats);
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == expected[i]);
    }
  }
}

TEST_CASE("read_stream passes over a record too long to hold, and goes on", "[stream][pieces]") {
  livesend::parse_options options;
  options.max_input_size = test::seed().size() + 10;  // every other record fits
  const std::string good = test::minified(test::seed());
  const std::size_t long_size = 3 * test::seed().size();
  const std::string huge_line = "{\"x\": \"" + std::string(long_size, 'a') + "\"}";
  // In NDJSON the long record ends with its line; in documents with its value (over lines).
  const std::string huge_value =
      "{\"x\": [\n" + std::string(long_size, ' ') + "\"}\\\"\", {\"y\": [\n]}\n]}";
  const std::vector<std::pair<std::string, std::size_t>> streams = {
      {good + "\n" + huge_line + "\n" + good + "\n", 1},
      {good + "\n" + huge_line, 1},
      {test::seed() + huge_value + "\n\n" + test::seed(), 1},
      {huge_value + test::seed(), 0},
  };
  std::size_t passed_over = 0;
  for (const auto& [text, index] : streams) {
    livesend::stream_stats expected_stats;
    const std::vector<seen_record> expected = whole(text, expected_stats, options);
    for (std::size_t piece : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20}) {
      INFO("pieces of " << piece << ", stream of " << text.size() << " bytes");
      livesend::stream_stats stats;
      const std::vector<seen_record> got = in_pieces(text, piece, 333, stats, options);
      CHECK(stats.events == expected_stats.events);
      CHECK(stats.failed == expected_stats.failed);
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (i != index || !got[i].text.empty()) {  // (all of it fit in the first piece)
          CHECK(got[i] == expected[i]);
          continue;
        }
        // The same record, not held: an empty text, and a message that says so.
        CHECK(got[i].err.code() == livesend::error_code::input_too_large);
        CHECK(expected[i].err.code() == livesend::error_code::input_too_large);
        CHECK(got[i].offset == expected[i].offset);
        CHECK(got[i].line == expected[i].line);
        CHECK(got[i].err.offset() == expected[i].err.offset());
        CHECK(got[i].err.line() == expected[i].err.line());
        CHECK(got[i].text.empty());
        CHECK(got[i].err.message().find("passed over") != std::string::npos);
        ++passed_over;
      }
    }
  }
  CHECK(passed_over >= 8);
}

TEST_CASE("line feeds are counted exactly, whatever the length", "[stream][lines]") {
  // The SSE2 count sums byte counters every 255 blocks of 16 bytes: lengths around 4,080 and
  // well past it, and every short length, against std::count.
  std::string text;
  std::uint32_t state = 12345;
  for (std::size_t i = 0; i < 70000; ++i) {
    state = state * 1103515245u + 12345u;
    text += (state >> 16) % 3 == 0 ? '\n' : static_cast<char>('a' + (state >> 20) % 26);
  }
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (std::size_t n = 4070; n <= 4100; ++n) lengths.push_back(n);
  lengths.push_back(8161);
  lengths.push_back(text.size());
  for (const std::size_t n : lengths) {
    for (const std::size_t from : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
      if (from + n > text.size()) continue;
      const std::string_view part = std::string_view(text).substr(from, n);
      CHECK(livesend::detail::count_newlines(part) ==
            static_cast<std::size_t>(std::count(part.begin(), part.end(), '\n')));
    }
  }
}

// ---- record_reader and the unknown keys of a record ------------------------------------------

TEST_CASE("record_reader hands out the records record_splitter finds, whatever the pieces",
          "[stream][reader]") {
  const std::string good = test::minified(test::seed());
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::string> streams = {
      bom + good + "\n\n  " + good + " \r\n{\"application\" \"Web\"}\n" + good,
      test::seed() + test::seed() + "\n\n" + test::seed(),
      "{}\n[1]\n\"x\"\n{\"a\":\"}\\\"{\"}\n7\n{\n{}",
  };
  for (const std::string& buffer : streams) {
    const auto expected = split(buffer);
    for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      livesend::record_reader records(test::chunked_source{buffer},
                                      livesend::parse_options{}.max_input_size, piece);
      livesend::stream_record r;
      livesend::error err;
      std::size_t i = 0;
      while (records.next(r, err)) {
        CAPTURE(piece, i);
        CHECK(err.ok());
        REQUIRE(i < expected.size());
        CHECK(r.text == expected[i].text);
        CHECK(r.offset == expected[i].offset);
        CHECK(r.line == expected[i].line);
        CHECK(r.index == expected[i].index);
        const simdjson::padded_string_view padded = records.padded(r);
        CHECK(padded.capacity() >= r.text.size() + simdjson::SIMDJSON_PADDING);
        ++i;
      }
      CHECK(i == expected.size());
    }
  }
}

TEST_CASE("piece_splitter in hold mode: the records handed out keep their bytes",
          "[stream][reader][parallel]") {
  // The parallel reader keeps records in batches while it reads on: in hold mode the splitter
  // never moves bytes over a record it handed out; it says `full`, and the buffer is exchanged
  // for a spare. Here every buffer is kept to the end, and every record checked then.
  const std::string good = test::minified(test::seed());
  const std::string stream = good + "\n" + test::seed() + "\n{\"a\": [1,\n2]} 7 " + good + "\n" +
                             "{\"x\": \"" + std::string(300, 'y') + "\"}\n" + good;
  const auto expected = split(stream);
  using outcome = livesend::detail::piece_splitter::outcome;
  for (const std::size_t piece : {std::size_t{5}, std::size_t{100}, std::size_t{4096}}) {
    for (const std::size_t gulp : {std::size_t{1}, std::size_t{333}, std::size_t{1} << 20}) {
      CAPTURE(piece, gulp);
      test::chunked_source source{stream, gulp};
      livesend::detail::piece_splitter pieces(200, piece);  // longer records may be passed over
      pieces.hold(true);
      std::vector<std::unique_ptr<char[]>> kept;
      std::vector<livesend::detail::framed_record> got;
      std::size_t exchanges = 0;
      for (;;) {
        livesend::detail::framed_record r;
        const outcome o = pieces.next(source, r);
        if (o == outcome::end) break;
        if (o == outcome::full) {
          std::unique_ptr<char[]> spare;  // a new one each time: the old ones are all kept
          std::size_t capacity = 0;
          pieces.exchange(spare, capacity);
          kept.push_back(std::move(spare));
          ++exchanges;
          continue;
        }
        if (o == outcome::record && r.problem == nullptr) {
          CHECK(pieces.room(r.text) >= r.text.size() + simdjson::SIMDJSON_PADDING);
        }
        got.push_back(r);
      }
      CHECK(exchanges > 0);
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].offset == expected[i].offset);
        CHECK(got[i].line == expected[i].line);
        CHECK(got[i].index == expected[i].index);
        // Read now, after all the reading; a record longer than 200 bytes that did not arrive
        // in one piece is passed over, with an empty text.
        const bool passed_over = got[i].text.empty() && expected[i].text.size() > 200;
        CHECK((got[i].text == expected[i].text || passed_over));
      }
    }
  }
}

TEST_CASE("record_reader passes over a record too long to hold, with its error",
          "[stream][reader]") {
  const std::string buffer = "{\"a\":1}\n{\"" + std::string(100, 'x') + "\":1}\n{\"b\":2}\n";
  livesend::record_reader records(test::chunked_source{buffer}, 32, 16);
  livesend::stream_record r;
  livesend::error err;
  REQUIRE(records.next(r, err));
  CHECK((err.ok() && r.text == "{\"a\":1}"));
  REQUIRE(records.next(r, err));
  CHECK(err.code() == livesend::error_code::input_too_large);
  CHECK(r.text.empty());
  CHECK(r.line == 2);
  CHECK(err.line() == 2);
  CHECK(err.offset() == 8);
  REQUIRE(records.next(r, err));
  CHECK((err.ok() && r.text == "{\"b\":2}" && r.line == 3 && r.index == 2));
  CHECK_FALSE(records.next(r, err));
}

TEST_CASE("a record's unknown keys come with it, located in the stream", "[stream][unknown]") {
  const std::string good = test::minified(test::seed());
  const std::string odd =
      test::replace_once(good, "\"TotalContent\":1,", "\"TotalContent\":1,\"Extra\":[1,2],");
  const std::string pretty = test::replace_once(test::seed(), "\"City\"", "\"Zone\": 1, \"City\"");
  const std::string buffer = good + "\n" + odd + "\n" + good + "\n";
  const std::string documents = test::seed() + "\n" + pretty;
  livesend::parse_options options;
  options.report_unknown_keys = true;
  for (const std::string* text : {&buffer, &documents}) {
    for (const bool pieces : {false, true}) {
      livesend::parser parser(options);
      livesend::event_view ev;
      std::vector<livesend::unknown_key> keys;
      std::vector<std::size_t> counts;
      auto on_record = [&](const livesend::stream_record& r, const livesend::error& err,
                           const livesend::event_view&) {
        CHECK(err.ok());
        counts.push_back(r.unknown_keys.size());
        for (const livesend::unknown_key& key : r.unknown_keys) keys.push_back(key);
      };
      if (pieces) {
        (void)livesend::read_stream(parser, test::chunked_source{*text, 100}, ev, on_record, 512);
      } else {
        (void)livesend::parse_stream(parser, *text, ev, on_record);
      }
      CAPTURE(pieces);
      REQUIRE(keys.size() == 1);
      CHECK(keys[0].line == livesend::detail::line_of(*text, keys[0].offset));
      const std::string_view at_key = std::string_view(*text).substr(keys[0].offset);
      if (text == &buffer) {
        CHECK(counts == std::vector<std::size_t>{0, 1, 0});
        CHECK(keys[0].path == "data.Extra");
        CHECK(keys[0].line == 2);
        CHECK(at_key.substr(0, 7) == "\"Extra\"");
      } else {
        CHECK(counts == std::vector<std::size_t>{0, 1});
        CHECK(keys[0].path == "data.ClientDetails.Zone");
        CHECK(at_key.substr(0, 6) == "\"Zone\"");
      }
    }
  }
}

TEST_CASE("record_reader hands out a record as soon as it has arrived", "[stream][reader][pipe]") {
  // A source like a slow pipe: each call gives what has arrived, here one record (the second
  // without a line feed after it), and the test counts the calls.
  const std::vector<std::string> arrivals = {"{\"a\":1}\n", "[{\"b\":2}", ",{\"c\":3}", "]"};
  std::size_t calls = 0;
  livesend::record_reader records(
      [&](char* into, std::size_t room) -> std::size_t {
        if (calls == arrivals.size()) return 0;
        const std::string& next = arrivals[calls++];
        REQUIRE(next.size() <= room);
        std::memcpy(into, next.data(), next.size());
        return next.size();
      },
      livesend::parse_options{}.max_input_size, 4096);
  livesend::stream_record r;
  livesend::error err;
  REQUIRE(records.next(r, err));
  CHECK(r.text == "{\"a\":1}");
  CHECK(calls == 1);
  REQUIRE(records.next(r, err));
  CHECK(r.text == "{\"b\":2}");
  CHECK(r.offset == 9);
  CHECK(r.column == 2);
  CHECK(calls == 2);
  REQUIRE(records.next(r, err));
  CHECK(r.text == "{\"c\":3}");
  CHECK(calls == 3);
  CHECK_FALSE(records.next(r, err));
  CHECK(err.ok());
  CHECK(calls == 4);  // "]", then the end (not counted)
}

TEST_CASE("a record passed over as too long has its column", "[stream][reader][column]") {
  const std::string buffer = "{\"a\":1} {\"" + std::string(100, 'x') + "\":1} {\"b\":2}";
  livesend::record_reader records(test::chunked_source{buffer}, 32, 16);
  livesend::stream_record r;
  livesend::error err;
  REQUIRE(records.next(r, err));
  REQUIRE(records.next(r, err));
  CHECK(err.code() == livesend::error_code::input_too_large);
  CHECK(r.offset == 8);
  CHECK(r.column == 9);
  CHECK(err.column() == 9);
  REQUIRE(records.next(r, err));
  CHECK((err.ok() && r.text == "{\"b\":2}" && r.column == 116 && r.index == 2));
}

TEST_CASE("a record passed over that ends where a piece starts: the stream goes on",
          "[stream][reader]") {
  // A long line cut at its line feed (a string not closed), of many lengths: whether it is held
  // or passed over, the record after it is read. (The case where the piece passed over ends just
  // before the line feed, with the buffer full, is test_limits' 20 MiB line: the next read had
  // no room, gave 0 bytes, and that looked like the end of the stream.)
  for (std::size_t length = 40; length <= 200; ++length) {
    const std::string buffer = "{\"a\":1}\n{\"x\":\"" + std::string(length, 'x') + "\n{\"b\":2}\n";
    livesend::record_reader records(test::chunked_source{buffer}, 32, 16);
    livesend::stream_record r;
    livesend::error err;
    std::vector<std::string> texts;
    while (records.next(r, err)) texts.push_back(err ? "too long" : std::string(r.text));
    CAPTURE(length);
    REQUIRE(texts.size() == 3);  // the long line is held while the buffer can hold it
    CHECK(texts[0] == "{\"a\":1}");
    CHECK((texts[1] == "too long" || texts[1].size() == length + 6));
    CHECK(texts[2] == "{\"b\":2}");
  }
}
