// livesend/timestamp.hpp: the timestamp type, its parser and its canonical text.
//
// Threads: a `timestamp` is plain data (8 bytes, trivially copyable); the functions here keep no
// state, so any thread may call them at any time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "livesend/detail/json_text.hpp"
#include "livesend/detail/timestamp_text.hpp"
#include "livesend/error.hpp"

namespace livesend {

/// A UTC instant with microsecond precision, or the .NET DateTime.MinValue sentinel meaning
/// "unset".
///
/// Unset is represented by the instant 0001-01-01T00:00:00Z itself, so any text that denotes
/// that instant reads as unset, and an unset timestamp writes as "0001-01-01T00:00:00Z".
/// Trivially copyable, 8 bytes.
class timestamp {
 public:
  /// Microseconds since 1970-01-01T00:00:00Z on the system clock.
  using time_point = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

  /// Microseconds since the Unix epoch of 0001-01-01T00:00:00Z (DateTime.MinValue).
  static constexpr std::int64_t min_value_unix_micros = -62135596800000000;

  /// The longest canonical text, "YYYY-MM-DDTHH:MM:SS.ffffffZ".
  static constexpr std::size_t max_chars = 27;

  /// An unset timestamp, same as unset().
  constexpr timestamp() noexcept = default;

  /// The "unset" sentinel (DateTime.MinValue).
  static constexpr timestamp unset() noexcept { return timestamp(); }

  /// The instant `us` microseconds after 1970-01-01T00:00:00Z. `min_value_unix_micros` gives
  /// unset(). Any value is accepted; see to_chars for values outside years 0000 to 9999.
  static constexpr timestamp from_unix_micros(std::int64_t us) noexcept {
    timestamp t;
    t.us_ = us;
    return t;
  }

  /// The instant `tp`; the time point of 0001-01-01T00:00:00Z gives unset().
  static timestamp from_time_point(time_point tp) noexcept {
    return from_unix_micros(tp.time_since_epoch().count());
  }

  /// True for the sentinel (DateTime.MinValue).
  constexpr bool is_unset() const noexcept { return us_ == min_value_unix_micros; }

  /// Microseconds since the Unix epoch; `min_value_unix_micros` for unset.
  constexpr std::int64_t unix_micros() const noexcept { return us_; }

  /// The instant as a system-clock time point (for unset: 0001-01-01T00:00:00Z).
  time_point to_time_point() const noexcept { return time_point(std::chrono::microseconds(us_)); }

  /// Writes the canonical text: `YYYY-MM-DDTHH:MM:SSZ` when the microseconds are zero, else
  /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (exactly six digits); unset writes "0001-01-01T00:00:00Z".
  /// `out` must have room for max_chars; no terminating NUL is written. Returns the number of
  /// chars written (20 or 27). An instant outside years 0000 to 9999 (which the parser never
  /// produces) is written as the nearest end of that range.
  std::size_t to_chars(char* out) const noexcept {
    std::int64_t us = us_ < detail::min_instant_micros   ? detail::min_instant_micros
                      : us_ > detail::max_instant_micros ? detail::max_instant_micros
                                                         : us_;
    // Floor division: the time of day is never negative.
    std::int64_t days = us / detail::micros_per_day;
    std::int64_t rem = us - days * detail::micros_per_day;
    if (rem < 0) {
      --days;
      rem += detail::micros_per_day;
    }
    const detail::civil_date date = detail::civil_from_days(days);
    const auto secs = static_cast<std::uint32_t>(rem / detail::micros_per_second);  // < 86400
    const auto frac = static_cast<std::uint32_t>(rem % detail::micros_per_second);  // < 10^6
    const auto year = static_cast<std::uint32_t>(date.year);                        // 0 to 9999

    put_2_digits(out, year / 100);
    put_2_digits(out + 2, year % 100);
    out[4] = '-';
    put_2_digits(out + 5, static_cast<std::uint32_t>(date.month));
    out[7] = '-';
    put_2_digits(out + 8, static_cast<std::uint32_t>(date.day));
    out[10] = 'T';
    put_2_digits(out + 11, secs / 3600);
    out[13] = ':';
    put_2_digits(out + 14, secs / 60 % 60);
    out[16] = ':';
    put_2_digits(out + 17, secs % 60);
    if (frac == 0) {
      out[19] = 'Z';
      return 20;
    }
    out[19] = '.';
    put_2_digits(out + 20, frac / 10000);
    put_2_digits(out + 22, frac / 100 % 100);
    put_2_digits(out + 24, frac % 100);
    out[26] = 'Z';
    return 27;
  }

  /// The canonical text, as written by to_chars.
  std::string to_string() const {
    char buf[max_chars];
    return std::string(buf, to_chars(buf));
  }

  friend constexpr bool operator==(timestamp a, timestamp b) noexcept { return a.us_ == b.us_; }
  friend constexpr bool operator!=(timestamp a, timestamp b) noexcept { return a.us_ != b.us_; }
  friend constexpr bool operator<(timestamp a, timestamp b) noexcept { return a.us_ < b.us_; }
  friend constexpr bool operator<=(timestamp a, timestamp b) noexcept { return a.us_ <= b.us_; }
  friend constexpr bool operator>(timestamp a, timestamp b) noexcept { return a.us_ > b.us_; }
  friend constexpr bool operator>=(timestamp a, timestamp b) noexcept { return a.us_ >= b.us_; }

 private:
  /// Writes `value` (below 100) as two decimal digits, from a table of the hundred pairs.
  static void put_2_digits(char* out, std::uint32_t value) noexcept {
    static constexpr char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    out[0] = pairs[2 * value];
    out[1] = pairs[2 * value + 1];
  }

  std::int64_t us_ = min_value_unix_micros;
};

static_assert(timestamp::min_value_unix_micros == detail::min_value_micros, "DateTime.MinValue");

/// Parses a timestamp in one of the contract's forms (ISO 8601 / RFC 3339 or the .NET general
/// format); text denoting 0001-01-01T00:00:00Z gives unset(). On failure the error has code
/// `error_code::invalid_timestamp`, an empty path, offset 0, line 1 and a message such as
/// `invalid timestamp "2024-02-30T00:00:00Z": day does not exist in that month` (the input is
/// quoted, escaped and cut to 40 bytes). Callers that parse a field re-locate the error.
inline result<timestamp> parse_timestamp(std::string_view text) {
  std::int64_t us = 0;
  if (const char* why = detail::parse_timestamp_text(text, us)) {
    return error(error_code::invalid_timestamp, std::string(), 0, 1,
                 "invalid timestamp " + detail::quote_for_message(text) + ": " + why);
  }
  return timestamp::from_unix_micros(us);
}

namespace detail {

/// Hot-path parser, no allocation, no exceptions. Accepts the forms of the contract's "ts"
/// type. On success stores into `out` and returns nullptr; on failure leaves `out` unchanged
/// and returns a static, human-readable reason such as "day does not exist in that month".
inline const char* parse_timestamp(std::string_view text, timestamp& out) noexcept {
  std::int64_t us = 0;
  const char* why = parse_timestamp_text(text, us);
  if (why == nullptr) out = timestamp::from_unix_micros(us);
  return why;
}

}  // namespace detail

}  // namespace livesend
