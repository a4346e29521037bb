// tests/test_rules.cpp: every reading rule of the contract and every error path, checked with
// both flavours.
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "catch.hpp"
#include "livesend/parse.hpp"
#include "support.hpp"

using livesend::error_code;

namespace {

livesend::event parse_ok(std::string_view json, livesend::parse_options options = {}) {
  livesend::parser parser(options);
  livesend::event ev;
  const auto err = parser.parse(json, ev);
  INFO(err.to_string());
  REQUIRE(err.ok());
  // The view flavour reads the same.
  livesend::parser view_parser(options);
  livesend::event_view view;
  REQUIRE(view_parser.parse(json, view).ok());
  CHECK(livesend::to_owning(view) == ev);
  return ev;
}

/// The error of a failed parse; unlike livesend::error, fine to ignore in a test.
struct failure : livesend::error {};

/// Parses with both flavours; both must fail alike with `code` at `path`.
failure parse_error(std::string_view json, error_code code, std::string_view path,
                    livesend::parse_options options = {}) {
  livesend::parser parser(options);
  livesend::event ev;
  livesend::error err = parser.parse(json, ev);
  INFO(err.to_string());
  CHECK(err.code() == code);
  CHECK(err.path() == path);
  CHECK(!err.message().empty());
  CHECK(err.offset() <= json.size());
  CHECK(err.line() >= 1);
  livesend::parser view_parser(options);
  livesend::event_view view;
  CHECK(view_parser.parse(json, view) == err);
  return failure{std::move(err)};
}

const livesend::event& seed_event() {
  static const livesend::event ev = parse_ok(test::seed());
  return ev;
}

}  // namespace

TEST_CASE("rule 1: keys in any order", "[rules][order]") {
  test::rewrite_options reversed;
  reversed.reverse_keys = true;
  CHECK(parse_ok(test::rewrite(test::seed(), reversed)) == seed_event());
  CHECK(parse_ok(test::minified(test::seed())) == seed_event());
}

TEST_CASE("rule 1: keys match ASCII-case-insensitively", "[rules][case]") {
  for (int key_case : {1, 2}) {
    test::rewrite_options o;
    o.key_case = key_case;
    o.reverse_keys = key_case == 2;
    CHECK(parse_ok(test::rewrite(test::seed(), o)) == seed_event());
  }
  CHECK(parse_ok(test::seed_with("\"SessionStartedAt\": \"2024-07-14T13:47:38Z\",\n    \"Total",
                                 "\"sessionstartedAT\": \"2024-07-14T13:47:38Z\",\n    \"Total")) ==
        seed_event());
  // Only ASCII letters fold: a key that differs in another byte is not the same key.
  parse_error(test::seed_with("\"TotalContent\":", "\"Total_ontent\":"), error_code::missing_field,
              "data.TotalContent");
}

TEST_CASE("keys written with escapes match", "[rules][escapes]") {
  test::rewrite_options o;
  o.escape_keys = true;
  CHECK(parse_ok(test::rewrite(test::seed(), o)) == seed_event());
}

TEST_CASE("rule 2: unknown keys are skipped, and reported on request", "[rules][unknown]") {
  std::string json = test::seed_with("\"application\": \"Web\",",
                                     "\"application\": \"Web\", \"Extra\": {\"a\": [1, {\"b\": "
                                     "null}], \"c\": \"\\u00e9\"},");
  json = test::replace_once(json, "\"Browser\": \"edge\",",
                            "\"Browser\": \"edge\", \"Timezone\": \"UTC+2\",");
  json = test::replace_once(json, "\"PageIndex\": 1,", "\"PageIndex\": 1, \"Zoom\": [[1.5]],");
  json = test::replace_once(json, "\"UserType\": \"Buyer\",",
                            "\"UserType\": \"Buyer\", \"Nested\": {\"deep\": {\"x\": true}},");
  json = test::replace_once(json, "\"Tags\": [],", "\"Tags\": [], \"Owner\": null,");
  CHECK(parse_ok(json) == seed_event());

  livesend::parse_options options;
  options.report_unknown_keys = true;
  livesend::parser parser(options);
  livesend::event ev;
  REQUIRE(parser.parse(json, ev).ok());
  std::vector<std::string> paths;
  for (const livesend::unknown_key& k : parser.unknown_keys()) paths.push_back(k.path);
  CHECK(paths == std::vector<std::string>{"Extra", "data.ClientDetails.Timezone",
                                          "data.LivesendSessionSummary.Link.Owner",
                                          "data.ContentSessions[0].Pages[0].Zoom",
                                          "data.Participants[0].Nested"});
  // Each with the place of its key.
  const livesend::unknown_key& timezone = parser.unknown_keys()[1];
  CHECK(timezone.offset == json.find("\"Timezone\""));
  CHECK(timezone.line == 13);
  // The list is of the last parse only.
  REQUIRE(parser.parse(test::seed(), ev).ok());
  CHECK(parser.unknown_keys().empty());
}

