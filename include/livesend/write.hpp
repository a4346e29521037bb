// livesend/write.hpp: the contract's normalized JSON, written with fmt.
//
// One line per event; exactly the contract's keys, spelled and nested as the contract spells
// them (the same table the parser reads with); absent or null optionals as `null`; timestamps in
// canonical form, unset ones as `null`; raw values re-emitted without whitespace; doubles as the
// shortest text that reads back as the same double.
//
// Redaction: with `write_options::redact`, the fields whose schema row marks them personal
// (model.hpp) are masked as they are written, straight from the value (nothing is copied first):
// e-mail addresses keep their first letter and domain, IP addresses their network, coordinates
// one decimal, and raw values have every string holding an '@' masked as an address. The same
// masks, for other output forms (a summary, CSV cells): append_redacted, redact_coordinate, and
// personal_of<&T::member> for a member's rule.
//
// Threads: the functions keep no state; any thread may write any value it may read.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/config.hpp"
#include "livesend/detail/json_text.hpp"
#include "livesend/detail/schema.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace livesend {

namespace detail {

/// Appends the n bytes at p in place: the buffer grows only when its capacity is short, then
/// one copy (fmt's own append goes through a generic loop). Inline, so that a constant n
/// becomes a few stores.
LIVESEND_ALWAYS_INLINE void append_bytes(fmt::memory_buffer& out, const char* p, std::size_t n) {
  const std::size_t size = out.size();
  out.resize(size + n);
  if (n != 0) std::memcpy(out.data() + size, p, n);
}

/// Appends N bytes known at compile time (append_bytes with a constant size).
template <std::size_t N>
LIVESEND_ALWAYS_INLINE void append_fixed(fmt::memory_buffer& out, const std::array<char, N>& text) {
  append_bytes(out, text.data(), N);
}

/// `null`, the JSON of an absent value.
inline constexpr std::array<char, 4> null_text = {'n', 'u', 'l', 'l'};

inline void write_value(fmt::memory_buffer& out, std::string_view s) { append_json_string(out, s); }
inline void write_value(fmt::memory_buffer& out, const std::string& s) {
  append_json_string(out, s);
}
inline void write_value(fmt::memory_buffer& out, bool b) {
  if (b) {
    append_fixed(out, std::array<char, 4>{'t', 'r', 'u', 'e'});
  } else {
    append_fixed(out, std::array<char, 5>{'f', 'a', 'l', 's', 'e'});
  }
}
inline void write_value(fmt::memory_buffer& out, std::int64_t i) {
  const fmt::format_int text(i);  // decimal digits, no format string to read at run time
  out.append(text.data(), text.data() + text.size());
}
inline void write_value(fmt::memory_buffer& out, double d) {
  // fmt prints the shortest text that round-trips (FMT_COMPILE: the "{}" is read at compile
  // time, not on every call); JSON has no NaN or infinity, and no JSON number reads as one, so
  // neither can reach here.
  fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), d);
}
/// Appends t's canonical text, between quotes when `quoted`. Written in place: room for the
/// longest text, then the buffer cut to the text written.
inline void append_timestamp(fmt::memory_buffer& out, timestamp t, bool quoted) {
  const std::size_t size = out.size();
  out.resize(size + timestamp::max_chars + 2);
  char* const text = out.data() + size;
  if (!quoted) {
    out.resize(size + t.to_chars(text));
    return;
  }
  text[0] = '"';
  const std::size_t n = t.to_chars(text + 1);
  text[n + 1] = '"';
  out.resize(size + n + 2);
}
inline void write_value(fmt::memory_buffer& out, const timestamp& t) {
  if (t.is_unset()) {
    append_fixed(out, null_text);
  } else {
    append_timestamp(out, t, true);
  }
}
template <class S>
void write_value(fmt::memory_buffer& out, const basic_raw_json<S>& raw) {
  append_minified(out, raw.json);
}
template <class T>
void write_value(fmt::memory_buffer& out, const std::optional<T>& value);
template <class T>
void write_value(fmt::memory_buffer& out, const std::vector<T>& values);
template <class T, std::enable_if_t<is_record_v<T>, int> = 0>
void write_value(fmt::memory_buffer& out, const T& record);

template <class T>
void write_value(fmt::memory_buffer& out, const std::optional<T>& value) {
  if (value) {
    write_value(out, *value);
  } else {
    append_fixed(out, null_text);
  }
}

template <class T>
void write_value(fmt::memory_buffer& out, const std::vector<T>& values) {
  out.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    write_value(out, values[i]);
  }
  out.push_back(']');
}

// ---- Masks (personal data) --------------------------------------------------------------------

inline constexpr std::string_view mask_text = "***";

constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

template <class Buffer>
void append_text(Buffer& out, std::string_view text) {
  out.append(text.data(), text.data() + text.size());
}

