// livesend/timestamp.hpp: the timestamp type, its parser and its canonical text.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "livesend/error.hpp"

namespace livesend {

namespace detail {

constexpr std::int64_t micros_per_second = 1000000;
constexpr std::int64_t micros_per_day = 86400 * micros_per_second;

constexpr bool is_leap_year(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Days in month `m` (1..12) of year `y`, proleptic Gregorian.
constexpr int days_in_month(int y, int m) noexcept {
  // 31 for odd months up to July and even months from August on.
  return m == 2 ? 28 + is_leap_year(y) : 30 + ((m + (m >> 3)) & 1);
}

/// Days from 1970-01-01 to the date y-m-d, proleptic Gregorian. Valid for years 0 to 9999
/// (in fact for any y >= 0); m in 1..12, d in 1..31.
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
  // Count years from March so that the leap day is the last day of the year; shift by one
  // 400-year cycle (146097 days) so that January and February of year 0 stay non-negative.
  const std::int64_t yy = y - (m <= 2) + 400;
  const std::int64_t mp = (m + 9) % 12;  // March = 0 .. February = 11
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
  // 719468: days from 0000-03-01 to 1970-01-01.
  return 365 * yy + yy / 4 - yy / 100 + yy / 400 + doy - 719468 - 146097;
}

struct civil_date {
  int year, month, day;
};

/// The inverse of days_from_civil, for days within years 0 to 9999.
constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468 + 146097;  // days from -0400-03-01, >= 0 in range
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 - 400 + (month <= 2));
  return {year, month, day};
}

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z in microseconds since the Unix epoch.
constexpr std::int64_t min_instant_micros = days_from_civil(0, 1, 1) * micros_per_day;
constexpr std::int64_t max_instant_micros = days_from_civil(10000, 1, 1) * micros_per_day - 1;

}  // namespace detail

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
    const std::int64_t secs = rem / detail::micros_per_second;
    const std::int64_t frac = rem % detail::micros_per_second;

    put_digits(out, date.year, 4);
    out[4] = '-';
    put_digits(out + 5, date.month, 2);
    out[7] = '-';
    put_digits(out + 8, date.day, 2);
    out[10] = 'T';
    put_digits(out + 11, secs / 3600, 2);
    out[13] = ':';
    put_digits(out + 14, secs / 60 % 60, 2);
    out[16] = ':';
    put_digits(out + 17, secs % 60, 2);
    if (frac == 0) {
      out[19] = 'Z';
      return 20;
    }
    out[19] = '.';
    put_digits(out + 20, frac, 6);
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
  static void put_digits(char* out, std::int64_t value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
      out[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  }

  std::int64_t us_ = min_value_unix_micros;
};

static_assert(detail::days_from_civil(1970, 1, 1) == 0, "epoch");
static_assert(detail::days_from_civil(1, 1, 1) * detail::micros_per_day ==
                  timestamp::min_value_unix_micros,
              "DateTime.MinValue");
static_assert(detail::civil_from_days(detail::days_from_civil(0, 2, 29)).day == 29, "year 0");

