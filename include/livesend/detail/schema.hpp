// livesend/detail/schema.hpp: what a record's schema table is (`schema<T>::fields`, a tuple of
// `field_def`, specialised in livesend/model.hpp) and the compile-time traits over it: the
// number of fields, their member types, keys and required mask, and a loop over the fields.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace livesend {

/// One member of a record: its JSON key as the contract spells it and the member it fills.
/// A member of type std::optional<T> is optional (`?` in the contract); any other is required.
template <class Record, class Member>
struct field_def {
  std::string_view key;
  Member Record::*member;
};

template <class Record, class Member>
constexpr field_def<Record, Member> field(std::string_view key, Member Record::*member) noexcept {
  return {key, member};
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