/// `jane.doe@example.com` -> `j***@example.com`; text that is not an address -> `***`; an empty
/// text stays empty.
template <class Buffer>
void append_masked_email(Buffer& out, std::string_view email) {
  if (email.empty()) return;
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) {
    append_text(out, mask_text);
    return;
  }
  if (is_ascii_alnum(email[0])) out.push_back(email[0]);
  append_text(out, mask_text);
  append_text(out, email.substr(at));
}

/// `198.51.100.23` -> `198.51.*.*`; `2001:db8::1` -> `2001:db8:*`; anything else -> `***`; an
/// empty text stays empty.
template <class Buffer>
void append_masked_ip(Buffer& out, std::string_view ip) {
  if (ip.empty()) return;
  std::size_t dots = 0;
  std::size_t second_dot = 0;
  bool v4 = true;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if (ip[i] == '.') {
      if (++dots == 2) second_dot = i;
    } else if (ip[i] < '0' || ip[i] > '9') {
      v4 = false;
    }
  }
  if (v4 && dots == 3) {
    append_text(out, ip.substr(0, second_dot));
    append_text(out, ".*.*");
    return;
  }
  const std::size_t first_colon = ip.find(':');
  const std::size_t second_colon =
      first_colon == std::string_view::npos ? first_colon : ip.find(':', first_colon + 1);
  bool hex = true;
  for (const char c : ip) hex = hex && (is_ascii_alnum(c) || c == ':' || c == '.');
  if (hex && second_colon != std::string_view::npos && first_colon > 0 &&
      second_colon > first_colon + 1) {
    append_text(out, ip.substr(0, second_colon));
    append_text(out, ":*");
    return;
  }
  append_text(out, mask_text);
}

/// `json` (a raw value, valid JSON) minified, with every string that holds an '@' masked as an
/// e-mail address: its text between the quotes, escapes and all, stands for the address. One
/// pass, writing straight to `out`.
template <class Buffer>
void append_masked_raw(Buffer& out, std::string_view json) {
  std::size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c != '"') {
      if (!is_json_space(c)) out.push_back(c);
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < json.size() && json[end] != '"')
      end += json[end] == '\\' ? std::size_t{2} : std::size_t{1};
    const std::string_view text = json.substr(i + 1, std::min(end, json.size()) - i - 1);
    out.push_back('"');
    const std::size_t at = text.rfind('@');
    if (text.find("\\u0040") != std::string_view::npos) {
      append_text(out, mask_text);  // an '@' written as an escape: no telling the parts apart
    } else if (at == std::string_view::npos) {
      append_text(out, text);
    } else if (text.find('\\', at) != std::string_view::npos) {
      append_text(out, mask_text);  // an escape in the domain would be cut in half by a mask
    } else {
      append_masked_email(out, text);
    }
    out.push_back('"');
    i = end + 1;
  }
}

/// A coordinate to one decimal: a region, not a house.
inline double coarse_coordinate(double degrees) noexcept { return std::round(degrees * 10) / 10; }

/// A personal str member written masked as a JSON string.
template <class Buffer>
void write_masked_string(Buffer& out, personal kind, std::string_view text) {
  fmt::basic_memory_buffer<char, 128> masked;  // on the stack for all but long values
  if (kind == personal::email) {
    append_masked_email(masked, text);
  } else {
    append_masked_ip(masked, text);
  }
  append_json_string(out, std::string_view(masked.data(), masked.size()));
}

inline void write_personal(fmt::memory_buffer& out, personal kind, std::string_view text) {
  write_masked_string(out, kind, text);
}
inline void write_personal(fmt::memory_buffer& out, personal kind, const std::string& text) {
  write_masked_string(out, kind, text);
}
inline void write_personal(fmt::memory_buffer& out, personal, double degrees) {
  write_value(out, coarse_coordinate(degrees));
}
template <class S>
void write_personal(fmt::memory_buffer& out, personal, const basic_raw_json<S>& raw) {
  append_masked_raw(out, raw.json);
}
template <class T>
void write_personal(fmt::memory_buffer& out, personal kind, const std::optional<T>& value) {
  if (value) {
    write_personal(out, kind, *value);
  } else {
    append_fixed(out, null_text);
  }
}

// ---- Records ----------------------------------------------------------------------------------

template <bool Redact, class T, std::size_t... I>
void write_record(fmt::memory_buffer& out, const T& record, std::index_sequence<I...>);

template <class T>
void write_redacted(fmt::memory_buffer& out, const T& value) {
  if constexpr (is_record_v<T>) {
    write_record<true>(out, value, std::make_index_sequence<field_count<T>>{});
  } else {
    write_value(out, value);
  }
}
template <class T>
void write_redacted(fmt::memory_buffer& out, const std::optional<T>& value) {
  if (value) {
    write_redacted(out, *value);
  } else {
    append_fixed(out, null_text);
  }
}
template <class T>
void write_redacted(fmt::memory_buffer& out, const std::vector<T>& values) {
  out.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    write_redacted(out, values[i]);
  }
  out.push_back(']');
}

