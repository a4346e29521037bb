// tests/test_stream.cpp: stream.hpp: splitting records and parsing them one by one.
#include "livesend/stream.hpp"

#include <string>
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
  REQUIRE(records.size() == 4);
  CHECK(records[0].text == a);
  CHECK(records[0].line == 1);
  CHECK(records[0].offset == 0);
  CHECK(records[1].text == a);
  CHECK(records[1].line == 3);
  CHECK(records[1].offset == a.size() + 4);
  CHECK(records[2].text == "{\"broken\":");  // a broken line cannot swallow the next
  CHECK(records[2].line == 4);
  CHECK(records[3].line == 5);
  CHECK(records[3].index == 3);
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
