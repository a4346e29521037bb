// livesend/detail/timestamp_text.hpp: the calendar and the timestamp text parsers (ISO 8601 /
// RFC 3339, .NET's general format, and the ISO fast path with word loads). They produce
// microseconds since the Unix epoch; livesend/timestamp.hpp wraps them in the timestamp type.
// No allocation, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "livesend/detail/config.hpp"

namespace livesend::detail {

constexpr std::int64_t micros_per_second = 1000000;
constexpr std::int64_t micros_per_day = 86400 * micros_per_second;

constexpr bool is_leap_year(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Days in month `m` (1..12) of year `y`, proleptic Gregorian.
constexpr int days_in_month(int y, int m) noexcept {
  // 31 for odd months up to July and even months from August on.
  return m == 2 ? 28 + is_leap_year(y) : 30 + ((m + (m >> 3)) & 1);
}

/// Days from 1970-01-01 to the date y-m-d, proleptic Gregorian. Valid for years 0 to 9999
/// (in fact for years 0 to 2,000,000); m in 1..12, d in 1..31.
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
  // Count years from March so that the leap day is the last day of the year; shift by one
  // 400-year cycle (146097 days) so that January and February of year 0 stay non-negative.
  // Unsigned 32-bit arithmetic: the divisions by constants become a multiply and a shift.
  const std::uint32_t jan_feb = m <= 2 ? 1 : 0;
  const std::uint32_t yy = static_cast<std::uint32_t>(y) + 400 - jan_feb;
  const std::uint32_t mm = static_cast<std::uint32_t>(m) + 12 * jan_feb;  // March = 3 .. Feb = 14
  const std::uint32_t centuries = yy / 100;
  // 1461 * yy / 4 is 365 * yy + yy / 4; (979 * mm - 2919) / 32 is the number of days from March
  // 1 to the first of month mm (Neri and Schneider's form of (153 * (mm - 3) + 2) / 5).
  const std::uint32_t days = 1461 * yy / 4 - centuries + centuries / 4 + (979 * mm - 2919) / 32 +
                             static_cast<std::uint32_t>(d) - 1;
  // 719468: days from 0000-03-01 to 1970-01-01.
  return static_cast<std::int64_t>(days) - 719468 - 146097;
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

/// Microseconds since the Unix epoch of 0001-01-01T00:00:00Z (.NET DateTime.MinValue, "unset").
inline constexpr std::int64_t min_value_micros = -62135596800000000;

static_assert(days_from_civil(1970, 1, 1) == 0, "epoch");
static_assert(days_from_civil(1, 1, 1) * micros_per_day == min_value_micros, "DateTime.MinValue");
static_assert(civil_from_days(days_from_civil(0, 2, 29)).day == 29, "year 0");

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

/// Why the fields are not a date and time of day, in the order checked; nullptr when they are.
constexpr const char* field_error(int year, int month, int day, int hour, int minute,
                                  int second) noexcept {
  if (month < 1 || month > 12) return "month out of range";
  if (day < 1 || day > 31) return "day out of range";
  if (day > days_in_month(year, month)) return "day does not exist in that month";
  if (hour > 23) return "hour out of range";
  if (minute > 59) return "minute out of range";
  if (second > 59) return "second out of range";
  return nullptr;
}

/// Checks the fields, applies the offset (minutes east of UTC) and stores the instant.
constexpr const char* make_timestamp(int year, int month, int day, int hour, int minute, int second,
                                     std::int64_t micros, int offset_minutes,
                                     std::int64_t& out) noexcept {
  // One test for the usual case, a day that every month has (1 to 28) and a time in range; the
  // checks one by one only otherwise (a 29th to 31st day, or an error).
  const bool usual = (static_cast<unsigned>(month - 1) < 12) &
                     (static_cast<unsigned>(day - 1) < 28) & (static_cast<unsigned>(hour) < 24) &
                     (static_cast<unsigned>(minute) < 60) & (static_cast<unsigned>(second) < 60);
  if (!usual) {
    if (const char* why = field_error(year, month, day, hour, minute, second)) return why;
  }
  const std::int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 +
                            (minute - offset_minutes) * 60 + second;
  const std::int64_t us = secs * micros_per_second + micros;
  if (us < min_instant_micros || us > max_instant_micros) return "outside years 0000 to 9999";
  out = us;
  return nullptr;
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z|+HH:MM|-HH:MM]`; the caller saw '-' at index 4.
inline const char* parse_iso_timestamp(std::string_view text, std::int64_t& out) noexcept {
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
inline const char* parse_dotnet_timestamp(std::string_view text, std::int64_t& out) noexcept {
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

// --- The fast path: the ISO form with word loads ---------------------------------------------
//
// Nearly every timestamp is `YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z|+HH:MM|-HH:MM]`. parse_iso_fast
// checks and converts its fixed positions with a few 64-bit loads instead of a char at a time,
// and leaves everything else (the .NET form, any error) to the parsers above, which give the
// reasons. It reads whole words at fixed places whatever the text's length: through
// padded_chars where that many bytes are readable (a JSON string inside simdjson's padded
// input), else through bounded_chars.

/// Bytes parse_iso_fast may read at the start of its text: the 19 fixed chars, then the
/// fraction's 8-byte word at 20 and the offset's at 27 at the latest (after 7 fraction digits).
constexpr std::size_t iso_fast_reads = 35;
/// The longest text parse_iso_fast accepts: `YYYY-MM-DDTHH:MM:SS.fffffff+HH:MM`.
constexpr std::size_t iso_fast_max_size = 33;

/// A layout of 8 chars for one 64-bit load: 'd' is an ASCII digit, '?' any byte, any other char
/// itself. `mismatch(word, values)` stores into `values` the word xor-ed with '0' at the digits
/// (so a digit becomes its value 0..9) and with the char at the literals (so a match becomes 0),
/// and zero at the '?'. Then each checked byte must be at most its limit, 9 or 0: adding
/// 0x7f - limit sets the byte's top bit exactly when it is above the limit, and or-ing the byte
/// itself catches bytes of 0x80 and more (whose sum may carry into the next byte, but that
/// byte's own check has failed already). The result has 0x80 set in every byte that does not fit,
/// exact up to and including the first such byte.
struct word_layout {
  std::uint64_t key = 0;
  std::uint64_t care = 0;
  std::uint64_t bias = 0;

  constexpr explicit word_layout(const char (&layout)[9]) noexcept {
    for (int i = 7; i >= 0; --i) {
      const char c = layout[i];
      const unsigned char k = c == 'd' ? '0' : c == '?' ? 0 : static_cast<unsigned char>(c);
      key = key << 8 | k;
      care = care << 8 | (c == '?' ? 0 : 0xff);
      bias = bias << 8 | (c == 'd' ? 0x7f - 9 : c == '?' ? 0 : 0x7f);
    }
  }

  constexpr std::uint64_t mismatch(std::uint64_t word, std::uint64_t& values) const noexcept {
    values = (word ^ key) & care;
    return ((values + bias) | values) & 0x8080808080808080;
  }
};

/// Two-digit numbers from digit values: byte i of the result is 10 * byte i + byte i+1 (at most
/// 99, so no byte carries into the next).
constexpr std::uint64_t digit_pairs(std::uint64_t values) noexcept {
  return values * 10 + (values >> 8);
}

constexpr int byte_at(std::uint64_t word, int i) noexcept {
  return static_cast<int>((word >> (8 * i)) & 0xff);
}

/// The number written by 8 digit values, byte 0 the most significant (Lemire's SWAR method, as
/// in simdjson's parse_eight_digits_unrolled).
constexpr std::uint32_t eight_digits(std::uint64_t values) noexcept {
  // Each step multiplies by 1 + scale << lane: lane j + 1 gets scale * lane j + lane j + 1.
  values = digit_pairs(values) & 0x00ff00ff00ff00ff;  // 2 digits in each 16-bit lane
  values = (values * ((std::uint64_t{100} << 16) + 1)) >> 16 & 0x0000ffff0000ffff;  // 4 in 32
  return static_cast<std::uint32_t>((values * ((std::uint64_t{10000} << 32) + 1)) >> 32);
}

/// The chars parse_iso_fast reads, at `p`, which has iso_fast_reads readable bytes.
struct padded_chars {
  const char* p;
  char operator[](std::size_t i) const noexcept { return p[i]; }
  std::uint64_t word(std::size_t i) const noexcept { return load_le64(p + i); }
};

/// The chars parse_iso_fast reads, of a text of `size` (8 or more) chars at `p`, as if zeros
/// followed it (a zero is none of the chars it accepts: the text ends there for it), without
/// reading past it: a word that would cross the end is the text's last 8 bytes shifted down.
/// (A zero-filled copy of the text instead made the parse a third slower: the loads that
/// straddle the copy's stores wait for them.)
struct bounded_chars {
  const char* p;
  std::size_t size;
  char operator[](std::size_t i) const noexcept { return i < size ? p[i] : '\0'; }
  std::uint64_t word(std::size_t i) const noexcept {
    const std::size_t start = i + 8 <= size ? i : size - 8;
    const std::size_t past = i - start < 8 ? i - start : 8;   // bytes past the end
    return load_le64(p + start) >> (4 * past) >> (4 * past);  // in two: 8 bytes is 64 bits
  }
};

/// Index of the lowest byte of `flags` (not zero) that has its top bit set.
inline int lowest_flagged_byte(std::uint64_t flags) noexcept { return lowest_set_bit(flags) >> 3; }

/// Reads `YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z|+HH:MM|-HH:MM]` at the start of `p` (padded_chars or
/// bounded_chars) when it is a valid timestamp: stores the instant and returns the length of
/// that text. The caller checks that the text ends there (for a JSON string: a quote follows,
/// which makes the text the whole string, with no escape, since every char accepted here is a
/// digit or one of `-T:.Z+`). Returns 0 for anything else, `out` then unspecified: the text may
/// still be valid (the .NET form) or need a reason (an error), which the general parser gives.
/// What it accepts, it reads exactly as parse_iso_timestamp does: the same layout, fraction and
/// offset rules, and the same make_timestamp.
template <class Chars>
LIVESEND_ALWAYS_INLINE std::size_t parse_iso_fast(const Chars& p, std::int64_t& out) noexcept {
  constexpr word_layout date("dddd-dd-");  // p[0..8)
  constexpr word_layout day("ddT?????");   // p[8..16)
  constexpr word_layout time("dd:dd:dd");  // p[11..19)
  constexpr word_layout digits("dddddddd");
  constexpr word_layout offset("?dd:dd??");
  std::uint64_t d = 0, t = 0, h = 0;
  if (date.mismatch(p.word(0), d) | day.mismatch(p.word(8), t) | time.mismatch(p.word(11), h)) {
    return 0;
  }
  d = digit_pairs(d);
  t = digit_pairs(t);
  h = digit_pairs(h);

  std::size_t zone = 19;  // what follows the seconds
  std::int64_t micros = 0;
  if (p[zone] == '.') {
    std::uint64_t f = 0;
    const std::uint64_t not_digit = digits.mismatch(p.word(20), f);
    if (not_digit == 0) return 0;  // 8 digits or more
    const auto n = static_cast<std::size_t>(lowest_flagged_byte(not_digit));
    if (n == 0) return 0;
    // The n digits, zeros after, as an 8-digit number: 100 times the microseconds (and the 7th
    // digit, dropped by the division).
    f &= ((not_digit & (0 - not_digit)) - 1) >> 7;  // below the first non-digit's top bit
    micros = eight_digits(f) / 100;
    zone += 1 + n;
  }

  int offset_minutes = 0;
  if (p[zone] == 'Z') {
    ++zone;
  } else if (p[zone] == '+' || p[zone] == '-') {
    std::uint64_t o = 0;
    if (offset.mismatch(p.word(zone), o)) return 0;
    o = digit_pairs(o);
    const int off_hour = byte_at(o, 1), off_minute = byte_at(o, 4);
    if (off_hour > 23 || off_minute > 59) return 0;
    offset_minutes = (off_hour * 60 + off_minute) * (p[zone] == '-' ? -1 : 1);
    zone += 6;
  }
  if (make_timestamp(byte_at(d, 0) * 100 + byte_at(d, 2), byte_at(d, 5), byte_at(t, 0),
                     byte_at(h, 0), byte_at(h, 3), byte_at(h, 6), micros, offset_minutes,
                     out) != nullptr) {
    return 0;
  }
  return zone;
}

/// Hot-path parser, no allocation, no exceptions. Accepts the forms of the contract's "ts"
/// type. On success stores into `out` and returns nullptr; on failure leaves `out` unspecified
/// and returns a static, human-readable reason such as "day does not exist in that month".
inline const char* parse_timestamp_text(std::string_view text, std::int64_t& out) noexcept {
  if (text.size() > 4 && text[4] == '-') {
    // The fast path, taken when it read the whole text; `out` is written only then, as by the
    // general parser.
    if (text.size() >= 19 && text.size() <= iso_fast_max_size) {
      std::int64_t t = 0;
      if (parse_iso_fast(bounded_chars{text.data(), text.size()}, t) == text.size()) {
        out = t;
        return nullptr;
      }
    }
    return parse_iso_timestamp(text, out);
  }
  if ((text.size() > 1 && text[1] == '/') || (text.size() > 2 && text[2] == '/')) {
    return parse_dotnet_timestamp(text, out);
  }
  return text.empty() ? "empty text" : "unknown format";
}

}  // namespace livesend::detail
