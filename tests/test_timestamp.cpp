// tests/test_timestamp.cpp: the timestamp type, its parser and its canonical text.
#include "livesend/timestamp.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "support.hpp"
#include "support/random.hpp"

using livesend::timestamp;

namespace {

constexpr std::int64_t us_per_s = 1000000;
constexpr std::int64_t us_per_day = 86400 * us_per_s;

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z (computed independently: year 0 is a
// leap year of 366 days before DateTime.MinValue).
constexpr std::int64_t min_us = timestamp::min_value_unix_micros - 366 * us_per_day;
constexpr std::int64_t max_us = 253402300799999999;

// Parses text that must be valid.
timestamp ok(std::string_view text) {
  INFO("text: " << std::string(text));
  timestamp t = timestamp::from_unix_micros(12345);  // anything but the expected value
  const char* why = livesend::detail::parse_timestamp(text, t);
  INFO("reason: " << (why ? why : "(none)"));
  REQUIRE(why == nullptr);
  return t;
}

// The reason text is rejected, or "" when it is (wrongly) accepted.
std::string why_not(std::string_view text) {
  timestamp t;
  const char* why = livesend::detail::parse_timestamp(text, t);
  return why ? std::string(why) : std::string();
}

std::int64_t micros(std::string_view text) { return ok(text).unix_micros(); }

}  // namespace

TEST_CASE("timestamp: the sentinel and basic properties", "[timestamp]") {
  STATIC_REQUIRE(timestamp().is_unset());
  STATIC_REQUIRE(timestamp::unset().is_unset());
  STATIC_REQUIRE(timestamp::unset() == timestamp());
  STATIC_REQUIRE(timestamp::unset().unix_micros() == -62135596800000000);
  STATIC_REQUIRE(timestamp::from_unix_micros(timestamp::min_value_unix_micros).is_unset());
  STATIC_REQUIRE(!timestamp::from_unix_micros(0).is_unset());
  STATIC_REQUIRE(!timestamp::from_unix_micros(timestamp::min_value_unix_micros + 1).is_unset());
  STATIC_REQUIRE(timestamp::from_unix_micros(42).unix_micros() == 42);
  STATIC_REQUIRE(timestamp::max_chars == 27);
  STATIC_REQUIRE(sizeof(timestamp) == 8);
  STATIC_REQUIRE(std::is_trivially_copyable<timestamp>::value);
  STATIC_REQUIRE(noexcept(livesend::detail::parse_timestamp("", std::declval<timestamp&>())));
}

TEST_CASE("timestamp: comparisons order by instant", "[timestamp]") {
  constexpr auto a = timestamp::from_unix_micros(-5);
  constexpr auto b = timestamp::from_unix_micros(7);
  STATIC_REQUIRE(a == a);
  STATIC_REQUIRE(a != b);
  STATIC_REQUIRE(a < b);
  STATIC_REQUIRE(a <= b);
  STATIC_REQUIRE(a <= a);
  STATIC_REQUIRE(b > a);
  STATIC_REQUIRE(b >= a);
  STATIC_REQUIRE(b >= b);
  STATIC_REQUIRE_FALSE(b < a);
  STATIC_REQUIRE_FALSE(a > b);
  STATIC_REQUIRE_FALSE(a == b);
  STATIC_REQUIRE(timestamp::unset() < timestamp::from_unix_micros(0));
  STATIC_REQUIRE(noexcept(a < b));
}

TEST_CASE("timestamp: time_point conversions", "[timestamp]") {
  using tp = timestamp::time_point;
  CHECK(timestamp::from_unix_micros(0).to_time_point() == tp());
  CHECK(timestamp::from_time_point(tp()) == timestamp::from_unix_micros(0));
  const auto t = timestamp::from_unix_micros(1720661398898593);
  CHECK(t.to_time_point().time_since_epoch().count() == 1720661398898593);
  CHECK(timestamp::from_time_point(t.to_time_point()) == t);
  CHECK(timestamp::from_time_point(timestamp::unset().to_time_point()).is_unset());
  // The system clock's epoch is the Unix epoch.
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  CHECK(timestamp::from_time_point(now).unix_micros() == now.time_since_epoch().count());
  CHECK(timestamp::from_time_point(now) > ok("2024-01-01T00:00:00Z"));
}

TEST_CASE("timestamp: the contract's examples", "[timestamp]") {
  CHECK(micros("2024-07-14T13:47:38Z") == 1720964858000000);
  CHECK(micros("2024-07-11T01:29:58.898593Z") == 1720661398898593);
  CHECK(micros("2024-07-11T01:29:58.898593Z") % us_per_s == 898593);
  CHECK(micros("2024-07-14T14:03:52.679592+00:00") == 1720965832679592);
  CHECK(ok("0001-01-01T00:00:00").is_unset());
  CHECK(micros("07/14/2024 14:03:45") == 1720965825000000);
  CHECK(ok("7/14/2024 2:03:45 PM") == ok("2024-07-14T14:03:45Z"));
  CHECK(ok("07/14/2024 14:03:45") == ok("2024-07-14T14:03:45Z"));
}

TEST_CASE("timestamp: unix micros of known instants", "[timestamp]") {
  CHECK(micros("1970-01-01T00:00:00Z") == 0);
  CHECK(micros("1970-01-01T00:00:00.000001Z") == 1);
  CHECK(micros("1969-12-31T23:59:59.999999Z") == -1);
  CHECK(micros("1970-01-02T00:00:00Z") == us_per_day);
  CHECK(micros("2024-07-14T13:47:38Z") == 1720964858000000);
  CHECK(micros("2000-02-29T00:00:00Z") == 951782400000000);
  CHECK(micros("1900-03-01T00:00:00Z") == -2203891200000000);
  CHECK(micros("1999-12-31T23:59:59Z") == 946684799000000);
  CHECK(micros("1600-02-29T12:00:00Z") == -11670955200000000);
  CHECK(micros("0001-01-01T00:00:00.000001Z") == -62135596799999999);
  CHECK(micros("9999-12-31T23:59:59.999999Z") == max_us);
  CHECK(micros("0000-01-01T00:00:00Z") == min_us);
  CHECK(micros("0000-01-01T00:00:00Z") == -62167219200000000);
}

TEST_CASE("timestamp: every day of years 0000 to 9999 parses and prints", "[timestamp]") {
  // A naive day-by-day calendar, independent of the library's days-from-civil arithmetic.
  const auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t expected = min_us;
  std::int64_t bad = 0;
  std::int64_t days = 0;
  char text[] = "YYYY-MM-DDTHH:MM:SSZ";
  const auto put = [](char* at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
  };
  for (int y = 0; y <= 9999; ++y) {
    for (int m = 1; m <= 12; ++m) {
      const int n = month_days[m - 1] + (m == 2 && leap(y));
      for (int d = 1; d <= n; ++d, ++days, expected += us_per_day) {
        // Alternate the time of day so every field is exercised somewhere.
        const int h = static_cast<int>(days % 24), mi = static_cast<int>(days % 60);
        const int s = static_cast<int>((days / 7) % 60);
        const std::int64_t us = expected + ((h * 60 + mi) * 60 + s) * us_per_s;
        put(text, y, 4), put(text + 5, m, 2), put(text + 8, d, 2);
        put(text + 11, h, 2), put(text + 14, mi, 2), put(text + 17, s, 2);
        const std::string_view in(text, 20);
        timestamp t;
        const char* why = livesend::detail::parse_timestamp(in, t);
        char out[timestamp::max_chars];
        if (why != nullptr || t.unix_micros() != us ||
            std::string_view(out, t.to_chars(out)) != in) {
          if (++bad <= 5) FAIL_CHECK(in << ": " << (why ? why : t.to_string()));
        }
      }
    }
  }
  CHECK(bad == 0);
  CHECK(days == 3652425);  // 10000 years of 365.2425 days
  CHECK(expected == max_us + 1);
}

TEST_CASE("timestamp: fractions", "[timestamp]") {
  CHECK(micros("2024-07-14T13:47:38.1Z") % us_per_s == 100000);
  CHECK(micros("2024-07-14T13:47:38.12Z") % us_per_s == 120000);
  CHECK(micros("2024-07-14T13:47:38.123Z") % us_per_s == 123000);
  CHECK(micros("2024-07-14T13:47:38.000001Z") % us_per_s == 1);
  CHECK(micros("2024-07-14T13:47:38.123456Z") % us_per_s == 123456);
  SECTION("a 7th digit is dropped, not rounded") {
    CHECK(micros("2024-07-14T13:47:38.1234567Z") % us_per_s == 123456);
    CHECK(micros("2024-07-14T13:47:38.9999999Z") == micros("2024-07-14T13:47:38.999999Z"));
    CHECK(micros("2024-07-14T13:47:38.0000009") == micros("2024-07-14T13:47:38Z"));
    CHECK(micros("2024-07-14T13:47:38.1234567+02:00") % us_per_s == 123456);
  }
  SECTION("a zero fraction is the whole second") {
    CHECK(micros("2024-07-14T13:47:38.0Z") == 1720964858000000);
    CHECK(micros("2024-07-14T13:47:38.0000000Z") == 1720964858000000);
  }
  SECTION("no digits, or more than 7, is an error") {
    CHECK(why_not("2024-07-14T13:47:38.Z") == "fraction needs 1 to 7 digits");
    CHECK(why_not("2024-07-14T13:47:38.") == "fraction needs 1 to 7 digits");
    CHECK(why_not("2024-07-14T13:47:38.12345678Z") == "fraction needs 1 to 7 digits");
    CHECK(why_not("2024-07-14T13:47:38.12345678") == "fraction needs 1 to 7 digits");
    CHECK(why_not("2024-07-14T13:47:38.+00:00") == "fraction needs 1 to 7 digits");
    CHECK_FALSE(why_not("2024-07-14T13:47:38,5Z").empty());
    CHECK_FALSE(why_not("2024-07-14T13:47:38.5.5Z").empty());
  }
}

TEST_CASE("timestamp: zones and offsets", "[timestamp]") {
  const std::int64_t z = micros("2024-07-14T14:03:52Z");
  CHECK(micros("2024-07-14T14:03:52") == z);  // no zone: UTC
  CHECK(micros("2024-07-14T14:03:52+00:00") == z);
  CHECK(micros("2024-07-14T14:03:52-00:00") == z);
  CHECK(micros("2024-07-14T16:03:52+02:00") == z);
  CHECK(micros("2024-07-14T12:03:52-02:00") == z);
  CHECK(micros("2024-07-14T19:33:52+05:30") == z);
  CHECK(micros("2024-07-14T10:33:52-03:30") == z);
  CHECK(micros("2024-07-15T13:03:52+23:00") == z);
  CHECK(micros("2024-07-14T13:04:52+23:59") == micros("2024-07-13T13:05:52Z"));
  SECTION("an offset can cross a day and a year boundary") {
    CHECK(ok("2025-01-01T01:30:00+02:00") == ok("2024-12-31T23:30:00Z"));
    CHECK(ok("2024-12-31T22:30:00-03:00") == ok("2025-01-01T01:30:00Z"));
    CHECK(micros("2025-01-01T00:30:00+02:00") == 1735684200000000);  // 2024-12-31T22:30Z
    CHECK(ok("2024-03-01T00:00:00+00:01") == ok("2024-02-29T23:59:00Z"));
    CHECK(ok("2023-02-28T23:00:00-01:00") == ok("2023-03-01T00:00:00Z"));
    CHECK(ok("2024-07-14T00:00:00.5+01:00").to_string() == "2024-07-13T23:00:00.500000Z");
  }
  SECTION("malformed zones") {
    CHECK(why_not("2024-07-14T14:03:52+24:00") == "offset hour out of range");
    CHECK(why_not("2024-07-14T14:03:52-99:00") == "offset hour out of range");
    CHECK(why_not("2024-07-14T14:03:52+02:60") == "offset minutes out of range");
    CHECK(why_not("2024-07-14T14:03:52+0200") == "offset must be +HH:MM or -HH:MM");
    CHECK(why_not("2024-07-14T14:03:52+02") == "offset must be +HH:MM or -HH:MM");
    CHECK(why_not("2024-07-14T14:03:52+2:00") == "offset must be +HH:MM or -HH:MM");
    CHECK(why_not("2024-07-14T14:03:52+02:0") == "offset must be +HH:MM or -HH:MM");
    CHECK(why_not("2024-07-14T14:03:52+") == "offset must be +HH:MM or -HH:MM");
    CHECK(why_not("2024-07-14T14:03:52+02:00:00") == "trailing characters");
    CHECK(why_not("2024-07-14T14:03:52+02:00Z") == "trailing characters");
    CHECK(why_not("2024-07-14T14:03:52Z+02:00") == "trailing characters");
    CHECK(why_not("2024-07-14T14:03:52ZZ") == "trailing characters");
    CHECK(why_not("2024-07-14T14:03:52Z ") == "trailing characters");
    CHECK(why_not("2024-07-14T14:03:52z") ==
          "expected 'Z', '+HH:MM', '-HH:MM' or the end after the time");
    CHECK_FALSE(why_not("2024-07-14T14:03:52 ").empty());
    CHECK_FALSE(why_not("2024-07-14T14:03:52 Z").empty());
    CHECK_FALSE(why_not("2024-07-14T14:03:52UTC").empty());
    CHECK_FALSE(why_not("2024-07-14T14:03:52GMT").empty());
    CHECK_FALSE(why_not("2024-07-14T14:03:52\xe2\x88\x92"
                        "02:00")
                    .empty());  // U+2212 minus sign
  }
}

TEST_CASE("timestamp: calendar validity", "[timestamp]") {
  SECTION("leap days") {
    CHECK(ok("2024-02-29T00:00:00Z").to_string() == "2024-02-29T00:00:00Z");
    CHECK(ok("2000-02-29T00:00:00Z").to_string() == "2000-02-29T00:00:00Z");
    CHECK(ok("1600-02-29T00:00:00Z").to_string() == "1600-02-29T00:00:00Z");
    CHECK(ok("0000-02-29T00:00:00Z").to_string() == "0000-02-29T00:00:00Z");
    CHECK(ok("2/29/2024 00:00:00") == ok("2024-02-29T00:00:00Z"));
    CHECK(why_not("2023-02-29T00:00:00Z") == "day does not exist in that month");
    CHECK(why_not("1900-02-29T00:00:00Z") == "day does not exist in that month");
    CHECK(why_not("2100-02-29T00:00:00Z") == "day does not exist in that month");
    CHECK(why_not("2/29/2023 0:00:00") == "day does not exist in that month");
    CHECK(why_not("2/29/1900 12:00:00 AM") == "day does not exist in that month");
  }
  SECTION("month lengths") {
    const char* last_days[] = {"2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30",
                               "2023-05-31", "2023-06-30", "2023-07-31", "2023-08-31",
                               "2023-09-30", "2023-10-31", "2023-11-30", "2023-12-31"};
    const char* next_days[] = {"2023-01-32", "2023-02-29", "2023-03-32", "2023-04-31",
                               "2023-05-32", "2023-06-31", "2023-07-32", "2023-08-32",
                               "2023-09-31", "2023-10-32", "2023-11-31", "2023-12-32"};
    for (int m = 0; m < 12; ++m) {
      CHECK(ok(std::string(last_days[m]) + "T00:00:00Z").to_string() ==
            std::string(last_days[m]) + "T00:00:00Z");
      CHECK_FALSE(why_not(std::string(next_days[m]) + "T00:00:00Z").empty());
    }
    CHECK(why_not("2024-02-30T00:00:00Z") == "day does not exist in that month");
    CHECK(why_not("2024-04-31T00:00:00Z") == "day does not exist in that month");
    CHECK(why_not("2024-01-32T00:00:00Z") == "day out of range");
    CHECK(why_not("2024-01-00T00:00:00Z") == "day out of range");
    CHECK(why_not("2024-00-10T00:00:00Z") == "month out of range");
    CHECK(why_not("2024-13-10T00:00:00Z") == "month out of range");
    CHECK(why_not("13/10/2024 00:00:00") == "month out of range");
    CHECK(why_not("0/10/2024 00:00:00") == "month out of range");
    CHECK(why_not("4/31/2024 00:00:00") == "day does not exist in that month");
    CHECK(why_not("4/0/2024 00:00:00") == "day out of range");
  }
  SECTION("time of day") {
    CHECK(micros("2024-07-14T23:59:59.999999Z") == micros("2024-07-15T00:00:00Z") - 1);
    CHECK(why_not("2024-07-14T24:00:00Z") == "hour out of range");
    CHECK(why_not("2024-07-14T99:00:00Z") == "hour out of range");
    CHECK(why_not("2024-07-14T13:60:00Z") == "minute out of range");
    CHECK(why_not("2024-07-14T13:47:60Z") == "second out of range");
    CHECK(why_not("2024-07-14T23:59:60Z") == "second out of range");  // no leap seconds
    CHECK(why_not("7/14/2024 24:00:00") == "hour out of range");
    CHECK(why_not("7/14/2024 13:60:00") == "minute out of range");
    CHECK(why_not("7/14/2024 13:00:60") == "second out of range");
  }
}

TEST_CASE("timestamp: the .NET general format", "[timestamp]") {
  const timestamp t = ok("2024-07-14T14:03:45Z");
  CHECK(ok("07/14/2024 14:03:45") == t);
  CHECK(ok("7/14/2024 14:03:45") == t);
  CHECK(ok("7/14/2024 2:03:45 PM") == t);
  CHECK(ok("07/14/2024 02:03:45 PM") == t);
  CHECK(ok("1/2/2024 3:04:05") == ok("2024-01-02T03:04:05Z"));
  CHECK(ok("01/02/2024 03:04:05") == ok("2024-01-02T03:04:05Z"));
  CHECK(ok("12/31/9999 11:59:59 PM") == ok("9999-12-31T23:59:59Z"));
  CHECK(ok("1/1/0000 0:00:00").unix_micros() == min_us);
  SECTION("12-hour clock") {
    CHECK(ok("7/14/2024 12:00:00 AM") == ok("2024-07-14T00:00:00Z"));
    CHECK(ok("7/14/2024 12:30:00 AM") == ok("2024-07-14T00:30:00Z"));
    CHECK(ok("7/14/2024 12:00:00 PM") == ok("2024-07-14T12:00:00Z"));
    CHECK(ok("7/14/2024 12:59:59 PM") == ok("2024-07-14T12:59:59Z"));
    CHECK(ok("7/14/2024 1:00:00 AM") == ok("2024-07-14T01:00:00Z"));
    CHECK(ok("7/14/2024 11:59:59 AM") == ok("2024-07-14T11:59:59Z"));
    CHECK(ok("7/14/2024 1:00:00 PM") == ok("2024-07-14T13:00:00Z"));
    CHECK(ok("7/14/2024 11:59:59 PM") == ok("2024-07-14T23:59:59Z"));
    CHECK(why_not("7/14/2024 0:00:00 AM") == "hour out of range for AM/PM");
    CHECK(why_not("7/14/2024 00:00:00 PM") == "hour out of range for AM/PM");
    CHECK(why_not("7/14/2024 13:00:00 PM") == "hour out of range for AM/PM");
    CHECK(why_not("7/14/2024 13:00:00 AM") == "hour out of range for AM/PM");
    CHECK(why_not("7/14/2024 23:00:00 PM") == "hour out of range for AM/PM");
    CHECK(why_not("7/14/2024 12:60:00 PM") == "minute out of range");
  }
  SECTION("malformed") {
    CHECK(why_not("7/14/2024 2:03:45 pm") == "expected ' AM' or ' PM' after the time");
    CHECK(why_not("7/14/2024 2:03:45 Pm") == "expected ' AM' or ' PM' after the time");
    CHECK(why_not("7/14/2024 2:03:45  PM") == "expected ' AM' or ' PM' after the time");
    CHECK(why_not("7/14/2024 2:03:45 XM") == "expected ' AM' or ' PM' after the time");
    CHECK(why_not("7/14/2024 2:03:45 P") == "expected ' AM' or ' PM' after the time");
    CHECK(why_not("7/14/2024 2:03:45 ") == "expected ' AM' or ' PM' after the time");
    CHECK(why_not("7/14/2024 2:03:45PM") == "trailing characters");
    CHECK(why_not("7/14/2024 2:03:45 PM ") == "trailing characters");
    CHECK(why_not("7/14/2024 2:03:45 PMZ") == "trailing characters");
    CHECK(why_not("7/14/2024 2:03:45Z") == "trailing characters");
    CHECK(why_not("7/14/2024 2:03:45.5") == "trailing characters");
    CHECK(why_not("7/14/2024 2:03:45+00:00") == "trailing characters");
    CHECK(why_not("7/14/24 2:03:45") == "expected a 4-digit year");
    CHECK(why_not("7/14/02024 2:03:45") == "expected a 4-digit year");
    CHECK(why_not("7/14/2024  2:03:45") == "expected a 1- or 2-digit hour");
    CHECK(why_not("7/14/2024T2:03:45") == "expected one space after the date");
    CHECK(why_not("7/14/2024") == "expected one space after the date");
    CHECK(why_not("7/14/2024 2:3:45") == "expected 2-digit minutes");
    CHECK(why_not("7/14/2024 2:03:5") == "expected 2-digit seconds");
    CHECK(why_not("7/14/2024 2:03") == "expected ':' after the minutes");
    CHECK(why_not("7/14/2024 2") == "expected ':' after the hour");
    CHECK(why_not("7/14/2024 123:03:45") == "expected ':' after the hour");
    CHECK(why_not("7/14/2024 2:034:45") == "expected ':' after the minutes");
    CHECK(why_not("7/140/2024 2:03:45") == "expected '/' after the day");
    CHECK(why_not("7-14/2024 2:03:45") == "unknown format");
    CHECK(why_not("007/14/2024 2:03:45") == "unknown format");
    CHECK(why_not("7//2024 2:03:45") == "expected a 1- or 2-digit day");
    CHECK(why_not("/7/14/2024 2:03:45") == "expected a 1- or 2-digit month");
    CHECK(why_not("7/14/2024 2:03:45 AM PM") == "trailing characters");
  }
}

TEST_CASE("timestamp: every spelling of the sentinel reads as unset", "[timestamp]") {
  const char* spellings[] = {
      "0001-01-01T00:00:00",
      "0001-01-01T00:00:00Z",
      "0001-01-01T00:00:00+00:00",
      "0001-01-01T00:00:00-00:00",
      "0001-01-01T00:00:00.0",
      "0001-01-01T00:00:00.000000",
      "0001-01-01T00:00:00.0000000",
      "0001-01-01T00:00:00.0000000Z",
      "0001-01-01T00:00:00.0000009Z",
      "0001-01-01T00:00:00.0000000+00:00",
      "0001-01-01T02:00:00+02:00",
      "0000-12-31T23:00:00-01:00",
      "1/1/0001 12:00:00 AM",
      "01/01/0001 00:00:00",
      "1/1/0001 0:00:00",
      "01/01/0001 12:00:00 AM",
  };
  for (const char* text : spellings) {
    INFO(text);
    CHECK(ok(text).is_unset());
    CHECK(ok(text) == timestamp::unset());
  }
  CHECK(timestamp::unset().to_string() == "0001-01-01T00:00:00Z");
  CHECK(ok(timestamp::unset().to_string()).is_unset());
  // Neighbours of the sentinel are real instants.
  CHECK_FALSE(ok("0001-01-01T00:00:00.000001Z").is_unset());
  CHECK_FALSE(ok("0000-12-31T23:59:59.999999Z").is_unset());
  CHECK_FALSE(ok("0001-01-01T00:00:01Z").is_unset());
  CHECK_FALSE(ok("0001-01-01T00:00:00+00:01").is_unset());
  CHECK_FALSE(ok("1/1/0001 12:00:00 PM").is_unset());
}

TEST_CASE("timestamp: canonical text", "[timestamp]") {
  const auto text = [](std::int64_t us) { return timestamp::from_unix_micros(us).to_string(); };
  CHECK(text(0) == "1970-01-01T00:00:00Z");
  CHECK(text(1) == "1970-01-01T00:00:00.000001Z");
  CHECK(text(-1) == "1969-12-31T23:59:59.999999Z");
  CHECK(text(1720964858000000) == "2024-07-14T13:47:38Z");
  CHECK(text(1720661398898593) == "2024-07-11T01:29:58.898593Z");
  CHECK(text(1720964858100000) == "2024-07-14T13:47:38.100000Z");
  CHECK(text(min_us) == "0000-01-01T00:00:00Z");
  CHECK(text(max_us) == "9999-12-31T23:59:59.999999Z");
  CHECK(text(-62135596799999999) == "0001-01-01T00:00:00.000001Z");
  CHECK(ok("2024-07-14T16:03:52+02:00").to_string() == "2024-07-14T14:03:52Z");
  CHECK(ok("2024-07-14T14:03:52.679592+00:00").to_string() == "2024-07-14T14:03:52.679592Z");
  CHECK(ok("7/14/2024 2:03:45 PM").to_string() == "2024-07-14T14:03:45Z");
  CHECK(ok("2024-07-14T14:03:52.5").to_string() == "2024-07-14T14:03:52.500000Z");
  CHECK(ok("2024-07-14T14:03:52.000").to_string() == "2024-07-14T14:03:52Z");

  SECTION("to_chars writes 20 or 27 chars and nothing beyond") {
    char buf[timestamp::max_chars + 4];
    std::fill(std::begin(buf), std::end(buf), '#');
    REQUIRE(timestamp::from_unix_micros(0).to_chars(buf) == 20);
    CHECK(std::string(buf, 20) == "1970-01-01T00:00:00Z");
    CHECK(std::string(buf + 20, sizeof buf - 20) == std::string(sizeof buf - 20, '#'));
    std::fill(std::begin(buf), std::end(buf), '#');
    REQUIRE(timestamp::from_unix_micros(1).to_chars(buf) == timestamp::max_chars);
    CHECK(std::string(buf, 27) == "1970-01-01T00:00:00.000001Z");
    CHECK(std::string(buf + 27, sizeof buf - 27) == std::string(sizeof buf - 27, '#'));
  }
  SECTION("every second of a day, and each digit of the fraction, against printf") {
    const std::int64_t day = 1720915200000000;  // 2024-07-14T00:00:00Z
    const std::int64_t fractions[] = {1,    9,     10,    99,     100,    999,    1000,
                                      9999, 10000, 99999, 100000, 123456, 909090, 999999};
    char expected[64];
    std::int64_t bad = 0;
    for (std::int64_t s = 0; s < 86400; ++s) {
      const std::int64_t fraction = fractions[s % std::size(fractions)];
      std::snprintf(expected, sizeof expected, "2024-07-14T%02d:%02d:%02d.%06dZ",
                    static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                    static_cast<int>(s % 60), static_cast<int>(fraction));
      if (text(day + s * us_per_s + fraction) != expected ||
          text(day + s * us_per_s) != std::string(expected, 19) + "Z") {
        if (++bad <= 5) FAIL_CHECK(expected);
      }
    }
    CHECK(bad == 0);
  }
  SECTION("instants outside years 0000 to 9999 are written clamped") {
    CHECK(text(min_us - 1) == "0000-01-01T00:00:00Z");
    CHECK(text(INT64_MIN) == "0000-01-01T00:00:00Z");
    CHECK(text(max_us + 1) == "9999-12-31T23:59:59.999999Z");
    CHECK(text(INT64_MAX) == "9999-12-31T23:59:59.999999Z");
  }
}

TEST_CASE("timestamp: round trip through the canonical text", "[timestamp]") {
  test::rng rng(20240714);  // fixed seed: the same values with every standard library
  const auto any = [&] { return rng.between(min_us, max_us); };
  const auto near = [&] { return rng.between(-5 * us_per_day, 5 * us_per_day); };
  std::vector<std::int64_t> values = {
      min_us, max_us, timestamp::min_value_unix_micros, 0, 1, -1, max_us - 999999};
  for (int i = 0; i < 100000; ++i) values.push_back(any());
  for (int i = 0; i < 20000; ++i) values.push_back(near());
  for (int i = 0; i < 20000; ++i) values.push_back(any() / us_per_s * us_per_s);  // no fraction
  std::int64_t bad = 0;
  for (std::int64_t us : values) {
    const timestamp t = timestamp::from_unix_micros(us);
    const std::string text = t.to_string();
    timestamp back;
    const char* why = livesend::detail::parse_timestamp(text, back);
    const bool right_length = text.size() == (us % us_per_s == 0 ? 20u : 27u);
    if (why != nullptr || back != t || !right_length) {
      if (++bad <= 5) FAIL_CHECK(us << " -> " << text << ": " << (why ? why : "differs"));
    }
  }
  CHECK(bad == 0);
}

TEST_CASE("timestamp: year range", "[timestamp]") {
  CHECK(micros("0000-01-01T00:00:00Z") == min_us);
  CHECK(micros("9999-12-31T23:59:59.9999999Z") == max_us);
  CHECK(micros("0000-01-01T00:00:00-00:00") == min_us);
  CHECK(micros("0000-01-01T01:00:00+01:00") == min_us);
  CHECK(micros("9999-12-31T22:59:59.999999-01:00") == max_us);
  CHECK(why_not("0000-01-01T00:00:00+00:01") == "outside years 0000 to 9999");
  CHECK(why_not("0000-01-01T00:59:59.999999+01:00") == "outside years 0000 to 9999");
  CHECK(why_not("9999-12-31T23:59:59-00:01") == "outside years 0000 to 9999");
  CHECK(why_not("9999-12-31T23:00:00-01:00") == "outside years 0000 to 9999");
  CHECK(why_not("10000-01-01T00:00:00Z") == "unknown format");
  CHECK(why_not("-0001-01-01T00:00:00Z") == "unknown format");
  CHECK(why_not("+2024-01-01T00:00:00Z") == "unknown format");
}

TEST_CASE("timestamp: malformed text", "[timestamp]") {
  SECTION("empty and unknown") {
    CHECK(why_not("") == "empty text");
    CHECK(why_not(" ") == "unknown format");
    CHECK(why_not("now") == "unknown format");
    CHECK(why_not("null") == "unknown format");
    CHECK(why_not("2024") == "unknown format");
    CHECK(why_not("1720964858") == "unknown format");
    CHECK(why_not("Sun, 14 Jul 2024 13:47:38 GMT") == "unknown format");
    CHECK(why_not(" 2024-07-14T13:47:38Z") == "unknown format");
    CHECK(why_not("20240714T134738Z") == "unknown format");
    CHECK(why_not(std::string_view("\0\0\0\0-", 5)) == "expected a 4-digit year");
  }
  SECTION("ISO fixed positions") {
    CHECK(why_not("2024-07-14 13:47:38Z") == "expected 'T' after the date");
    CHECK(why_not("2024-07-14t13:47:38Z") == "expected 'T' after the date");
    CHECK(why_not("2024-07-14") == "expected 'T' after the date");
    CHECK(why_not("2024-07-14T13:47Z") == "expected ':' after the minutes");
    CHECK(why_not("2024-07-14T13:47") == "expected ':' after the minutes");
    CHECK(why_not("2024-07-14T1:47:38Z") == "expected a 2-digit hour");
    CHECK(why_not("2024-7-14T13:47:38Z") == "expected a 2-digit month");
    CHECK(why_not("2024-07-4T13:47:38Z") == "expected a 2-digit day");
    CHECK(why_not("2024/07/14T13:47:38Z") == "unknown format");
    CHECK(why_not("2024-07/14T13:47:38Z") == "expected '-' after the month");
    CHECK(why_not("2024-07-14T13-47-38Z") == "expected ':' after the hour");
    CHECK(why_not("2024-07-14T13:47-38Z") == "expected ':' after the minutes");
    CHECK(why_not("2024-07-14T13:47:3Z") == "expected 2-digit seconds");
    CHECK(why_not("2024-07-14T13:47:38.123456Zjunk") == "trailing characters");
    CHECK(why_not("2024-07-14T13:47:38\n") ==
          "expected 'Z', '+HH:MM', '-HH:MM' or the end after the time");
  }
  SECTION("a non-digit in every digit position") {
    const std::string valid = "2024-07-14T13:47:38.123456+02:00";
    const std::size_t digit_positions[] = {0,  1,  2,  3,  5,  6,  8,  9,  11, 12, 14, 15,
                                           17, 18, 20, 21, 22, 23, 24, 25, 27, 28, 30, 31};
    for (std::size_t pos : digit_positions) {
      for (char c : {'a', 'O', ' ', '/', '-', ':', 'T', '\0', '\x80'}) {
        std::string text = valid;
        text[pos] = c;
        INFO("text: " << text);
        CHECK_FALSE(why_not(text).empty());
      }
    }
  }
  SECTION("every proper prefix of a valid text is an error or one of its valid forms") {
    struct cut_case {
      std::string text;
      std::vector<std::size_t> valid_lengths;  // prefixes that are themselves accepted
    };
    const cut_case cases[] = {
        {"2024-07-14T13:47:38.898593+02:00", {19, 21, 22, 23, 24, 25, 26}},
        {"2024-07-14T13:47:38.1234567Z", {19, 21, 22, 23, 24, 25, 26, 27}},
        {"2024-07-14T13:47:38Z", {19}},
        {"2024-07-14T13:47:38-11:30", {19}},
        {"7/14/2024 2:03:45 PM", {17}},
        {"07/14/2024 14:03:45", {}},
        {"12/31/2024 11:59:59 AM", {19}},
    };
    for (const cut_case& c : cases) {
      REQUIRE(why_not(c.text).empty());
      for (std::size_t n = 0; n < c.text.size(); ++n) {
        const std::string prefix = c.text.substr(0, n);
        const bool should_parse =
            std::find(c.valid_lengths.begin(), c.valid_lengths.end(), n) != c.valid_lengths.end();
        INFO("prefix: \"" << prefix << "\"");
        CHECK(why_not(prefix).empty() == should_parse);
      }
    }
  }
  SECTION("text after a valid timestamp") {
    for (const char* valid : {"2024-07-14T13:47:38Z", "2024-07-14T13:47:38+02:00",
                              "2024-07-14T13:47:38.5Z", "7/14/2024 2:03:45 PM"}) {
      for (const char* extra : {" ", "x", "Z", "0", "\n", ".", " PM"}) {
        const std::string text = std::string(valid) + extra;
        INFO("text: " << text);
        CHECK_FALSE(why_not(text).empty());
      }
    }
    // Without a zone, a digit continues the seconds field or fraction instead.
    CHECK(why_not("2024-07-14T13:47:380") ==
          "expected 'Z', '+HH:MM', '-HH:MM' or the end after the time");
  }
}

TEST_CASE("timestamp: the public parse_timestamp", "[timestamp]") {
  SECTION("success") {
    const livesend::result<timestamp> r = livesend::parse_timestamp("2024-07-14T13:47:38Z");
    REQUIRE(r.has_value());
    CHECK(r.error().ok());
    CHECK(r->unix_micros() == 1720964858000000);
    CHECK(livesend::parse_timestamp("0001-01-01T00:00:00")->is_unset());
  }
  SECTION("failure carries code, location and a message quoting the input") {
    const auto r = livesend::parse_timestamp("2024-02-30T00:00:00Z");
    REQUIRE_FALSE(r.has_value());
    const livesend::error& e = r.error();
    CHECK(e.code() == livesend::error_code::invalid_timestamp);
    CHECK(e.path().empty());
    CHECK(e.offset() == 0);
    CHECK(e.line() == 1);
    CHECK(e.message() ==
          "invalid timestamp \"2024-02-30T00:00:00Z\": day does not exist in that month");
  }
  SECTION("every error has the same shape") {
    for (const char* text : {"", "2024-07-14T24:00:00Z", "7/14/2024 0:00:00 AM", "garbage"}) {
      const auto r = livesend::parse_timestamp(text);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code() == livesend::error_code::invalid_timestamp);
      timestamp ignored;
      const std::string reason = livesend::detail::parse_timestamp(text, ignored);
      CHECK(r.error().message() == "invalid timestamp \"" + std::string(text) + "\": " + reason);
    }
    CHECK(livesend::parse_timestamp("").error().message() == "invalid timestamp \"\": empty text");
  }
  SECTION("long input is cut to 40 bytes") {
    const std::string text = "2024-07-14T13:47:38.123456Z and then a long tail of junk";
    const auto r = livesend::parse_timestamp(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message() ==
          "invalid timestamp \"" + text.substr(0, 40) + "...\": trailing characters");
    const std::string forty(40, '9');
    CHECK(livesend::parse_timestamp(forty).error().message() ==
          "invalid timestamp \"" + forty + "\": unknown format");
    CHECK(livesend::parse_timestamp(forty + "9").error().message() ==
          "invalid timestamp \"" + forty + "...\": unknown format");
  }
  SECTION("quotes and control characters are escaped onto one line") {
    const auto r = livesend::parse_timestamp("2024-07-14T13:47:38Z\r\n\"x\\\x7f\xc3\xa9");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message() ==
          "invalid timestamp \"2024-07-14T13:47:38Z\\x0d\\x0a\\\"x\\\\\\x7f\\xc3\\xa9\": "
          "trailing characters");
    const auto nul = livesend::parse_timestamp(std::string_view("\0", 1));
    CHECK(nul.error().message() == "invalid timestamp \"\\x00\": unknown format");
    for (const char c : r.error().message()) {
      CHECK((c >= 0x20 && c < 0x7f));
    }
  }
  SECTION("value() on an error") {
    auto r = livesend::parse_timestamp("2024-07-14T13:47:38z");
    CHECK_THROWS_AS(r.value(), livesend::parse_error);
    try {
      (void)r.value();
    } catch (const livesend::parse_error& e) {
      CHECK(e.error() == r.error());
      CHECK(std::string(e.what()) ==
            "offset 0: invalid timestamp \"2024-07-14T13:47:38z\": expected 'Z', '+HH:MM', "
            "'-HH:MM' or the end after the time");
    }
  }
}

