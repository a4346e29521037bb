// tests/test_write.cpp: write.hpp: the normalized JSON and the round trip.
#include "livesend/write.hpp"

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "catch.hpp"
#include "livesend/parse.hpp"
#include "support.hpp"

namespace {

livesend::event parse(std::string_view json, bool normalized = false) {
  livesend::parse_options options;
  options.null_timestamp_is_unset = normalized;
  livesend::parser parser(options);
  livesend::event ev;
  const auto err = parser.parse(json, ev);
  INFO(err.to_string());
  REQUIRE(err.ok());
  return ev;
}

}  // namespace

TEST_CASE("normalized JSON of the seed", "[write]") {
  const livesend::event ev = parse(test::seed());
  const std::string json = livesend::to_json(ev);
  CHECK(json.find('\n') == std::string::npos);
  // The wrapper's keys in the contract's spelling, in table order.
  CHECK(json.rfind("{\"application\":\"Web\",\"data\":{\"InteractionId\":", 0) == 0);
  CHECK(json.find(",\"id\":\"e40bbaab-f86e-e62b-d3c9-5104734edb18\",\"version\":"
                  "\"livesend-session-summary-v3\",\"occurredAt\":\"2024-07-14T14:03:52.679592Z\","
                  "\"tenantId\":\"79caac86-4242-401f-bf63-4505f609dd22\",\"tenantName\":\"demo\","
                  "\"productArea\":\"Livesend\"}") != std::string::npos);
  // Unset timestamps and null optionals are null; canonical timestamps; raw re-emitted.
  CHECK(json.find("\"InteractionOccurredAt\":null") != std::string::npos);
  CHECK(json.find("\"ModifiedAt\":null") != std::string::npos);
  CHECK(json.find("\"SessionEndedAt\":\"2024-07-14T14:03:45Z\",\"SessionId\"") !=
        std::string::npos);
  CHECK(json.find("\"CreatedAt\":\"2024-07-11T01:29:58.898593Z\"") != std::string::npos);
  CHECK(json.find("\"DeliveryOptionName\":null") != std::string::npos);
  CHECK(json.find("\"Tags\":[]") != std::string::npos);
  CHECK(json.find("\"GeolocationLatitude\":15.2316,\"GeolocationLongitude\":-10.8428") !=
        std::string::npos);
  CHECK(json.find("\"StartedAt\":null,\"EndedAt\":null,\"PageIndex\":1") != std::string::npos);
  CHECK(json.find("\"TotalDurationSeconds\":966") != std::string::npos);
  // Every key of the contract is written, even for a value that was absent.
  CHECK(json.find("\"Recipients\":null") != std::string::npos);
  // Exactly the same text for the view flavour.
  livesend::parser parser;
  livesend::event_view view;
  REQUIRE(parser.parse(test::seed(), view).ok());
  CHECK(livesend::to_json(view) == json);
}

TEST_CASE("parse -> to_json -> parse gives back an equal value", "[write][roundtrip]") {
  const livesend::event ev = parse(test::seed());
  const livesend::event back = parse(livesend::to_json(ev), true);
  CHECK(back == ev);
  CHECK(livesend::to_json(back) == livesend::to_json(ev));

  // Without unset timestamps, the strict parser reads it back as well.
  const std::string set = test::replace_once(
      test::replace_once(test::seed(), "\"InteractionOccurredAt\": \"0001-01-01T00:00:00\"",
                         "\"InteractionOccurredAt\": \"2024-07-14T13:47:38Z\""),
      "\"ModifiedAt\": \"0001-01-01T00:00:00Z\"", "\"ModifiedAt\": \"2024-07-14T13:47:38Z\"");
  const livesend::event strict = parse(set);
  CHECK(parse(livesend::to_json(strict)) == strict);
}

TEST_CASE("strings, numbers and raw values are written as valid JSON", "[write][escapes]") {
  std::string json = test::seed_with("\"tenantName\": \"demo\"",
                                     R"("tenantName": "a\"b\\c\u0001\n\t\u001f é 日本 \/")");
  json = test::replace_once(json, "15.2316", "0.1");
  json = test::replace_once(json, "-10.8428", "1e300");
  json = test::replace_once(json, "\"Tags\": []", "\"Tags\": [ 1 , {\"a b\" : \"c d\"} ]");
  json =
      test::replace_once(json, "\"TotalContent\": 1,", "\"TotalContent\": -9223372036854775808,");
  const livesend::event ev = parse(json);
  const std::string out = livesend::to_json(ev);
  CHECK(out.find(R"("tenantName":"a\"b\\c\u0001\n\t\u001f é 日本 /")") != std::string::npos);
  CHECK(out.find("\"GeolocationLatitude\":0.1,\"GeolocationLongitude\":1e+300") !=
        std::string::npos);
  CHECK(out.find("\"Tags\":[1,{\"a b\":\"c d\"}]") != std::string::npos);
  CHECK(out.find("\"TotalContent\":-9223372036854775808") != std::string::npos);
  CHECK(parse(out, true) == ev);
}

TEST_CASE("write_json appends any record to a buffer", "[write]") {
  livesend::page p;
  p.duration_milliseconds = 1500;
  p.page_index = 3;
  p.thumbnail_image_url = "https://x/3.png";
  p.started_at = livesend::parse_timestamp("2024-07-14T13:47:38.000001Z").value();
  fmt::memory_buffer out;
  out.push_back('>');
  livesend::write_json(out, p);
  CHECK(fmt::to_string(out) ==
        ">{\"DurationMilliseconds\":1500,\"StartedAt\":\"2024-07-14T13:47:38.000001Z\","
        "\"EndedAt\":null,\"PageIndex\":3,\"ThumbnailImageUrl\":\"https://x/3.png\"}");
}

TEST_CASE("numbers: decimal integers and the shortest double that reads back", "[write]") {
  // JSON and CSV write numbers through one function; its text is fmt's "{}" (the shortest
  // round trip), whatever way it is reached.
  const auto text = [](auto value) {
    fmt::memory_buffer out;
    livesend::detail::write_value(out, value);
    return fmt::to_string(out);
  };
  for (const std::int64_t i :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    CHECK(text(i) == fmt::format("{}", i));
  }
  CHECK(text(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  for (const double d : {0.0, -0.0, 0.1, 1.5, -33.8688, 151.2093, 1e21, 1e-7, 5e-324,
                         std::numeric_limits<double>::max(), 123456789012345680.0}) {
    CHECK(text(d) == fmt::format("{}", d));
    CHECK(std::strtod(text(d).c_str(), nullptr) == d);
  }
  CHECK(text(0.1) == "0.1");
  CHECK(text(-0.0) == "-0");
  CHECK(text(1e21) == "1e+21");
}