TEST_CASE("rule 2: unknown keys after every known one, and objects of unknown keys only",
          "[rules][unknown]") {
  // After the last key of the table (the in-order path is done) and at the end of an object.
  std::string json =
      test::seed_with("\"productArea\": \"Livesend\"",
                      "\"productArea\": \"Livesend\", \"Zz\": {\"a\": [1]}, \"Zy\": 2");
  json = test::replace_once(json, "\"LandingPageDurationSeconds\": 0",
                            "\"LandingPageDurationSeconds\": 0, \"Tail\": []");
  CHECK(parse_ok(json) == seed_event());
  CHECK(parse_ok(test::minified(json)) == seed_event());
}

TEST_CASE("rule 2: a key one byte off a known key is unknown, wherever the byte is",
          "[rules][unknown]") {
  // Keys are matched on the raw bytes, 16 at a time, masked to the key and its closing quote:
  // every key of the seed (2 to 26 bytes), made one byte shorter or longer or changed in any one
  // byte (to a non-letter, or to another letter), and put before the key it is near, must be
  // skipped as unknown. Its value, [1], would
  // be an error in every field of the seed.
  const std::string& seed = test::seed();
  livesend::parse_options options;
  options.report_unknown_keys = true;
  livesend::parser parser(options);
  livesend::event ev;
  std::size_t checked = 0;
  for (std::size_t open = seed.find('"'); open != std::string::npos;
       open = seed.find('"', seed.find('"', open + 1) + 1)) {
    const std::size_t close = seed.find('"', open + 1);
    if (seed.compare(close + 1, 1, ":") != 0) continue;  // a string value, not a key
    const std::string key = seed.substr(open + 1, close - open - 1);
    std::vector<std::string> near = {key.substr(0, key.size() - 1), key + "_"};
    for (std::size_t i = 0; i < key.size(); ++i) {
      std::string changed = key;
      changed[i] = '_';  // not a letter: no case folding makes it equal
      near.push_back(changed);
      // Another letter: in the middle of the key, the same length, second and last bytes, so
      // the same slot of the type's hash; only the compare that confirms tells it apart.
      changed[i] = (key[i] | 0x20) == 'q' ? 'Z' : 'Q';
      near.push_back(changed);
    }
    for (const std::string& other : near) {
      const std::string json =
          seed.substr(0, open) + "\"" + other + "\": [1], " + seed.substr(open);
      INFO(other);
      const livesend::error err = parser.parse(json, ev);
      INFO(err.to_string());
      REQUIRE(err.ok());
      CHECK(ev == seed_event());
      REQUIRE(parser.unknown_keys().size() == 1);
      const std::string& path = parser.unknown_keys()[0].path;
      CHECK(path.size() >= other.size());
      CHECK(path.compare(path.size() - other.size(), other.size(), other) == 0);
      CHECK(parser.unknown_keys()[0].offset == open);
      ++checked;
    }
  }
  CHECK(checked > 1000);
}

TEST_CASE("regressions found by the fuzzers and the differential test", "[rules][regression]") {
  // A string value followed by ':' in an unknown key must not pass for a key (simdjson skips
  // an unconsumed string that way).
  const std::string seed_min = test::minified(test::seed());
  const std::string bad = seed_min.substr(0, seed_min.size() - 1) + ",\"zz\":\"a\":1}}";
  parse_error(bad, error_code::syntax_error, "");
  // simdjson 3.0 misreads 0.x with 20+ fraction digits; the parser re-reads them.
  CHECK(parse_ok(test::seed_with("15.2316", "0.95000000000000000000"))
            .data.client_details.geolocation_latitude == 0.95);
  CHECK(parse_ok(test::seed_with("-10.8428", "-0.123456789012345678901234"))
            .data.client_details.geolocation_longitude == -0.123456789012345678901234);
  // Integers written with more than 32 digits, zeros only past them.
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,",
                                 "\"TotalContent\": 1.0000000000000000000000000000000000000000,"))
            .data.total_content == 1);
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,",
                                 "\"TotalContent\": 100000000000000000000000000000000000e-35,"))
            .data.total_content == 1);
}

TEST_CASE("rule 2: after an unknown key, errors name the known fields", "[rules][unknown]") {
  // The unknown key is the path's last key only while its value is checked.
  parse_error(test::seed_with("\"Browser\": \"edge\",",
                              "\"Browser\": \"edge\", \"Zoom\": [1], \"City\": 7,"),
              error_code::wrong_type, "data.ClientDetails.City");
  parse_error(test::seed_with("\"Browser\": \"edge\",", "\"Zoom\": {\"a\": [1]},"),
              error_code::missing_field, "data.ClientDetails.Browser");
}