namespace {

// The general parser alone, without the fast path: parse_timestamp as it was before it, which
// still gives every reason and reads every form the fast path leaves.
const char* general_parse(std::string_view text, timestamp& out) {
  if (text.size() > 4 && text[4] == '-') {
    std::int64_t us = 0;
    const char* why = livesend::detail::parse_iso_timestamp(text, us);
    if (why == nullptr) out = timestamp::from_unix_micros(us);
    return why;
  }
  return livesend::detail::parse_timestamp(text, out);  // no fast path for the other forms
}

// Is the text in the ISO form the fast path is for? (What the general parser dispatches on.)
bool iso_form(std::string_view text) { return text.size() > 4 && text[4] == '-'; }

// Compares, for one text, parse_timestamp and the fast path as the field reader runs it (on the
// text between quotes in a padded input) with the general parser. Returns "" or what differs.
std::string fast_path_differs(const std::string& text) {
  timestamp general = timestamp::from_unix_micros(1);
  const char* general_why = general_parse(text, general);
  timestamp t = timestamp::from_unix_micros(2);
  const char* why = livesend::detail::parse_timestamp(text, t);
  if ((why == nullptr) != (general_why == nullptr) ||
      (why != nullptr ? std::strcmp(why, general_why) != 0 : t != general)) {
    return "parse_timestamp: " + std::string(why ? why : t.to_string()) +
           ", general parser: " + (general_why ? general_why : general.to_string());
  }
  // As in a JSON string: the text, its closing quote, then whatever follows in the input and
  // its padding (here chars the fast path would take, were it to read on). A quote in the text
  // would end the string there (JSON writes it escaped, \", which the backslash case covers).
  if (text.find('"') != std::string::npos) return "";
  const std::string raw = text + "\"0123456789.+-:TZ\"0123456789.+-:TZ\"0123456789.+-:TZ";
  std::int64_t r_us = 3;
  const std::size_t n =
      livesend::detail::parse_iso_fast(livesend::detail::padded_chars{raw.data()}, r_us);
  const timestamp r = timestamp::from_unix_micros(r_us);
  const bool taken = n != 0 && raw[n] == '"';
  const bool plain = text.find('\\') == std::string::npos;
  if (taken && !(plain && n == text.size() && general_why == nullptr && r == general)) {
    return "the fast path takes it as " + r.to_string() + " (" + std::to_string(n) + " chars)";
  }
  // Every valid ISO text is the fast path's: the general parser sees only the rest.
  if (!taken && plain && general_why == nullptr && iso_form(text)) {
    return "the fast path leaves a valid ISO text";
  }
  return "";
}

}  // namespace