/// `"Key":value`, preceded by a comma but for the first field; with Redact, a personal field
/// (its schema row says which) masked.
/// What is written before the value of field I of T: `,"Key":` (no comma before the first
/// field), made at compile time (keys need no escaping) and appended as one piece.
template <class T, std::size_t I>
struct field_prefix {
  static constexpr std::string_view key = std::get<I>(schema<T>::fields).key;
  static constexpr std::size_t size = key.size() + (I != 0 ? 4 : 3);
  static constexpr std::array<char, size> text = [] {
    std::array<char, size> chars{};
    std::size_t at = 0;
    if (I != 0) chars[at++] = ',';
    chars[at++] = '"';
    for (const char c : key) chars[at++] = c;
    chars[at++] = '"';
    chars[at] = ':';
    return chars;
  }();
};

template <bool Redact, class T, std::size_t I>
void write_field(fmt::memory_buffer& out, const T& record) {
  constexpr auto def = std::get<I>(schema<T>::fields);
  append_fixed(out, field_prefix<T, I>::text);
  if constexpr (!Redact) {
    write_value(out, record.*(def.member));
  } else if constexpr (def.personal_kind != personal::none) {
    write_personal(out, def.personal_kind, record.*(def.member));
  } else {
    write_redacted(out, record.*(def.member));
  }
}

template <bool Redact, class T, std::size_t... I>
void write_record(fmt::memory_buffer& out, const T& record, std::index_sequence<I...>) {
  out.push_back('{');
  (write_field<Redact, T, I>(out, record), ...);
  out.push_back('}');
}

template <class T, std::enable_if_t<is_record_v<T>, int>>
void write_value(fmt::memory_buffer& out, const T& record) {
  write_record<false>(out, record, std::make_index_sequence<field_count<T>>{});
}

/// The personal-data rule of the member `Member` of record R, from R's schema row.
template <class R, class M>
constexpr personal personal_of_member(M R::*member) noexcept {
  personal kind = personal::none;
  for_each_field<R>([&](const auto& def) {
    if constexpr (std::is_same_v<std::decay_t<decltype(def.member)>, M R::*>) {
      if (def.member == member) kind = def.personal_kind;
    }
  });
  return kind;
}

}  // namespace detail

/// How write_json writes.
struct write_options {
  /// Mask the personal data: every field whose schema row marks it personal (model.hpp), as
  /// described at the head of this file. The output is still the contract's normalized JSON.
  bool redact = false;
};

/// Appends the normalized JSON of `value` (an event or any record of the model) to `out`,
/// without a newline. Works for both flavours.
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
void write_json(fmt::memory_buffer& out, const T& value) {
  detail::write_value(out, value);
}

/// write_json with options: with `redact`, the personal fields masked as they are written (no
/// copy of the value is made).
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
void write_json(fmt::memory_buffer& out, const T& value, const write_options& options) {
  if (options.redact) {
    detail::write_redacted(out, value);
  } else {
    detail::write_value(out, value);
  }
}

/// The normalized JSON of `value` as a string (one line, no newline).
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
std::string to_json(const T& value, const write_options& options = {}) {
  fmt::memory_buffer out;
  write_json(out, value, options);
  return fmt::to_string(out);
}

/// The personal-data rule of a member, from its schema row, e.g.
/// `personal_of<&livesend::participant_view::email>` is `personal::email`.
template <auto Member>
inline constexpr personal personal_of = detail::personal_of_member(Member);

/// Appends `text` masked as a field of kind `kind` holds it (the masks of write_options::redact),
/// as plain text (not a JSON string): `email` and `ip_address` the masked text (an empty text
/// stays empty); `raw` the JSON text minified, with its addresses masked; `none` the text as is.
/// For `coordinate`, use redact_coordinate. `Buffer` is std::string, fmt::memory_buffer or
/// anything with append(first, last) and push_back(c).
template <class Buffer>
void append_redacted(Buffer& out, personal kind, std::string_view text) {
  switch (kind) {
    case personal::email:
      detail::append_masked_email(out, text);
      return;
    case personal::ip_address:
      detail::append_masked_ip(out, text);
      return;
    case personal::raw:
      detail::append_masked_raw(out, text);
      return;
    case personal::none:
    case personal::coordinate:
      detail::append_text(out, text);
      return;
  }
}

/// A coordinate as write_options::redact writes it: rounded to one decimal.
inline double redact_coordinate(double degrees) noexcept {
  return detail::coarse_coordinate(degrees);
}

}  // namespace livesend
