// benchmarks/mapping.hpp: one generic mapping from any JSON DOM to livesend's owning model,
// driven by livesend::schema<T>::fields, so that the peers' mapping is written once.
//
// A DOM library plugs in through a small adapter (see peers.hpp) with these static members:
//
//   using value = ...;                                  // the library's node type
//   bool is_null(const value&);
//   bool get_string(const value&, std::string_view&);   // points into the DOM
//   bool get_int64(const value&, std::int64_t&);        // integers only (no 1.0, no "1")
//   bool get_double(const value&, double&);             // any number
//   bool get_bool(const value&, bool&);
//   bool write_raw(const value&, std::string&);         // the value's JSON text
//   bool for_each_element(const value&, F);              // F: bool(const value&); false if not an
//   array bool for_each_member(const value&, F);               // F: bool(std::string_view key,
//   const value&)
//
// The mapping does what livesend does on valid input, the way a careful user would write it:
// it walks each object's members once and dispatches on the key (exact case first, then ASCII-
// case-insensitively, as the contract reads keys), checks every value's type, fails on a missing
// required field, resets optional members that are absent, reads timestamps with
// livesend::detail::parse_timestamp (the same code and cost for every contender) and reads the
// DateTime.MinValue sentinel of an optional timestamp as no value. It reuses the target's
// strings and vectors, as livesend does with a reused event. It does not build error messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/json_text.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace bench {

/// Index of `key` in T's table, trying `hint` (the field after the previous one) first, then
/// every key exactly, then ASCII-case-insensitively (the contract reads keys in any case; the
/// shuffled workload flips the case of key initials); field_count<T> when T has no such key
/// (unknown keys are skipped).
template <class T>
std::size_t field_index(std::string_view key, std::size_t hint) noexcept {
  constexpr auto& keys = livesend::detail::keys<T>;
  if (hint < keys.size() && keys[hint] == key) return hint;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return i;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (livesend::detail::iequals_ascii(keys[i], key)) return i;
  }
  return keys.size();
}

template <class Dom>
class mapper {
 public:
  using value = typename Dom::value;

  /// Maps a whole event, including the contract's check of `version`.
  static bool map_event(const value& root, livesend::event& out) {
    if (!read(root, out)) return false;
    return out.version == livesend::version_v3 || out.version == livesend::version_enriched_v3;
  }

  static bool read(const value& v, std::string& out) {
    std::string_view s;
    if (!Dom::get_string(v, s)) return false;
    out.assign(s.data(), s.size());
    return true;
  }
  static bool read(const value& v, std::int64_t& out) { return Dom::get_int64(v, out); }
  static bool read(const value& v, double& out) { return Dom::get_double(v, out); }
  static bool read(const value& v, bool& out) { return Dom::get_bool(v, out); }

  static bool read(const value& v, livesend::timestamp& out) {
    std::string_view s;
    if (!Dom::get_string(v, s)) return false;
    return livesend::detail::parse_timestamp(s, out) == nullptr;
  }

  static bool read(const value& v, livesend::raw_json& out) {
    if (Dom::is_null(v)) return false;  // a required raw value
    return Dom::write_raw(v, out.json);
  }

  template <class T>
  static bool read(const value& v, std::optional<T>& out) {
    if (Dom::is_null(v)) {
      out.reset();
      return true;
    }
    if (!out) out.emplace();
    if (!read(v, *out)) return false;
    if constexpr (std::is_same_v<T, livesend::timestamp>) {
      if (out->is_unset()) out.reset();  // DateTime.MinValue: no value
    }
    return true;
  }

  template <class T>
  static bool read(const value& v, std::vector<T>& out) {
    std::size_t count = 0;
    const bool ok = Dom::for_each_element(v, [&](const value& element) {
      if (count == out.size()) out.emplace_back();  // reuse the elements already there
      return read(element, out[count++]);
    });
    if (!ok) return false;
    out.resize(count);
    return true;
  }

  template <class T, std::enable_if_t<livesend::detail::is_record_v<T>, int> = 0>
  static bool read(const value& v, T& out) {
    constexpr std::size_t n = livesend::detail::field_count<T>;
    std::uint64_t seen = 0;
    std::size_t hint = 0;
    const bool ok = Dom::for_each_member(v, [&](std::string_view key, const value& member) {
      const std::size_t index = field_index<T>(key, hint);
      if (index == n) return true;  // unknown key: skipped
      hint = index + 1;
      seen |= std::uint64_t{1} << index;
      return read_member(index, member, out, std::make_index_sequence<n>{});
    });
    if (!ok) return false;
    if ((livesend::detail::required_mask<T> & ~seen) != 0) return false;
    reset_absent(out, seen, std::make_index_sequence<n>{});
    return true;
  }

 private:
  template <class T, std::size_t... I>
  static bool read_member(std::size_t index, const value& v, T& out, std::index_sequence<I...>) {
    bool ok = true;
    (void)((index == I &&
            (ok = read(v, out.*(std::get<I>(livesend::schema<T>::fields).member)), true)) ||
           ...);
    return ok;
  }

  template <class T, std::size_t... I>
  static void reset_absent(T& out, std::uint64_t seen, std::index_sequence<I...>) {
    (reset_if_optional(out.*(std::get<I>(livesend::schema<T>::fields).member), (seen >> I) & 1),
     ...);
  }

  template <class M>
  static void reset_if_optional(M& member, bool seen) {
    if constexpr (livesend::detail::is_optional<M>::value) {
      if (!seen) member.reset();
    } else {
      (void)member;
      (void)seen;
    }
  }
};

}  // namespace bench