TEST_CASE("rule 2: an unknown key's value must still be valid JSON", "[rules][unknown]") {
  const auto err = parse_error(
      test::seed_with("\"application\": \"Web\",", "\"application\": \"Web\", \"X\": [1,,2],"),
      error_code::syntax_error, "");
  CHECK(err.offset() == test::seed().find("\"application\"") + 30);
  CHECK(err.line() == 2);
}

TEST_CASE("rule 3: the last of duplicate keys wins", "[rules][duplicates]") {
  auto ev = parse_ok(
      test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 1, \"TotalContent\": 7,"));
  CHECK(ev.data.total_content == 7);
  // Duplicates that differ in case are the same key.
  ev = parse_ok(
      test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 1, \"totalcontent\": 8,"));
  CHECK(ev.data.total_content == 8);
  // An optional that turns null later is null; an array read twice keeps the last.
  ev = parse_ok(test::seed_with("\"productArea\": \"Livesend\"",
                                "\"productArea\": \"Livesend\", \"productArea\": null"));
  CHECK_FALSE(ev.product_area.has_value());
  ev = parse_ok(test::seed_with("\"DownloadFormatsSetting\": [],",
                                "\"DownloadFormatsSetting\": [\"a\", \"b\"], "
                                "\"DownloadFormatsSetting\": [\"c\"],"));
  CHECK(ev.data.livesend_session_summary.link.download_formats_setting ==
        std::vector<std::string>{"c"});
}

TEST_CASE("rule 4: int is strict", "[rules][int]") {
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 1e2,"))
            .data.total_content == 100);
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 3.0,"))
            .data.total_content == 3);
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": -0,"))
            .data.total_content == 0);
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 250e-1,"))
            .data.total_content == 25);
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 9223372036854775807,"))
            .data.total_content == INT64_MAX);
  CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": -9223372036854775808,"))
            .data.total_content == INT64_MIN);

  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 1.5,"),
              error_code::out_of_range, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 15e-1,"),
              error_code::out_of_range, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": \"1\","),
              error_code::wrong_type, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": true,"),
              error_code::wrong_type, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": null,"),
              error_code::null_field, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 9223372036854775808,"),
              error_code::out_of_range, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": -9223372036854775809,"),
              error_code::out_of_range, "data.TotalContent");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 1e19,"),
              error_code::out_of_range, "data.TotalContent");
  const auto err =
      parse_error(test::seed_with("\"PageIndex\": 1,", "\"PageIndex\": [1],"),
                  error_code::wrong_type, "data.ContentSessions[0].Pages[0].PageIndex");
  CHECK(err.message() == "expected an integer, found an array");
  CHECK(err.offset() == test::seed().find("\"PageIndex\": 1") + 13);
  // int? (Content.TotalPages) is as strict, and null there is fine.
  parse_error(test::seed_with("\"TotalPages\": 0,\n            \"Type\"",
                              "\"TotalPages\": 0.5,\n            \"Type\""),
              error_code::out_of_range, "data.LivesendSessionSummary.Link.Content[0].TotalPages");
  CHECK_FALSE(parse_ok(test::seed_with("\"TotalPages\": 0,\n            \"Type\"",
                                       "\"TotalPages\": null,\n            \"Type\""))
                  .data.livesend_session_summary.link.content[0]
                  .total_pages.has_value());
}

TEST_CASE("rule 4: int reads every length of digits, either sign, whatever follows",
          "[rules][int]") {
  // 1 to 19 digits (across the lengths where an integer reader's fast paths end: one 8-byte
  // word, 16 digits, int64's 19), with whitespace or the next member right after them.
  const std::string digits = "1234567890123456789";
  for (std::size_t n = 1; n <= digits.size(); ++n) {
    for (const char* sign : {"", "-"}) {
      for (const char* after : {",", " ,", "\n,", "\t ,"}) {
        const std::string text = sign + digits.substr(0, n);
        INFO(text << " then " << after);
        const std::int64_t expected = std::stoll(text);
        CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": " + text + after))
                  .data.total_content == expected);
      }
    }
  }
  for (const char* text : {"0", "-0", "9", "10", "9999999", "10000000", "-9999999", "100"}) {
    INFO(text);
    CHECK(parse_ok(test::seed_with("\"TotalContent\": 1,",
                                   std::string("\"TotalContent\": ") + text + ","))
              .data.total_content == std::stoll(text));
  }
  // The last member of an object: its closing brace right after the digits.
  CHECK(parse_ok(test::seed_with("\"LandingPageDurationSeconds\": 0\n  }",
                                 "\"LandingPageDurationSeconds\": 4321}"))
            .data.landing_page_duration_seconds == 4321);
  // Not numbers, or not JSON numbers: syntax errors, without a path, at the first byte that
  // cannot be read (offsets within the text).
  const std::pair<const char*, std::size_t> bad[] = {
      {"01", 1}, {"-01", 2}, {"00", 1}, {"-", 1},    {"--1", 1}, {"1.", 2},
      {"1e", 2}, {"+1", 0},  {"1x", 1}, {"0x1F", 1}, {".5", 0},  {"1.5.", 3}};
  const std::size_t at = test::seed().find("\"TotalContent\": 1,") + 16;
  for (const auto& [text, offset] : bad) {
    INFO(text);
    const std::string json =
        test::seed_with("\"TotalContent\": 1,", std::string("\"TotalContent\": ") + text + ",");
    CHECK(parse_error(json, error_code::syntax_error, "").offset() == at + offset);
  }
}

