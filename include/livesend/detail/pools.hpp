// livesend/detail/pools.hpp: the parser's spare values. What a parse into a reused value leaves
// unused (array elements past the new size, the values of optionals now absent) waits here,
// memory and all, for the next parse that needs such a value; and strings are read over with
// their capacity kept. So a reused parser and value allocate nothing once they have seen the
// workload.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/config.hpp"
#include "livesend/detail/schema.hpp"
#include "livesend/model.hpp"

namespace livesend::detail {

// --- Spare values ----------------------------------------------------------------------------
//
// A parse into a reused value keeps the memory the value already holds: strings are cleared and
// appended to, vector elements and engaged optionals are read over. What an event does not use
// (the elements past its size, the values of the optionals it leaves null or absent) is not
// destroyed but moved into the parser's pools, memory and all, and taken back from there when an
// event needs such a value again. So once a parser and a value have seen a workload (in practice
// once or a few times), its events allocate nothing, whatever their shapes.

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

/// Values of type T are kept when they can own heap memory. The others (numbers, timestamps,
/// string_views, records of them only) have nothing to keep: destroying one frees nothing.
template <class T>
inline constexpr bool is_kept_v = !std::is_trivially_destructible_v<T>;

/// A list of types.
template <class... T>
struct type_list {};

/// `List` with T appended, unless it holds T already.
template <class List, class T>
struct add_type;
template <class... L, class T>
struct add_type<type_list<L...>, T> {
  using type =
      std::conditional_t<(std::is_same_v<L, T> || ...), type_list<L...>, type_list<L..., T>>;
};

/// `List` with the kept types found in a member of type M added: its vectors' element types and
/// its optionals' value types, at any depth.
template <class List, class M, class = void>
struct add_kept {
  using type = List;
};
template <class List, class T>
struct add_kept_value {
  using inner = typename add_kept<List, T>::type;
  using type = std::conditional_t<is_kept_v<T>, typename add_type<inner, T>::type, inner>;
};
template <class List, class T>
struct add_kept<List, std::vector<T>> : add_kept_value<List, T> {};
template <class List, class T>
struct add_kept<List, std::optional<T>> : add_kept_value<List, T> {};
template <class List, class R, std::size_t I = 0, bool = I == field_count<R>>
struct add_kept_fields {
  using type =
      typename add_kept_fields<typename add_kept<List, member_type_t<R, I>>::type, R, I + 1>::type;
};
template <class List, class R, std::size_t I>
struct add_kept_fields<List, R, I, true> {
  using type = List;
};
template <class List, class R>
struct add_kept<List, R, std::enable_if_t<is_record_v<R>>> : add_kept_fields<List, R> {};

/// The spare values of one type, and how many values of that type the parser has made.
template <class T>
struct pool {
  std::vector<T> values;
  std::size_t made = 0;
};

template <class List>
struct pools_of;
template <class... T>
struct pools_of<type_list<T...>> {
  using type = std::tuple<pool<T>...>;
};

/// The pools of one parser: one per kept type of either flavour, found in the schema.
///
/// Bounded by the largest event: a value is made only when its pool is empty, a pool holds no
/// more values than the parser has made of that type (others, e.g. elements the user added to
/// the value, are freed as before), and a value goes into a pool emptied of the kept values it
/// holds (a content session without its pages, which go to their own pool). So when one value is
/// parsed into again and again, the values of each type, in it and in the pool together, never
/// outnumber what the event being read needs plus what the value held before it: about twice
/// the largest event seen. A value moved away (or a new value per parse) takes its values with
/// it: the pools do not grow for it.
class spare_values {
 public:
  /// Makes `v` `size` elements long; the elements past `size` go to the pool, with their memory.
  template <class T>
  LIVESEND_NOINLINE void truncate(std::vector<T>& v, std::size_t size) {
    if constexpr (is_kept_v<T>) {
      // From the back: the element at `size` goes last, so the next grow takes it back first.
      for (std::size_t i = v.size(); i > size; --i) keep(v[i - 1]);
    }
    v.resize(size);  // destroys moved-from values only: frees nothing
  }

  /// Appends an element to `v`: one from the pool when it has one, else a new one.
  template <class T>
  LIVESEND_NOINLINE void grow(std::vector<T>& v) {
    take<T>([&](T&& value) { v.push_back(std::move(value)); });
  }

  /// Engages `o` with a value from the pool when it has one, else with a new one.
  template <class T>
  LIVESEND_NOINLINE void engage(std::optional<T>& o) {
    take<T>([&](T&& value) { o.emplace(std::move(value)); });
  }

  /// Disengages `o`; its value goes to the pool, with its memory.
  template <class T>
  void reset(std::optional<T>& o) {
    if constexpr (is_kept_v<T>) keep(*o);
    o.reset();
  }

 private:
  using kept_types =
      typename add_kept<typename add_kept<type_list<>, event>::type, event_view>::type;

  template <class T>
  pool<T>& pool_of() noexcept {
    return std::get<pool<T>>(pools_);
  }

  /// Hands `put` a value from the pool when it has one, else a new one.
  template <class T, class Put>
  void take(Put&& put) {
    if constexpr (is_kept_v<T>) {
      pool<T>& p = pool_of<T>();
      if (!p.values.empty()) {
        put(std::move(p.values.back()));
        p.values.pop_back();
        return;
      }
      ++p.made;
    }
    put(T());
  }

  /// Moves `value` into its pool, emptied first; leaves it when the pool is full.
  template <class T>
  LIVESEND_NOINLINE void keep(T& value) {
    pool<T>& p = pool_of<T>();
    if (p.values.size() >= p.made) return;
    release(value);
    p.values.push_back(std::move(value));
  }

  /// Moves the kept values that `value` holds, at any depth, into their pools.
  template <class T>
  void release(T& value) {
    if constexpr (!is_kept_v<T>) {
      (void)value;
    } else if constexpr (is_optional<T>::value) {
      if (value) reset(value);
    } else if constexpr (is_vector<T>::value) {
      truncate(value, 0);
    } else if constexpr (is_record_v<T>) {
      for_each_field<T>([&](const auto& def) { release(value.*(def.member)); });
    }
  }

  typename pools_of<kept_types>::type pools_;
};

/// Reads `text` into a string that is read over again and again: its capacity is kept, and when
/// it must grow it grows to a power of two, so that the next texts of about the same length fit
/// (a string in a pool comes back for another field or another page).
inline void assign_text(std::string& out, std::string_view text) {
  out.clear();  // then append: no aliasing checks
  if (text.size() > out.capacity()) {
    std::size_t bytes = 32;
    while (bytes <= text.size()) bytes *= 2;
    out.reserve(bytes - 1);  // and the terminating null
  }
  out.append(text.data(), text.size());
}
inline void assign_text(std::string_view& out, std::string_view text) noexcept { out = text; }

}  // namespace livesend::detail
