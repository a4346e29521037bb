// fuzz/fuzz_timestamp.cpp: the timestamp parser on arbitrary text.
//
// Properties checked on every input:
// - detail::parse_timestamp and livesend::parse_timestamp agree; a rejection is an
//   invalid_timestamp error without a path whose message quotes (a prefix of) the text;
// - an independent reader of the contract's two forms (below: fixed patterns, then the calendar
//   from the C library's timegm) accepts exactly the same texts, at the same instant;
// - whatever parses prints canonically (20 or 27 chars, `...Z`, six fraction digits when not
//   whole seconds), the canonical text names the same calendar fields, and it re-parses to the
//   same instant and prints the same text again.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "livesend/timestamp.hpp"

namespace {

constexpr std::int64_t us_per_s = 1000000;

bool digit(char c) { return c >= '0' && c <= '9'; }

/// True when `text` has the shape of `pattern`: 'd' is a digit, any other char itself.
bool shaped(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (pattern[i] == 'd' ? !digit(text[i]) : text[i] != pattern[i]) return false;
  }
  return true;
}

int number(std::string_view text) {
  int n = 0;
  for (const char c : text) n = n * 10 + (c - '0');
  return n;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

/// Seconds since the epoch of a valid UTC calendar time, from the C library.
std::int64_t utc_seconds(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm));
}

struct fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;
  int offset_minutes = 0;
};

/// The instant of `f` in microseconds, or nothing when the fields name no instant in the
/// contract's range.
std::optional<std::int64_t> instant(const fields& f) {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > days_in(f.year, f.month)) return {};
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return {};
  const std::int64_t us =
      (utc_seconds(f.year, f.month, f.day, f.hour, f.minute, f.second) - f.offset_minutes * 60) *
          us_per_s +
      f.micros;
  const std::int64_t lo = utc_seconds(0, 1, 1, 0, 0, 0) * us_per_s;
  const std::int64_t hi = utc_seconds(9999, 12, 31, 23, 59, 59) * us_per_s + 999999;
  if (us < lo || us > hi) return {};
  return us;
}

/// The fields of a text that starts `dddd-dd-ddTdd:dd:dd` (checked by the caller).
fields date_and_time(std::string_view text) {
  fields f;
  f.year = number(text.substr(0, 4));
  f.month = number(text.substr(5, 2));
  f.day = number(text.substr(8, 2));
  f.hour = number(text.substr(11, 2));
  f.minute = number(text.substr(14, 2));
  f.second = number(text.substr(17, 2));
  return f;
}

/// The contract's ISO form: YYYY-MM-DDTHH:MM:SS, then .f{1,7}, then Z, +HH:MM, -HH:MM or nothing.
std::optional<std::int64_t> reference_iso(std::string_view text) {
  if (text.size() < 19 || !shaped(text.substr(0, 19), "dddd-dd-ddTdd:dd:dd")) return {};
  fields f = date_and_time(text);
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t n = 1;
    while (n < rest.size() && digit(rest[n])) ++n;
    const std::size_t count = n - 1;
    if (count < 1 || count > 7) return {};
    std::string six(rest.substr(1, count));
    six.resize(7, '0');
    f.micros = number(std::string_view(six).substr(0, 6));  // the 7th digit is dropped
    rest.remove_prefix(n);
  }
  if (rest == "Z" || rest.empty()) return instant(f);
  if (!shaped(rest, "+dd:dd") && !shaped(rest, "-dd:dd")) return {};
  const int oh = number(rest.substr(1, 2));
  const int om = number(rest.substr(4, 2));
  if (oh > 23 || om > 59) return {};
  f.offset_minutes = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
  return instant(f);
}