TEST_CASE("rule 4: num takes any number, bool only true and false", "[rules][num][bool]") {
  auto ev = parse_ok(test::seed_with("15.2316", "15"));
  CHECK(ev.data.client_details.geolocation_latitude == 15.0);
  ev = parse_ok(test::seed_with("15.2316", "-1.5e-3"));
  CHECK(ev.data.client_details.geolocation_latitude == -0.0015);
  parse_error(test::seed_with("15.2316", "\"15.2316\""), error_code::wrong_type,
              "data.ClientDetails.GeolocationLatitude");
  parse_error(test::seed_with("15.2316", "null"), error_code::null_field,
              "data.ClientDetails.GeolocationLatitude");
  parse_error(test::seed_with("15.2316", "1e400"), error_code::out_of_range,
              "data.ClientDetails.GeolocationLatitude");

  parse_error(test::seed_with("\"IsLive\": true", "\"IsLive\": \"true\""), error_code::wrong_type,
              "data.LivesendSessionSummary.Link.IsLive");
  parse_error(test::seed_with("\"IsLive\": true", "\"IsLive\": 1"), error_code::wrong_type,
              "data.LivesendSessionSummary.Link.IsLive");
  parse_error(test::seed_with("\"WasViewed\": false", "\"WasViewed\": null"),
              error_code::null_field, "data.ContentSessions[0].WasViewed");
}