TEST_CASE("timestamp: the fast path reads the valid ISO texts exactly, the rest is left",
          "[timestamp][fast]") {
  // parse_timestamp and the field reader try parse_iso_fast first and fall back to the general
  // parser. Over texts one edit away from valid ones of every shape (each byte replaced by every
  // value, inserted or removed, every prefix): the result (instant or reason) is the general
  // parser's, the fast path takes no text the general parser refuses or reads otherwise, and it
  // takes every valid ISO one.
  const std::string valid[] = {
      "2024-07-14T13:47:38Z", "2024-07-14T13:47:38", "2024-07-14T13:47:38+02:00",
      "2024-07-14T13:47:38-00:00", "2024-07-14T13:47:38.1Z", "2024-07-14T13:47:38.12",
      "2024-07-14T13:47:38.123+05:30", "2024-07-14T13:47:38.1234Z",
      "2024-07-14T13:47:38.12345-11:59", "2024-07-14T13:47:38.123456Z",
      "2024-07-14T13:47:38.1234567Z", "2024-07-14T13:47:38.1234567+23:59",
      "2024-07-14T13:47:38.1234567", "2024-07-11T01:29:58.898593Z",
      // DateTime.MinValue and the ends of the range
      "0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000",
      "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.0000000+00:00", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.9999999Z", "0000-01-01T01:00:00+01:00", "9999-12-31T22:59:59-01:00",
      // leap days, month ends, offsets across a day and a year
      "2024-02-29T23:59:59.999999-23:59", "2023-02-28T00:00:00+00:01", "2000-02-29T12:00:00Z",
      "1900-02-28T12:00:00Z", "2024-12-31T23:30:00-03:00", "2025-01-01T00:30:00+02:00",
      "2024-01-31T00:00:00Z", "2024-04-30T00:00:00Z", "2024-09-09T09:09:09.9+09:09",
      // the other forms: left whole to the general parser
      "1/1/0001 12:00:00 AM", "7/14/2024 2:03:45 PM", "07/14/2024 14:03:45"};
  const std::string bytes = test::every_byte();
  std::int64_t texts = 0, bad = 0;
  const auto check = [&](const std::string& text) {
    ++texts;
    const std::string diff = fast_path_differs(text);
    if (!diff.empty() && ++bad <= 10)
      FAIL_CHECK(livesend::detail::quote_for_message(text, 64) << ": " << diff);
  };
  for (const std::string& text : valid) {
    REQUIRE(why_not(text).empty());
    for (const std::string& near : test::near_texts(text, bytes)) check(near);
  }
  // Every value of every field, in and out of range.
  char text[64];
  for (int y = 0; y <= 9999; ++y) {
    std::snprintf(text, sizeof text, "%04d-02-29T12:34:56.5+01:00", y);
    check(text);
  }
  for (int m = 0; m < 100; ++m) {
    for (int d = 0; d < 100; ++d) {
      std::snprintf(text, sizeof text, "2023-%02d-%02dT00:00:00Z", m, d);
      check(text);
      std::snprintf(text, sizeof text, "2024-%02d-%02dT00:00:00", m, d);
      check(text);
    }
  }
  for (int a = 0; a < 100; ++a) {
    for (int b = 0; b < 100; ++b) {
      std::snprintf(text, sizeof text, "2024-07-14T%02d:%02d:%02dZ", a, b, (a * 7 + b) % 100);
      check(text);
      std::snprintf(text, sizeof text, "0000-01-01T00:00:00.000001+%02d:%02d", a, b);
      check(text);
      std::snprintf(text, sizeof text, "9999-12-31T23:59:59.999999-%02d:%02d", a, b);
      check(text);
    }
  }
  for (int f = 0; f < 10000000; f += 997) {
    for (int digits = 1; digits <= 7; ++digits) {
      std::snprintf(text, sizeof text, "2024-07-14T13:47:38.%07d", f);
      text[20 + digits] = '\0';
      check(text);
    }
  }
  CHECK(bad == 0);
  CHECK(texts > 500000);
}
