// tests/differential/test_differential.cpp: livesend against an independent reader
// (reference.hpp, on nlohmann::json), on thousands of generated events and corruptions of them
// (generator.hpp). (That errors never quote personal data is checked for every personal field of
// the schema in test_field_rules.cpp.)
//
// Every input is read by both flavours of livesend and by the reference (compare.hpp). They must
// agree on accept or reject; on what they accept, value for value; and where the input is valid
// JSON and the reference rejects it for a field, on the error's code and path. The generator is
// seeded, so a failure names an input that the next run makes again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "differential/compare.hpp"
#include "differential/generator.hpp"
#include "livesend/livesend.hpp"
#include "support.hpp"
#include "support/random.hpp"

using namespace differential;

namespace {

/// Runs `count` cases made by `make` and checks that livesend and the reference agree on each;
/// reports the first few disagreements in full.
template <class Make>
void agree_on(std::size_t count, Make&& make, std::size_t* accepted = nullptr,
              std::size_t* field_errors = nullptr) {
  std::size_t failures = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string input = make(i);
    const verdict v = compare(input);
    if (accepted != nullptr && v.accepted) ++*accepted;
    if (field_errors != nullptr && v.field_error_compared) ++*field_errors;
    if (!v.mismatch.empty() && ++failures <= 3) {
      FAIL_CHECK("case " << i << ": " << v.mismatch << "\ninput: " << excerpt(input));
    }
  }
  CHECK(failures == 0);
}

constexpr std::uint64_t seed = 20240714;

}  // namespace

TEST_CASE("differential: the fixtures", "[differential]") {
  for (const char* name : {"seed-session-summary-v3.json", "cli/two-events.json",
                           "cli/mixed.ndjson", "cli/unknown-keys.ndjson"}) {
    INFO(name);
    const std::string text = test::read_file(test::data_path(name));
    livesend::record_splitter splitter(text);
    livesend::stream_record record;
    while (splitter.next(record)) {
      INFO("record " << record.index);
      const verdict v = compare(record.text);
      CHECK(v.mismatch == "");
    }
  }
  // The seed accepted by both, value for value.
  CHECK(compare(test::seed()).accepted);
}