TEST_CASE("strings: wrong types, escapes and non-ASCII text", "[rules][str]") {
  parse_error(test::seed_with("\"tenantName\": \"demo\"", "\"tenantName\": 5"),
              error_code::wrong_type, "tenantName");
  parse_error(test::seed_with("\"City\": \"Charlotte\"", "\"City\": {}"), error_code::wrong_type,
              "data.ClientDetails.City");
  parse_error(test::seed_with("\"ADP GlobalView Payroll\"", "null"), error_code::null_field,
              "data.LivesendSessionSummary.Link.Content[0].ContentProfilePath[0]");
  auto ev =
      parse_ok(test::seed_with("\"tenantName\": \"demo\"",
                               R"("tenantName": "d\u00e9mo \"q\" \\ \/ \t\n 日本 \ud83d\ude00")"));
  CHECK(ev.tenant_name == "d\xc3\xa9mo \"q\" \\ / \t\n \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
  ev = parse_ok(test::seed_with("\"City\": \"Charlotte\"", "\"City\": \"Zürich\""));
  CHECK(ev.data.client_details.city == "Z\xc3\xbcrich");
  parse_error(test::seed_with("\"City\": \"Charlotte\"", "\"City\": \"a\\qb\""),
              error_code::syntax_error, "");
  parse_error(test::seed_with("\"City\": \"Charlotte\"", "\"City\": \"\\ud800\""),
              error_code::syntax_error, "");
}

TEST_CASE("required and optional fields", "[rules][required]") {
  auto err = parse_error(test::seed_with("\"City\": \"Charlotte\",", ""), error_code::missing_field,
                         "data.ClientDetails.City");
  CHECK(err.message() == "required field is missing");
  CHECK(err.offset() == test::seed().find("\"ClientDetails\": {") + 17);  // at the object
  parse_error(test::seed_with("\"application\": \"Web\",", ""), error_code::missing_field,
              "application");
  parse_error(test::seed_with("\"UserType\": \"Buyer\",", ""), error_code::missing_field,
              "data.Participants[0].UserType");
  parse_error(test::seed_with("\"Tags\": [],", "\"Tags\": null,"), error_code::null_field,
              "data.LivesendSessionSummary.Link.Tags");
  parse_error(test::seed_with("\"Context\": [],", ""), error_code::missing_field,
              "data.Participants[0].Context");
  parse_error(test::seed_with("\"Participants\": [", "\"Participants\": [1, "),
              error_code::wrong_type, "data.Participants[0]");
  parse_error(
      test::seed_with("\"ContentSessions\": [", "\"ContentSessions\": {\"a\": 1}, \"X\": ["),
      error_code::wrong_type, "data.ContentSessions");

  // Optional fields: null and absent both mean no value.
  auto ev = parse_ok(test::seed_with("\"productArea\": \"Livesend\"", "\"productArea\": null"));
  CHECK_FALSE(ev.product_area.has_value());
  ev = parse_ok(test::seed_with(",\n  \"productArea\": \"Livesend\"", ""));
  CHECK_FALSE(ev.product_area.has_value());
  // Content: every field optional, even an empty object reads.
  ev = parse_ok(test::seed_with("\"Content\": {\n          \"Id\": null,",
                                "\"Content\": {\"Zz\": 1}, \"Ignored\": {\"Id\": null,"));
  CHECK_FALSE(ev.data.content_sessions[0].content.name.has_value());
  CHECK_FALSE(ev.data.content_sessions[0].content.library_content.has_value());
}

TEST_CASE("version: the two accepted values, anything else named", "[rules][version]") {
  auto ev = parse_ok(test::seed_with("\"livesend-session-summary-v3\"",
                                     "\"livesend-session-summary-enriched-v3\""));
  CHECK(ev.version == livesend::version_enriched_v3);
  auto err =
      parse_error(test::seed_with("\"livesend-session-summary-v3\"", "\"livesend-summary-v2\""),
                  error_code::unsupported_version, "version");
  CHECK(err.message().find("\"livesend-summary-v2\"") != std::string::npos);
  parse_error(test::seed_with("\"livesend-session-summary-v3\"", "\"LIVESEND-SESSION-SUMMARY-V3\""),
              error_code::unsupported_version, "version");
  parse_error(test::seed_with("\"livesend-session-summary-v3\"", "3"), error_code::wrong_type,
              "version");
}

TEST_CASE("timestamps in fields: every form, the sentinel, errors with paths", "[rules][ts]") {
  const auto at = [](std::string_view text) { return *livesend::parse_timestamp(text); };
  struct form {
    const char* text;
    const char* canonical;
  };
  for (const form& f : {form{"2024-07-14T13:47:38Z", "2024-07-14T13:47:38Z"},
                        form{"2024-07-14T13:47:38", "2024-07-14T13:47:38Z"},
                        form{"2024-07-14T15:47:38+02:00", "2024-07-14T13:47:38Z"},
                        form{"2024-07-14T08:47:38.5-05:00", "2024-07-14T13:47:38.500000Z"},
                        form{"2024-07-11T01:29:58.8985937Z", "2024-07-11T01:29:58.898593Z"},
                        form{"07/14/2024 14:03:45", "2024-07-14T14:03:45Z"},
                        form{"7/14/2024 2:03:45 PM", "2024-07-14T14:03:45Z"},
                        form{"7/4/2024 12:03:45 AM", "2024-07-04T00:03:45Z"}}) {
    INFO(f.text);
    const auto ev =
        parse_ok(test::seed_with("\"07/14/2024 14:03:45\"", std::string("\"") + f.text + "\""));
    CHECK(ev.data.session_ended_at == at(f.canonical));
    CHECK(ev.data.session_ended_at.to_string() == f.canonical);
  }
  // The sentinel in a required field is unset; in an optional one it is no value.
  for (const char* sentinel : {"0001-01-01T00:00:00", "0001-01-01T00:00:00Z",
                               "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.0000000Z"}) {
    INFO(sentinel);
    const std::string quoted = std::string("\"") + sentinel + "\"";
    auto ev = parse_ok(test::seed_with("\"07/14/2024 14:03:45\"", quoted));
    CHECK(ev.data.session_ended_at.is_unset());
    ev = parse_ok(test::seed_with("\"StartedAt\": null", "\"StartedAt\": " + quoted));
    CHECK_FALSE(ev.data.content_sessions[0].pages[0].started_at.has_value());
  }
  auto ev =
      parse_ok(test::seed_with("\"StartedAt\": null", "\"StartedAt\": \"2024-07-14T13:50:00Z\""));
  CHECK(ev.data.content_sessions[0].pages[0].started_at == at("2024-07-14T13:50:00Z"));

  for (const char* bad : {"2024-02-30T00:00:00Z", "2024-07-14T24:00:00Z", "2024-07-14 13:47:38Z",
                          "13/14/2024 14:03:45", "7/14/2024 13:03:45 PM", "yesterday", ""}) {
    INFO(bad);
    const auto err =
        parse_error(test::seed_with("\"07/14/2024 14:03:45\"", std::string("\"") + bad + "\""),
                    error_code::invalid_timestamp, "data.SessionEndedAt");
    CHECK(err.message().find(std::string("\"") + bad) != std::string::npos);
    CHECK(err.offset() == test::seed().find("\"07/14/2024 14:03:45\""));
  }
  parse_error(test::seed_with("\"EndedAt\": null", "\"EndedAt\": \"2024-13-01T00:00:00Z\""),
              error_code::invalid_timestamp, "data.ContentSessions[0].Pages[0].EndedAt");
  parse_error(test::seed_with("\"EndedAt\": null", "\"EndedAt\": 1720964858"),
              error_code::wrong_type, "data.ContentSessions[0].Pages[0].EndedAt");
  parse_error(test::seed_with("\"07/14/2024 14:03:45\"", "null"), error_code::null_field,
              "data.SessionEndedAt");
  livesend::parse_options lenient;
  lenient.null_timestamp_is_unset = true;
  CHECK(parse_ok(test::seed_with("\"07/14/2024 14:03:45\"", "null"), lenient)
            .data.session_ended_at.is_unset());
}

TEST_CASE("timestamps in fields: escapes, and the fast path's neighbours", "[rules][ts]") {
  // The reader reads a timestamp string's raw bytes when they are a plain ISO text, else the
  // string as simdjson unescapes it: escapes anywhere in the text read as the chars they stand
  // for, and an error quotes the unescaped text.
  const std::string field = "\"07/14/2024 14:03:45\"";  // data.SessionEndedAt in the seed
  struct escaped {
    const char* json;
    const char* text;
  };
  for (const escaped& e :
       {escaped{"2024-07-14T13:47:38\\u005A", "2024-07-14T13:47:38Z"},
        escaped{"2024-07-14T13:47:38\\u005a", "2024-07-14T13:47:38Z"},
        escaped{"2024-07-14T13:47:38\\u007a", "2024-07-14T13:47:38z"},
        escaped{"\\u0032024-07-14T13:47:38Z", "2024-07-14T13:47:38Z"},
        escaped{"2024\\u002d07-14T13:47:38Z", "2024-07-14T13:47:38Z"},
        escaped{"2024-07-14\\u005413:47:38Z", "2024-07-14T13:47:38Z"},
        escaped{"2024-07-14T13:47:38\\u002e5Z", "2024-07-14T13:47:38.5Z"},
        escaped{"2024-07-14T13:47:38.123456\\u0037", "2024-07-14T13:47:38.1234567"},
        escaped{"2024-07-14T13:47:38\\u002b02:00", "2024-07-14T13:47:38+02:00"},
        escaped{"2024-07-14T13:47:38+02:0\\u0030", "2024-07-14T13:47:38+02:00"},
        escaped{
            "\\u0032\\u0030\\u0032\\u0034\\u002d\\u0030\\u0037\\u002d\\u0031\\u0034\\u0054\\u0031"
            "\\u0033\\u003a\\u0034\\u0037\\u003a\\u0033\\u0038\\u005a",
            "2024-07-14T13:47:38Z"},
        escaped{"7\\/14\\/2024 2:03:45 PM", "7/14/2024 2:03:45 PM"},
        escaped{"2024-02-30T00:00:00\\u005A", "2024-02-30T00:00:00Z"},
        escaped{"2024-07-14T13:47:38Z\\n", "2024-07-14T13:47:38Z\n"},
        escaped{"2024-07-14T13:47:38\\\"", "2024-07-14T13:47:38\""},
        escaped{"2024-07-14T13:47:38\\\\", "2024-07-14T13:47:38\\"},
        escaped{"2024-07-14T13:47:38\\u00e9", "2024-07-14T13:47:38\xc3\xa9"}}) {
    INFO(e.json);
    const std::string json = test::seed_with(field, std::string("\"") + e.json + "\"");
    const auto expected = livesend::parse_timestamp(e.text);
    if (expected.has_value()) {
      CHECK(parse_ok(json).data.session_ended_at == *expected);
    } else {
      const auto err = parse_error(json, error_code::invalid_timestamp, "data.SessionEndedAt");
      CHECK(err.message() == expected.error().message());
      CHECK(err.offset() == test::seed().find(field));
    }
  }

  SECTION("texts near valid ones read in a field as parse_timestamp reads them") {
    // Each byte replaced by, or inserted as, each ASCII char and a two-byte and a three-byte
    // UTF-8 char, one byte removed, every prefix; written as a JSON string (escaping what must
    // be), in a required and in an optional field.
    std::string alphabet;
    for (int c = 0; c < 0x80; ++c) alphabet += static_cast<char>(c);
    const std::string wide[] = {"\xc3\xa9", "\xe2\x88\x92"};   // U+00E9, U+2212 (minus sign)
    const std::string optional_field = "\"StartedAt\": null";  // the first page's
    std::size_t texts = 0;
    for (const std::string valid : {"2024-07-14T13:47:38.1234567+05:30", "2024-07-14T13:47:38Z",
                                    "0001-01-01T00:00:00", "7/14/2024 2:03:45 PM"}) {
      std::vector<std::string> near = test::near_texts(valid, alphabet);
      for (const std::string& w : wide) {
        for (std::size_t i = 0; i <= valid.size(); ++i) near.push_back(valid.substr(0, i) + w);
      }
      for (const std::string& text : near) {
        ++texts;
        std::string quoted;
        test::json_writer::quoted(quoted, text);
        INFO("text " << quoted);
        const auto expected = livesend::parse_timestamp(text);
        const std::string required = test::seed_with(field, quoted);
        const std::string optional = test::seed_with(optional_field, "\"StartedAt\": " + quoted);
        if (expected.has_value()) {
          CHECK(parse_ok(required).data.session_ended_at == *expected);
          // DateTime.MinValue in an optional field is no value.
          std::optional<livesend::timestamp> started = *expected;
          if (expected->is_unset()) started.reset();
          CHECK(parse_ok(optional).data.content_sessions[0].pages[0].started_at == started);
        } else {
          const auto err =
              parse_error(required, error_code::invalid_timestamp, "data.SessionEndedAt");
          CHECK(err.message() == expected.error().message());
          CHECK(err.offset() == test::seed().find(field));
          parse_error(optional, error_code::invalid_timestamp,
                      "data.ContentSessions[0].Pages[0].StartedAt");
        }
      }
    }
    CHECK(texts > 10000);
  }

  SECTION("a timestamp at the end of the input, whatever the padding holds") {
    // The fast path reads past the closing quote, into the rest of the input and its padding:
    // what it finds there must not matter.
    const std::string minified = test::minified(test::seed());
    const std::string occurred = "\"occurredAt\":\"2024-07-14T14:03:52.679592+00:00\",";
    for (const char* text : {"2024-07-14T13:47:38", "2024-07-14T13:47:38.5", "2024-07-14T13:47:38Z",
                             "2024-07-14T13:47:38.1234567+02:00", "2024-07-14T13:47:3"}) {
      INFO(text);
      const std::string json = test::replace_once(
          test::replace_once(minified, occurred, ""), "\"productArea\":\"Livesend\"}",
          std::string("\"productArea\":\"Livesend\",\"occurredAt\":\"") + text + "\"}");
      REQUIRE(json.substr(json.size() - 2 - std::strlen(text)) == std::string(text) + "\"}");
      const auto expected = livesend::parse_timestamp(text);
      for (const char fill : {'\0', '"', '0', 'Z', '+', ':', '\\'}) {
        std::string padded = json + std::string(simdjson::SIMDJSON_PADDING, fill);
        livesend::parser parser;
        livesend::event ev;
        const livesend::error err = parser.parse(
            simdjson::padded_string_view(padded.data(), json.size(), padded.size()), ev);
        if (expected.has_value()) {
          REQUIRE(err.ok());
          CHECK(ev.occurred_at == *expected);
        } else {
          CHECK(err.code() == error_code::invalid_timestamp);
          CHECK(err.path() == "occurredAt");
        }
      }
    }
  }
}

TEST_CASE("rule 5: malformed JSON is located by offset and line", "[rules][syntax]") {
  auto err = parse_error("{\"a\" 1}", error_code::syntax_error, "");
  CHECK(err.offset() == 5);
  CHECK(err.line() == 1);
  err = parse_error(test::seed_with("\"City\": \"Charlotte\",", "\"City\" \"Charlotte\","),
                    error_code::syntax_error, "");
  CHECK(err.offset() == test::seed().find("\"City\"") + 7);
  CHECK(err.line() == 15);
  err = parse_error(test::seed().substr(0, 1000), error_code::syntax_error, "");
  CHECK(err.offset() == 1000);
  parse_error("{\"application\": \"Web\",}", error_code::syntax_error, "");
  parse_error("{", error_code::syntax_error, "");
  parse_error("{\"a\":[}", error_code::syntax_error, "");
  parse_error(test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": 01,"),
              error_code::syntax_error, "");
  parse_error(test::seed_with("\"IsLive\": true", "\"IsLive\": tru"), error_code::syntax_error, "");
}

TEST_CASE("rule 5: invalid UTF-8 is an error at its offset", "[rules][utf8]") {
  const std::string bad = test::seed_with("\"Charlotte\"",
                                          "\"Char\xff"
                                          "lotte\"");
  const auto err = parse_error(bad, error_code::invalid_utf8, "");
  CHECK(err.offset() == test::seed().find("Charlotte") + 4);
  parse_error(test::seed_with("\"Charlotte\"", "\"Char\xc0\x80\""), error_code::invalid_utf8, "");
  parse_error(test::seed_with("\"Charlotte\"", "\"\xed\xa0\x80\""), error_code::invalid_utf8, "");
  // Inside a raw value and inside an unknown key's value, which the reader checks for syntax
  // only (simdjson has validated the whole input's UTF-8 before): still found, at its offset.
  const std::string in_raw = test::seed_with("\"Tags\": []", "\"Tags\": [\"tag \xff\"]");
  CHECK(parse_error(in_raw, error_code::invalid_utf8, "").offset() == in_raw.find('\xff'));
  const std::string in_unknown =
      test::seed_with("\"Tags\": []", "\"Tags\": [], \"Extra\": {\"k\": \"\xc0\x80\"}");
  CHECK(parse_error(in_unknown, error_code::invalid_utf8, "").offset() == in_unknown.find('\xc0'));
}

TEST_CASE("rule 5: the top level must be one object", "[rules][top]") {
  for (const char* not_object : {"[]", "\"event\"", "1", "null", "true", "  [1, 2]  "}) {
    INFO(not_object);
    parse_error(not_object, error_code::not_an_object, "");
  }
  parse_error("", error_code::empty_input, "");
  parse_error(" \n\t ", error_code::empty_input, "");
  const std::string seed_min = test::minified(test::seed());
  auto err = parse_error(seed_min + " x", error_code::trailing_content, "");
  CHECK(err.offset() == seed_min.size() + 1);
  err = parse_error(seed_min + seed_min, error_code::trailing_content, "");
  CHECK(err.offset() == seed_min.size());
  parse_error(seed_min + "}", error_code::trailing_content, "");
  CHECK(parse_ok(seed_min + " \n\r\t") == seed_event());
}

TEST_CASE("a UTF-8 byte order mark before the event is skipped, offsets count it", "[rules][bom]") {
  // RFC 8259 lets a parser ignore a BOM; parse_stream skips one too, so both readers agree.
  const std::string bom = "\xEF\xBB\xBF";
  CHECK(parse_ok(bom + test::seed()) == seed_event());
  CHECK(parse_ok(bom + "\n" + test::seed()) == seed_event());
  // Errors and unknown keys are located in the input as given, BOM included.
  const std::string bad = test::seed_with("\"City\": \"Charlotte\",", "\"City\" \"Charlotte\",");
  auto err = parse_error(bom + bad, error_code::syntax_error, "");
  CHECK(err.offset() == 3 + test::seed().find("\"City\"") + 7);
  CHECK(err.line() == 15);
  err = parse_error(bom + test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": \"1\","),
                    error_code::wrong_type, "data.TotalContent");
  CHECK(err.offset() == 3 + test::seed().find("\"TotalContent\"") + 16);
  livesend::parse_options options;
  options.report_unknown_keys = true;
  livesend::parser parser(options);
  livesend::event ev;
  const std::string extra = bom + "{\"Extra\": 1}";
  CHECK(parser.parse(extra, ev).code() == error_code::missing_field);
  REQUIRE(parser.unknown_keys().size() == 1);
  CHECK(parser.unknown_keys()[0].offset == 4);
  // Only one, only at the start, and nothing after it is still nothing.
  parse_error(bom + bom + test::seed(), error_code::syntax_error, "");
  parse_error(" " + bom + test::seed(), error_code::syntax_error, "");
  parse_error(bom, error_code::empty_input, "");
  parse_error(bom + " \n", error_code::empty_input, "");
}

