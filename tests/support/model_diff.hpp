// tests/support/model_diff.hpp: where two values of the model differ, as a path and both values.
//
// operator== of the model says whether two events are equal; this says where they are not, so
// that a disagreement (a benchmark contender, the corpus read back, the differential test's
// reference, a fuzzer's round trip) is reported with the field to look at. It walks the
// library's schema tables: use it on what the library produced, never inside the reference
// reader (whose independence from those tables is its point).
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "livesend/model.hpp"
#include "livesend/write.hpp"

namespace test {

/// The first field where two values differ: its path (as the contract spells it) and the
/// normalized JSON of both sides.
struct difference {
  std::string path;
  std::string expected;
  std::string actual;
};

namespace model_diff_detail {

template <class T>
std::string text_of(const T& value) {
  fmt::memory_buffer out;
  livesend::detail::write_value(out, value);
  std::string text = fmt::to_string(out);
  constexpr std::size_t max_chars = 160;
  if (text.size() > max_chars) text = text.substr(0, max_chars) + "...";
  return text;
}

template <class T>
bool find(const T& a, const T& b, std::string& path, difference& out);

template <class T>
bool find_in(const std::optional<T>& a, const std::optional<T>& b, std::string& path,
             difference& out) {
  if (a.has_value() && b.has_value()) return find(*a, *b, path, out);
  if (a.has_value() == b.has_value()) return false;
  out = {path, text_of(a), text_of(b)};
  return true;
}

template <class T>
bool find_in(const std::vector<T>& a, const std::vector<T>& b, std::string& path, difference& out) {
  const std::size_t common = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < common; ++i) {
    const std::size_t mark = path.size();
    path += fmt::format("[{}]", i);
    if (find(a[i], b[i], path, out)) return true;
    path.resize(mark);
  }
  if (a.size() == b.size()) return false;
  out = {path + ".size()", std::to_string(a.size()), std::to_string(b.size())};
  return true;
}

template <class T>
bool find_in(const T& a, const T& b, std::string& path, difference& out) {
  if constexpr (livesend::detail::is_record_v<T>) {
    bool found = false;
    livesend::detail::for_each_field<T>([&](const auto& def) {
      if (found) return;
      const std::size_t mark = path.size();
      if (!path.empty()) path += '.';
      path.append(def.key.data(), def.key.size());
      found = find(a.*(def.member), b.*(def.member), path, out);
      if (!found) path.resize(mark);
    });
    return found;
  } else {
    if (livesend::detail::equal_values(a, b)) return false;
    out = {path, text_of(a), text_of(b)};
    return true;
  }
}

template <class T>
bool find(const T& a, const T& b, std::string& path, difference& out) {
  return find_in(a, b, path, out);
}

}  // namespace model_diff_detail

/// The first difference between `expected` and `actual` (in the schema's field order), or
/// nullopt when they are equal by the model's operator==.
template <class T>
std::optional<difference> first_difference(const T& expected, const T& actual) {
  if (expected == actual) return std::nullopt;
  difference out;
  std::string path;
  if (model_diff_detail::find(expected, actual, path, out)) return out;
  return difference{"(somewhere)", "", ""};  // operator== and the walk disagree: say so
}

}  // namespace test