namespace detail {

/// The value of an ASCII digit; more than 9 for any other char.
constexpr unsigned digit_value(char c) noexcept {
  return static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
}

constexpr bool is_digit(char c) noexcept { return digit_value(c) <= 9; }

/// Reads exactly two digits at `p` into `value`.
constexpr bool read_2_digits(const char* p, int& value) noexcept {
  const unsigned hi = digit_value(p[0]);
  const unsigned lo = digit_value(p[1]);
  value = static_cast<int>(hi * 10 + lo);
  return hi <= 9 && lo <= 9;
}

/// Checks the fields, applies the offset (minutes east of UTC) and stores the instant.
constexpr const char* make_timestamp(int year, int month, int day, int hour, int minute, int second,
                                     std::int64_t micros, int offset_minutes,
                                     timestamp& out) noexcept {
  if (month < 1 || month > 12) return "month out of range";
  if (day < 1 || day > 31) return "day out of range";
  if (day > days_in_month(year, month)) return "day does not exist in that month";
  if (hour > 23) return "hour out of range";
  if (minute > 59) return "minute out of range";
  if (second > 59) return "second out of range";
  const std::int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 +
                            (minute - offset_minutes) * 60 + second;
  const std::int64_t us = secs * micros_per_second + micros;
  if (us < min_instant_micros || us > max_instant_micros) return "outside years 0000 to 9999";
  out = timestamp::from_unix_micros(us);
  return nullptr;
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z|+HH:MM|-HH:MM]`; the caller saw '-' at index 4.
inline const char* parse_iso_timestamp(std::string_view text, timestamp& out) noexcept {
  constexpr std::size_t fixed = 19;  // "YYYY-MM-DDTHH:MM:SS"
  // A short text is checked on a NUL-padded copy so that the fixed-position checks below
  // need no bounds checks and still name the first missing part.
  char padded[fixed];
  const char* p = text.data();
  if (text.size() < fixed) {
    for (std::size_t i = 0; i < fixed; ++i) padded[i] = i < text.size() ? text[i] : '\0';
    p = padded;
  }
  int y_hi = 0, y_lo = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_2_digits(p, y_hi) || !read_2_digits(p + 2, y_lo)) return "expected a 4-digit year";
  if (!read_2_digits(p + 5, month)) return "expected a 2-digit month";
  if (p[7] != '-') return "expected '-' after the month";
  if (!read_2_digits(p + 8, day)) return "expected a 2-digit day";
  if (p[10] != 'T') return "expected 'T' after the date";
  if (!read_2_digits(p + 11, hour)) return "expected a 2-digit hour";
  if (p[13] != ':') return "expected ':' after the hour";
  if (!read_2_digits(p + 14, minute)) return "expected 2-digit minutes";
  if (p[16] != ':') return "expected ':' after the minutes";
  if (!read_2_digits(p + 17, second)) return "expected 2-digit seconds";

  const char* it = text.data() + fixed;
  const char* const end = text.data() + text.size();
  std::int64_t micros = 0;
  if (it < end && *it == '.') {
    ++it;
    const char* const digits = it;
    for (; it < end && is_digit(*it); ++it) {
      if (it - digits < 6) micros = micros * 10 + digit_value(*it);  // the 7th is dropped
    }
    const std::ptrdiff_t n = it - digits;
    if (n < 1 || n > 7) return "fraction needs 1 to 7 digits";
    for (std::ptrdiff_t i = n; i < 6; ++i) micros *= 10;
  }

  int offset_minutes = 0;
  if (it < end) {
    if (*it == 'Z') {
      ++it;
    } else if (*it == '+' || *it == '-') {
      const bool negative = *it == '-';
      int off_hour = 0, off_minute = 0;
      if (end - it < 6 || !read_2_digits(it + 1, off_hour) || it[3] != ':' ||
          !read_2_digits(it + 4, off_minute)) {
        return "offset must be +HH:MM or -HH:MM";
      }
      if (off_hour > 23) return "offset hour out of range";
      if (off_minute > 59) return "offset minutes out of range";
      offset_minutes = (off_hour * 60 + off_minute) * (negative ? -1 : 1);
      it += 6;
    } else {
      return "expected 'Z', '+HH:MM', '-HH:MM' or the end after the time";
    }
    if (it != end) return "trailing characters";
  }
  return make_timestamp(y_hi * 100 + y_lo, month, day, hour, minute, second, micros, offset_minutes,
                        out);
}

/// `M/D/YYYY H:MM:SS[ AM| PM]`; the caller saw '/' at index 1 or 2.
inline const char* parse_dotnet_timestamp(std::string_view text, timestamp& out) noexcept {
  std::size_t i = 0;
  const auto at = [&](std::size_t k) noexcept { return k < text.size() ? text[k] : '\0'; };
  // One or two digits at i, advancing i.
  const auto read_1_or_2 = [&](int& value) noexcept {
    if (!is_digit(at(i))) return false;
    value = static_cast<int>(digit_value(at(i++)));
    if (is_digit(at(i))) value = value * 10 + static_cast<int>(digit_value(at(i++)));
    return true;
  };
  const auto read_2 = [&](int& value) noexcept {
    if (!is_digit(at(i)) || !is_digit(at(i + 1))) return false;
    value = static_cast<int>(digit_value(at(i)) * 10 + digit_value(at(i + 1)));
    i += 2;
    return true;
  };
  int month = 0, day = 0, y_hi = 0, y_lo = 0, hour = 0, minute = 0, second = 0;
  if (!read_1_or_2(month)) return "expected a 1- or 2-digit month";
  if (at(i++) != '/') return "expected '/' after the month";
  if (!read_1_or_2(day)) return "expected a 1- or 2-digit day";
  if (at(i++) != '/') return "expected '/' after the day";
  if (!read_2(y_hi) || !read_2(y_lo) || is_digit(at(i))) return "expected a 4-digit year";
  if (at(i++) != ' ') return "expected one space after the date";
  if (!read_1_or_2(hour)) return "expected a 1- or 2-digit hour";
  if (at(i++) != ':') return "expected ':' after the hour";
  if (!read_2(minute)) return "expected 2-digit minutes";
  if (at(i++) != ':') return "expected ':' after the minutes";
  if (!read_2(second)) return "expected 2-digit seconds";
  if (i < text.size()) {
    if (text[i] != ' ') return "trailing characters";
    const char a = at(i + 1);
    if ((a != 'A' && a != 'P') || at(i + 2) != 'M') return "expected ' AM' or ' PM' after the time";
    if (i + 3 != text.size()) return "trailing characters";
    if (hour < 1 || hour > 12) return "hour out of range for AM/PM";
    hour = hour % 12 + (a == 'P' ? 12 : 0);
  }
  return make_timestamp(y_hi * 100 + y_lo, month, day, hour, minute, second, 0, 0, out);
}

/// Hot-path parser, no allocation, no exceptions. Accepts the forms of the contract's "ts"
/// type. On success stores into `out` and returns nullptr; on failure leaves `out` unspecified
/// and returns a static, human-readable reason such as "day does not exist in that month".
inline const char* parse_timestamp(std::string_view text, timestamp& out) noexcept {
  if (text.size() > 4 && text[4] == '-') return parse_iso_timestamp(text, out);
  if ((text.size() > 1 && text[1] == '/') || (text.size() > 2 && text[2] == '/')) {
    return parse_dotnet_timestamp(text, out);
  }
  return text.empty() ? "empty text" : "unknown format";
}

/// `text` between double quotes, cut to `max_bytes` (then "..." inside the quotes), with
/// quotes, backslashes, control and non-ASCII bytes escaped so it stays one printable line.
inline std::string quote_for_message(std::string_view text, std::size_t max_bytes = 40) {
  constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  const std::size_t n = text.size() < max_bytes ? text.size() : max_bytes;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace detail

/// Parses a timestamp in one of the contract's forms (ISO 8601 / RFC 3339 or the .NET general
/// format); text denoting 0001-01-01T00:00:00Z gives unset(). On failure the error has code
/// `error_code::invalid_timestamp`, an empty path, offset 0, line 1 and a message such as
/// `invalid timestamp "2024-02-30T00:00:00Z": day does not exist in that month` (the input is
/// quoted, escaped and cut to 40 bytes). Callers that parse a field re-locate the error.
inline result<timestamp> parse_timestamp(std::string_view text) {
  timestamp ts;
  if (const char* why = detail::parse_timestamp(text, ts)) {
    return error(error_code::invalid_timestamp, std::string(), 0, 1,
                 "invalid timestamp " + detail::quote_for_message(text) + ": " + why);
  }
  return ts;
}

}  // namespace livesend