TEST_CASE("differential: hand-written edge cases", "[differential]") {
  const std::string seed = test::minified(test::seed());
  const auto with = [&](std::string_view from, std::string_view to) {
    return test::replace_once(seed, from, to);
  };
  const std::vector<std::string> cases = {
      with("\"TotalContent\":1,", "\"TotalContent\":1,\"totalcontent\":7,\"TOTALCONTENT\":2,"),
      with("\"TotalContent\":1,", "\"TotalContent\":\"x\",\"TotalContent\":1,"),
      with("\"TotalContent\":1,", "\"TotalContent\":1,\"TotalContent\":null,"),
      with("\"TotalContent\":1,", "\"TotalContent\":18446744073709551615,"),
      with("\"TotalContent\":1,", "\"TotalContent\":18446744073709551616,"),
      with("\"TotalContent\":1,", "\"TotalContent\":-0.0e-0,"),
      with("\"TotalContent\":1,", "\"TotalContent\":1e-99999999999999999999,"),
      with("\"TotalContent\":1,", "\"TotalContent\":0e99999999999999999999,"),
      with("\"TotalContent\":1,", "\"TotalContent\":9223372036854775807.0,"),
      with("\"TotalContent\":1,", "\"TotalContent\":9223372036854775807.5,"),
      with("\"TotalContent\":1,", "\"TotalContent\":92233720368547758070e-1,"),
      with("\"TotalContent\":1,", "\"TotalContent\":0.9223372036854775807e19,"),
      with("\"TotalContent\":1,", "\"TotalContent\":-0.9223372036854775808E+19,"),
      with("\"TotalContent\":1,",
           "\"TotalContent\":0.00000000000000000000000000000000000000001e41,"),
      with("15.2316", "0." + std::string(700, '0') + "1e700"),
      with("15.2316", "1" + std::string(400, '0') + "e-400"),
      // Numbers at the ends of double's range and beyond (raw values keep any JSON number).
      with("15.2316", "2.2250738585072011e-308"),
      with("15.2316", "1.7976931348623157e308"),
      with("15.2316", "1.7976931348623159e308"),
      with("15.2316", "1e400"),
      with("15.2316", "-1e-400"),
      with("15.2316", "18446744073709551616"),
      with("\"Tags\":[]", "\"Tags\":[1e400,-1e999,123456789012345678901234567890e300]"),
      with("\"Tags\":[]", "\"Tags\":[\"\\ud83d\\ude00\",\"\\u0000\",\"\\/\"]"),
      with("\"Tags\":[]", "\"Tags\":" + std::string(64, '[') + std::string(64, ']')),
      with("\"Tags\":[]", "\"Tags\":" + std::string(65, '[') + std::string(65, ']')),
      with("\"application\":\"Web\"",
           "\"application\":\"Web\",\"\":" + std::string(65, '[') + std::string(65, ']')),
      with("\"application\":\"Web\"", "\"application\":\"Web\",\"\\u0041pp\":1"),
      with("\"application\":\"Web\"", "\"\\u0061pplication\":\"Web\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"Z\xc3\xbcrich \\u65e5\\u672c\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"\\ud800\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"\xed\xa0\x80\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"a\x01\""),
      "\xEF\xBB\xBF" + seed,
      seed + " ",
      seed + "x",
      "[" + seed + "]",
      "",
      "{}",
  };
  agree_on(cases.size(), [&](std::size_t i) { return cases[i]; });
}

TEST_CASE("differential: random valid events", "[differential]") {
  test::rng r(seed);
  generator gen(r);
  std::size_t accepted = 0;
  constexpr std::size_t count = 1500;
  agree_on(
      count,
      [&](std::size_t) {
        writer w(r, style{static_cast<unsigned>(r.below(4) * 10),
                          static_cast<unsigned>(r.below(3) * 5)});
        return w.write(gen.event());
      },
      &accepted);
  // The generator keeps the contract: nearly every event is valid (a few draw a bad value).
  CHECK(accepted > count * 95 / 100);
}

TEST_CASE("differential: random corruptions", "[differential]") {
  test::rng r(seed + 1);
  generator gen(r);
  std::size_t accepted = 0;
  std::size_t field_errors = 0;
  constexpr std::size_t count = 3000;
  agree_on(
      count,
      [&](std::size_t i) {
        json_value ev = gen.event();
        writer w(r, style{static_cast<unsigned>(r.below(3) * 10),
                          static_cast<unsigned>(r.below(2) * 5)});
        if (i % 2 == 0) {
          for (std::size_t n = 1 + r.below(2); n > 0; --n) corrupt_tree(ev, gen, r);
          return w.write(ev);
        }
        return corrupt_text(w.write(ev), r);
      },
      &accepted, &field_errors);
  // Enough of each: inputs still valid, and field errors whose code and path were compared.
  CHECK(accepted > count / 10);
  CHECK(field_errors > count / 4);
}

TEST_CASE("differential: other options", "[differential]") {
  test::rng r(seed + 2);
  generator gen(r);
  livesend::parse_options options;
  options.max_raw_depth = 2;
  options.null_timestamp_is_unset = true;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    json_value ev = gen.event();
    if (i % 2 == 0) corrupt_tree(ev, gen, r);
    const std::string input = writer(r, style{10, 5}).write(ev);
    const verdict v = compare(input, options);
    if (!v.mismatch.empty() && ++failures <= 3) {
      FAIL_CHECK("case " << i << ": " << v.mismatch << "\ninput: " << excerpt(input));
    }
  }
  CHECK(failures == 0);
}