TEST_CASE("rule 5: very deep nesting is an error, never a crash", "[rules][depth]") {
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  auto err = parse_error(test::seed_with("\"Tags\": [],", "\"Tags\": " + deep + ","),
                         error_code::depth_exceeded, "data.LivesendSessionSummary.Link.Tags");
  CHECK(err.message().find("64") != std::string::npos);
  parse_error(test::seed_with("\"application\": \"Web\",", "\"Deep\": " + deep + ","),
              error_code::depth_exceeded, "Deep");
  // A million unclosed brackets: too deep long before the end.
  parse_error(test::seed_with("\"Tags\": [],", "\"Tags\": " + std::string(1000000, '[') + ","),
              error_code::depth_exceeded, "");
  // Within the bound: kept.
  livesend::parse_options roomy;
  roomy.max_raw_depth = 3000;
  const auto ev = parse_ok(test::seed_with("\"Tags\": [],", "\"Tags\": " + deep + ","), roomy);
  CHECK(ev.data.livesend_session_summary.link.tags.json == deep);
}

TEST_CASE("raw values keep their JSON text, and bad text inside them is an error", "[rules][raw]") {
  auto ev =
      parse_ok(test::seed_with("\"Tags\": [],", "\"Tags\": [ \"a b\" , {\"c\": [1, null]} ],"));
  CHECK(ev.data.livesend_session_summary.link.tags.json == "[ \"a b\" , {\"c\": [1, null]} ]");
  ev = parse_ok(test::seed_with("\"Recipients\": null", "\"Recipients\": \"all\""));
  REQUIRE(ev.data.recipients.has_value());
  CHECK(ev.data.recipients->json == "\"all\"");
  ev = parse_ok(test::seed_with("\"Links\": null", "\"Links\": -1.5e3"));
  CHECK(ev.data.links->json == "-1.5e3");
  ev = parse_ok(test::seed_with("\"TrackingParameters\": null", "\"TrackingParameters\": {}"));
  CHECK(ev.data.livesend_session_summary.tracking_parameters->json == "{}");
  parse_error(test::seed_with("\"Tags\": [],", "\"Tags\": [1 2],"), error_code::syntax_error, "");
  parse_error(test::seed_with("\"Links\": null", "\"Links\": {\"a\" 1}"), error_code::syntax_error,
              "");
  parse_error(test::seed_with("\"Links\": null", "\"Links\": nul"), error_code::syntax_error, "");
}
