// livesend/write.hpp: the contract's normalized JSON, written with fmt.
//
// One line per event; exactly the contract's keys, spelled and nested as the contract spells
// them (the same table the parser reads with); absent or null optionals as `null`; timestamps in
// canonical form, unset ones as `null`; raw values re-emitted without whitespace; doubles as the
// shortest text that reads back as the same double.
//
// Threads: the functions keep no state; any thread may write any value it may read.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "livesend/detail/json_text.hpp"
#include "livesend/detail/schema.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace livesend {

namespace detail {

inline void write_value(fmt::memory_buffer& out, std::string_view s) { append_json_string(out, s); }
inline void write_value(fmt::memory_buffer& out, const std::string& s) {
  append_json_string(out, s);
}
inline void write_value(fmt::memory_buffer& out, bool b) {
  const std::string_view text = b ? "true" : "false";
  out.append(text.data(), text.data() + text.size());
}
inline void write_value(fmt::memory_buffer& out, std::int64_t i) {
  fmt::format_to(fmt::appender(out), "{}", i);
}
inline void write_value(fmt::memory_buffer& out, double d) {
  // fmt prints the shortest text that round-trips; JSON has no NaN or infinity, and no JSON
  // number reads as one, so neither can reach here.
  fmt::format_to(fmt::appender(out), "{}", d);
}
inline void write_value(fmt::memory_buffer& out, const timestamp& t) {
  if (t.is_unset()) {
    out.append(std::string_view("null"));
    return;
  }
  char text[timestamp::max_chars + 2];
  text[0] = '"';
  const std::size_t n = t.to_chars(text + 1);
  text[n + 1] = '"';
  out.append(text, text + n + 2);
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
    out.append(std::string_view("null"));
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

template <class T, std::enable_if_t<is_record_v<T>, int>>
void write_value(fmt::memory_buffer& out, const T& record) {
  out.push_back('{');
  bool first = true;
  for_each_field<T>([&](const auto& def) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(def.key.data(), def.key.data() + def.key.size());  // keys need no escaping
    out.append(std::string_view("\":"));
    write_value(out, record.*(def.member));
  });
  out.push_back('}');
}

}  // namespace detail

/// Appends the normalized JSON of `value` (an event or any record of the model) to `out`,
/// without a newline. Works for both flavours.
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
void write_json(fmt::memory_buffer& out, const T& value) {
  detail::write_value(out, value);
}

/// The normalized JSON of `value` as a string (one line, no newline).
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
std::string to_json(const T& value) {
  fmt::memory_buffer out;
  detail::write_value(out, value);
  return fmt::to_string(out);
}

}  // namespace livesend