/// The contract's .NET form: M/D/YYYY H:MM:SS, then " AM" or " PM" or nothing.
std::optional<std::int64_t> reference_dotnet(std::string_view text) {
  // Month, day and hour have one or two digits: try the eight layouts.
  for (int layout = 0; layout < 8; ++layout) {
    const std::string m = (layout & 1) ? "dd" : "d";
    const std::string d = (layout & 2) ? "dd" : "d";
    const std::string h = (layout & 4) ? "dd" : "d";
    const std::string pattern = m + "/" + d + "/dddd " + h + ":dd:dd";
    std::string_view suffix;
    if (text.size() < pattern.size() || !shaped(text.substr(0, pattern.size()), pattern)) continue;
    suffix = text.substr(pattern.size());
    if (!suffix.empty() && suffix != " AM" && suffix != " PM") continue;
    fields f;
    std::size_t at = 0;
    f.month = number(text.substr(at, m.size()));
    at += m.size() + 1;
    f.day = number(text.substr(at, d.size()));
    at += d.size() + 1;
    f.year = number(text.substr(at, 4));
    at += 5;
    f.hour = number(text.substr(at, h.size()));
    at += h.size() + 1;
    f.minute = number(text.substr(at, 2));
    f.second = number(text.substr(at + 3, 2));
    if (!suffix.empty()) {
      if (f.hour < 1 || f.hour > 12) return {};
      f.hour = f.hour % 12 + (suffix == " PM" ? 12 : 0);
    }
    return instant(f);
  }
  return {};
}

std::string show(std::string_view text) { return livesend::detail::quote_for_message(text, 200); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  livesend::timestamp ts;
  const char* why = livesend::detail::parse_timestamp(text, ts);
  const livesend::result<livesend::timestamp> result = livesend::parse_timestamp(text);
  FUZZ_CHECK(result.has_value() == (why == nullptr), show(text));

  std::optional<std::int64_t> expected = reference_iso(text);
  if (!expected) expected = reference_dotnet(text);

  if (why != nullptr) {
    FUZZ_CHECK(!expected, "rejected (" + std::string(why) + ") but the reference reads " +
                              std::to_string(*expected) + ": " + show(text));
    const livesend::error& err = result.error();
    FUZZ_CHECK(err.code() == livesend::error_code::invalid_timestamp, err.to_string());
    FUZZ_CHECK(err.path().empty() && err.offset() == 0 && err.line() == 1, err.to_string());
    const std::string quoted = livesend::detail::quote_for_message(text);
    FUZZ_CHECK(err.message().find(quoted) != std::string::npos, err.to_string());
    return 0;
  }
  FUZZ_CHECK(expected.has_value(),
             "accepted as " + ts.to_string() + " but the reference rejects: " + show(text));
  FUZZ_CHECK(*expected == ts.unix_micros(), "read as " + std::to_string(ts.unix_micros()) +
                                                ", the reference reads " +
                                                std::to_string(*expected) + ": " + show(text));
  FUZZ_CHECK(*result == ts, show(text));

  // Canonical text.
  char buffer[livesend::timestamp::max_chars];
  const std::size_t n = ts.to_chars(buffer);
  const std::string_view canonical(buffer, n);
  FUZZ_CHECK(
      shaped(canonical, "dddd-dd-ddTdd:dd:ddZ") ||
          (shaped(canonical, "dddd-dd-ddTdd:dd:dd.ddddddZ") && canonical.substr(20, 6) != "000000"),
      std::string(canonical));
  FUZZ_CHECK(ts.to_string() == canonical, std::string(canonical));
  fields f = date_and_time(canonical);
  f.micros = n == 27 ? number(canonical.substr(20, 6)) : 0;
  const std::optional<std::int64_t> printed = instant(f);
  FUZZ_CHECK(printed && *printed == ts.unix_micros(),
             std::string(canonical) + " does not name " + std::to_string(ts.unix_micros()));

  // Re-parse: the same instant, the same text.
  livesend::timestamp again;
  const char* again_why = livesend::detail::parse_timestamp(canonical, again);
  FUZZ_CHECK(again_why == nullptr, std::string(canonical) + ": " + again_why);
  FUZZ_CHECK(again == ts, std::string(canonical));
  FUZZ_CHECK(again.to_string() == canonical, std::string(canonical));
  FUZZ_CHECK(ts.is_unset() == (canonical == "0001-01-01T00:00:00Z"), std::string(canonical));
  return 0;
}
