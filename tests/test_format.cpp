// tests/test_format.cpp: format.hpp: the fmt formatters.
#include "livesend/format.hpp"

#include <string>

#include "catch.hpp"
#include "livesend/parse.hpp"
#include "support.hpp"

TEST_CASE("a timestamp formats as its canonical text, or unset", "[format]") {
  const auto t = livesend::parse_timestamp("7/14/2024 2:03:45 PM").value();
  CHECK(fmt::format("{}", t) == "2024-07-14T14:03:45Z");
  CHECK(fmt::format("{}", livesend::parse_timestamp("2024-07-14T14:03:52.679592+00:00").value()) ==
        "2024-07-14T14:03:52.679592Z");
  CHECK(fmt::format("{}", livesend::timestamp::unset()) == "unset");
}

TEST_CASE("an error formats as PATH: message or offset N: message", "[format]") {
  livesend::parser parser;
  livesend::event ev;
  const auto err = parser.parse(test::seed_with("\"PageIndex\": 1,", "\"PageIndex\": \"1\","), ev);
  CHECK(fmt::format("{}", err) ==
        "data.ContentSessions[0].Pages[0].PageIndex: expected an integer, found a string");
  const auto syntax = parser.parse(std::string_view("{\"a\" 1}"), ev);
  CHECK(fmt::format("{}", syntax) == "offset 5: expected ':' after object key");
}

TEST_CASE("an event formats as one readable line", "[format]") {
  livesend::parser parser;
  livesend::event ev;
  REQUIRE(parser.parse(test::seed(), ev).ok());
  const std::string line = fmt::format("{}", ev);
  CHECK(line ==
        "event e40bbaab-f86e-e62b-d3c9-5104734edb18 tenant demo at 2024-07-14T14:03:52.679592Z: "
        "[email protected] viewed 0 of 1 content item(s) for 966 s");
  livesend::event_view view;
  REQUIRE(parser.parse(test::seed(), view).ok());
  CHECK(fmt::format("{}", view) == line);
}
