// livesend/detail/schema.hpp: what a record's schema table is (`schema<T>::fields`, a tuple of
// `field_def`, specialised in livesend/model.hpp), the rules a row may carry (personal data,
// allowed values) and the compile-time traits over it: the number of fields, their member types,
// keys and required mask, and a loop over the fields.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "livesend/error.hpp"

namespace livesend {

/// The personal data a field holds, and so how a redacting writer masks it (see
/// livesend/write.hpp). `none` for the fields that identify no one.
enum class personal : std::uint8_t {
  none,        ///< not personal
  email,       ///< an e-mail address (str): `jane.doe@example.com` -> `j***@example.com`
  ip_address,  ///< an IP address (str): `198.51.100.23` -> `198.51.*.*`, IPv6 to its /32
  coordinate,  ///< a precise coordinate (num): rounded to one decimal, a region and not a house
  raw,         ///< unmodelled JSON (raw) that may hold addresses: every string with an '@' masked
};

/// The values a str field allows, and the error code of any other value: a field's rule in its
/// schema row, written `allowed<list>` (see value_list). Empty (count 0): any value.
struct allowed_values {
  const std::string_view* values = nullptr;
  std::size_t count = 0;
  error_code code = error_code::ok;

  constexpr bool contains(std::string_view value) const noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      if (values[i] == value) return true;
    }
    return false;
  }
};

/// A list of allowed values and what any other value is, for `allowed<list>`.
template <std::size_t N>
struct value_list {
  std::array<std::string_view, N> values;
  error_code code;
};

/// The rule "the field holds one of List.values", e.g. `allowed<version_values>`.
template <const auto& List>
inline constexpr allowed_values allowed = {List.values.data(), List.values.size(), List.code};

/// One member of a record: its JSON key as the contract spells it, the member it fills, and its
/// rules (personal data, allowed values). A member of type std::optional<T> is optional (`?` in
/// the contract); any other is required. Only ever used at compile time: the rules cost nothing
/// when parsing.
template <class Record, class Member>
struct field_def {
  std::string_view key;
  Member Record::*member;
  personal personal_kind = personal::none;
  allowed_values allowed_values_rule = {};
};

/// A schema row: `field("Id", &T::id)`, `field("Email", &T::email, personal::email)`,
/// `field("version", &T::version, allowed<version_values>)`.
template <class Record, class Member>
constexpr field_def<Record, Member> field(std::string_view key, Member Record::*member) noexcept {
  return {key, member, personal::none, {}};
}
template <class Record, class Member>
constexpr field_def<Record, Member> field(std::string_view key, Member Record::*member,
                                          personal kind) noexcept {
  return {key, member, kind, {}};
}
template <class Record, class Member>
constexpr field_def<Record, Member> field(std::string_view key, Member Record::*member,
                                          allowed_values values) noexcept {
  return {key, member, personal::none, values};
}

/// `schema<T>::fields` is a tuple of field_def, in the vendor's key order; `schema<T>::name` is
/// the contract's name of the type. Specialised for every record type in livesend/model.hpp.
template <class T>
struct schema;

namespace detail {

template <class T, class = void>
struct is_record : std::false_type {};
template <class T>
struct is_record<T, std::void_t<decltype(schema<T>::fields)>> : std::true_type {};
template <class T>
inline constexpr bool is_record_v = is_record<T>::value;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
inline constexpr std::size_t field_count =
    std::tuple_size_v<std::decay_t<decltype(schema<T>::fields)>>;

template <class T, std::size_t I>
using member_type_t =
    std::remove_reference_t<decltype(std::declval<T&>().*(std::get<I>(schema<T>::fields).member))>;

/// The keys of T in table order.
template <class T, std::size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> keys_of(std::index_sequence<I...>) noexcept {
  return {std::get<I>(schema<T>::fields).key...};
}
template <class T>
inline constexpr auto keys = keys_of<T>(std::make_index_sequence<field_count<T>>{});

template <class T, std::size_t... I>
constexpr bool keys_shorter_than(std::size_t limit, std::index_sequence<I...>) noexcept {
  return ((std::get<I>(schema<T>::fields).key.size() < limit) && ...);
}

/// Bit I is set when member I is required (not std::optional).
template <class T, std::size_t... I>
constexpr std::uint64_t required_mask_of(std::index_sequence<I...>) noexcept {
  return ((is_optional<member_type_t<T, I>>::value ? std::uint64_t{0} : std::uint64_t{1} << I) |
          ... | std::uint64_t{0});
}
template <class T>
inline constexpr std::uint64_t required_mask =
    required_mask_of<T>(std::make_index_sequence<field_count<T>>{});

/// Calls f(field_def) for every field of T, in table order.
template <class T, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... def) { (f(def), ...); }, schema<T>::fields);
}

}  // namespace detail

}  // namespace livesend
