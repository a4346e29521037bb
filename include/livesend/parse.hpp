// livesend/parse.hpp: the reusable parser and the one-shot entry points.
//
// One pass over the bytes of each document: a cursor reads each object's members once, matches
// each key against the type's table (exact case first, in the expected order first) and reads
// its value straight into the member. No tape, no second lookup, no DOM. simdjson checks the
// UTF-8 of the whole input first (its run-time SIMD kernel) and supplies the padded buffers.
// Parsed into a reused value, it reuses that value's memory, and keeps what an event leaves
// unused for the next (`spare_values`): no allocation per event once the workload has been seen.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

/// SSE2 (every x86-64) compares keys 16 bytes at a time; elsewhere, or with LIVESEND_NO_SSE2
/// defined (the C++20 unit test program is built so, to run the portable code), a plain loop.
/// Define it alike in every translation unit of a program.
#if (defined(__SSE2__) || defined(_M_X64)) && !defined(LIVESEND_NO_SSE2)
#define LIVESEND_SSE2 1
#include <emmintrin.h>
#else
#define LIVESEND_SSE2 0
#endif

#include "livesend/detail/json_text.hpp"
#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

/// Keeps a function out of line. The readers of each JSON type are called from every field
/// of that type: inlined, they would copy simdjson's inline code into each field and the hot
/// loop would no longer fit the instruction cache (measured: 1,650 L1i misses per event).
#ifndef LIVESEND_NOINLINE
#if defined(__GNUC__) || defined(__clang__)
#define LIVESEND_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define LIVESEND_NOINLINE __declspec(noinline)
#else
#define LIVESEND_NOINLINE
#endif
#endif

/// Marks the error paths: out of line and out of the hot code's way.
#ifndef LIVESEND_COLD
#if defined(__GNUC__) || defined(__clang__)
#define LIVESEND_COLD __attribute__((noinline, cold))
#else
#define LIVESEND_COLD LIVESEND_NOINLINE
#endif
#endif

namespace livesend {

/// Bounds and switches of a parser. The defaults suit webhook receivers.
struct parse_options {
  /// Inputs larger than this are refused with `input_too_large` before any parsing.
  std::size_t max_input_size = std::size_t{16} * 1024 * 1024;
  /// Deepest nesting accepted inside a `raw` value or an unknown key's value
  /// (`depth_exceeded` past it).
  std::size_t max_raw_depth = 64;
  /// Collect the path of every unknown key (see `parser::unknown_keys()`). Off by default: the
  /// paths are built, and allocate, only when asked for.
  bool report_unknown_keys = false;
  /// Read `null` in a required timestamp as unset (DateTime.MinValue) instead of an error. The
  /// contract's normalized JSON writes unset timestamps as null; turn this on to read that form
  /// back (e.g. `livesend json | livesend validate --normalized`).
  bool null_timestamp_is_unset = false;
};

/// An unknown key met by a parse (see `parse_options::report_unknown_keys`).
struct unknown_key {
  std::string path;        ///< e.g. `data.ClientDetails.Timezone`, the key spelled as in the input
  std::size_t offset = 0;  ///< byte offset of the key's opening quote in the input
  std::size_t line = 1;    ///< 1-based line of that offset
};

namespace detail {

/// ASCII-case-insensitive equality (the contract's key rule).
inline bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if ((x | 0x20) != (y | 0x20)) return false;
    unsigned char lower = x | 0x20;
    if (lower < 'a' || lower > 'z') return false;
  }
  return true;
}

/// Reads a JSON number's text as an int64 when its value is an integer (`1e2`, `100.0`), else
/// says why not. Used only after simdjson's own int64 reading declined.
enum class integral_status { ok, fraction, overflow, not_a_number };
inline integral_status exact_integer(std::string_view text, std::int64_t& out) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  bool negative = false;
  if (i < n && text[i] == '-') {
    negative = true;
    ++i;
  }
  // Significant digits of integer and fraction parts, and the exponent that scales them.
  char digits[32];
  std::size_t count = 0;
  std::int64_t scale = 0;
  bool any = false;
  auto take = [&](char c, bool fractional) {
    any = true;
    if (count == 0 && c == '0') {
      if (fractional) --scale;
      return true;
    }
    if (count == sizeof digits) {
      // Past 32 significant digits only zeros can still give an int64: a zero of the integer
      // part multiplies by ten, a zero of the fraction changes nothing.
      if (c != '0') return false;
      if (!fractional) ++scale;
      return true;
    }
    digits[count++] = c;
    if (fractional) --scale;
    return true;
  };
  bool too_long = false;
  while (i < n && text[i] >= '0' && text[i] <= '9') too_long |= !take(text[i++], false);
  if (!any) return integral_status::not_a_number;
  if (i < n && text[i] == '.') {
    ++i;
    bool frac = false;
    while (i < n && text[i] >= '0' && text[i] <= '9') {
      too_long |= !take(text[i++], true);
      frac = true;
    }
    if (!frac) return integral_status::not_a_number;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg_exp = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) neg_exp = text[i++] == '-';
    if (i == n || text[i] < '0' || text[i] > '9') return integral_status::not_a_number;
    std::int64_t e = 0;
    while (i < n && text[i] >= '0' && text[i] <= '9') {
      if (e < 100000) e = e * 10 + (text[i] - '0');
      ++i;
    }
    scale += neg_exp ? -e : e;
  }
  if (i != n) return integral_status::not_a_number;
  if (too_long) return integral_status::overflow;
  // Drop trailing zeros of the significand into the scale.
  while (count > 0 && digits[count - 1] == '0') {
    --count;
    ++scale;
  }
  if (count == 0) {
    out = 0;
    return integral_status::ok;
  }
  if (scale < 0) return integral_status::fraction;
  if (static_cast<std::int64_t>(count) + scale > 19) return integral_status::overflow;
  std::uint64_t value = 0;
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  for (std::size_t k = 0; k < count + static_cast<std::size_t>(scale); ++k) {
    const unsigned d = k < count ? static_cast<unsigned>(digits[k] - '0') : 0;
    if (value > (limit - d) / 10) return integral_status::overflow;
    value = value * 10 + d;
  }
  out = negative ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
  return integral_status::ok;
}

template <class T>
struct is_event : std::false_type {};
template <class S>
struct is_event<basic_event<S>> : std::true_type {};

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

/// The first byte from `s` on that can end or interrupt a string's plain run: a quote, a
/// backslash or a control character (< 0x20). May return a pointer at or past `end` (the run
/// reaches the end of the input, or a byte of the padding was found): the caller checks. `s`
/// must be before `end`; reads at most 31 bytes past `end` (inside the padding). 32 bytes a
/// step: most strings end within the first, so that its branch is seldom mispredicted.
inline const char* find_string_stop(const char* s, const char* end) noexcept {
#if LIVESEND_SSE2
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1F);
  const auto stops = [&](const char* at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
        _mm_cmpeq_epi8(_mm_min_epu8(bytes, control), bytes));  // unsigned bytes <= 0x1F
    return static_cast<std::uint32_t>(_mm_movemask_epi8(hits));
  };
  for (;;) {
    if (const std::uint32_t mask = stops(s) | stops(s + 16) << 16) {
      return s + lowest_set_bit(mask);
    }
    s += 32;
    if (s >= end) return end;
  }
#else
  while (s < end && *s != '"' && *s != '\\' && static_cast<unsigned char>(*s) >= 0x20) ++s;
  return s;
#endif
}

/// One parse of one document, straight from its bytes: a cursor moves over the text once,
/// reading each value into the model as it meets it (no tape, no index, no DOM). It keeps the
/// path of the field it is in (for errors and unknown keys), and builds the error on the
/// failure path.
///
/// The input is valid UTF-8 (checked before, in one pass) and has SIMDJSON_PADDING readable
/// bytes past its end, whose content is not trusted: the cursor never goes past the end, and a
/// byte is looked at only after a bound check, except by the block reads of strings, keys and
/// timestamps, which stay inside the padding and mask off what lies past the end.
///
/// Errors: a syntax error anywhere in the document wins over any other error (it is located by
/// re-checking the whole input with check_json, on the failure path only); otherwise the first
/// error met, with the path of its field.
class reader {
 public:
  /// The deepest a document may nest anywhere (within raw values, max_raw_depth holds).
  static constexpr std::size_t max_document_depth = 1024;

  /// `scratch` has room for input.size() bytes: unescaped strings are written there (their
  /// total never exceeds the input's size, as each string of the input is read once and an
  /// escape is never shorter than what it stands for).
  reader(std::string_view input, const parse_options& options, spare_values& spares,
         std::vector<unknown_key>* unknown, char* scratch) noexcept
      : input_(input),
        options_(options),
        spares_(spares),
        unknown_(unknown),
        p_(input.data()),
        end_(input.data() + input.size()),
        scratch_(scratch) {}

  error take_error() { return std::move(error_); }

  /// Reads the top-level object into `out`, then checks nothing follows it.
  template <class T>
  bool read_document(T& out) {
    skip_space();
    if (!at('{')) {
      if (p_ == end_) return fail_syntax(p_);
      return fail(error_code::not_an_object, p_,
                  "the top-level value is not a JSON object; an event is an object");
    }
    if (!read_object(&out, record_table_of<T>)) return false;
    skip_space();
    if (p_ != end_) {
      return fail(error_code::trailing_content, p_, "content after the event's closing brace");
    }
    return true;
  }

  // --- scalars -------------------------------------------------------------------------------

  LIVESEND_NOINLINE bool read(std::string& out) {
    std::string_view s;
    if (!read_string(s, "a string")) return false;
    assign_text(out, s);
    return true;
  }

  LIVESEND_NOINLINE bool read(std::string_view& out) { return read_string(out, "a string"); }

  LIVESEND_NOINLINE bool read(bool& out) {
    if (at('t') && literal_is("true")) {
      p_ += 4;
      out = true;
      return true;
    }
    if (at('f') && literal_is("false")) {
      p_ += 5;
      out = false;
      return true;
    }
    return fail_type("true or false");
  }

  LIVESEND_NOINLINE bool read(double& out) {
    const char* start = p_;
    if (!at_number()) return fail_type("a number");
    const std::size_t size = number_size();
    if (size == 0) return fail_syntax(start);
    const auto r = std::from_chars(start, start + size, out);
    if (r.ec == std::errc::result_out_of_range) {
      if (overflows(std::string_view(start, size))) {
        return fail(error_code::out_of_range, start, "number does not fit a double");
      }
      out = *start == '-' ? -0.0 : 0.0;  // underflow: nearer zero than any double
    } else if (r.ec != std::errc() || r.ptr != start + size) {
      return fail_syntax(start);  // not reached: the number is well formed
    }
    p_ = start + size;
    return true;
  }

  LIVESEND_NOINLINE bool read(std::int64_t& out) {
    // Fast path: 1 to 7 digits, found and converted in one 8-byte word (no loop, no branch per
    // digit), with no fraction, no exponent and no leading zero after them.
    const bool negative = *p_ == '-';  // *end_ is readable padding
    const char* s = p_ + (negative ? 1 : 0);
    if (end_ - s > 8) {
      const std::uint64_t word = load_le64(s);
      constexpr std::uint64_t high = 0xF0F0F0F0F0F0F0F0u;
      constexpr std::uint64_t zeros = 0x3030303030303030u;
      // A byte is a digit when it is 0x3X and stays so plus 6. A carry out of a non-digit
      // byte reaches only the bytes after it, which are not looked at.
      const std::uint64_t other =
          ((word & high) ^ zeros) | (((word + 0x0606060606060606u) & high) ^ zeros);
      const int n =
          other == 0 ? 8 : lowest_set_bit(other) >> 3;  // the digits before the first other byte
      const char next = s[n];
      if (n > 0 && n < 8 && (s[0] != '0' || n == 1) && next != '.' && (next | 0x20) != 'e') {
        // The digits moved to the top of the word (zeros before them), then summed in pairs,
        // fours and eights.
        std::uint64_t v = (word << (8 * (8 - n))) & 0x0F0F0F0F0F0F0F0Fu;
        v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFu;
        v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFu;
        v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFu;
        out = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
        p_ = s + n;
        return true;
      }
    }
    return read_integer_text(out);
  }

  /// An integer the fast path leaves: long, with a fraction or an exponent (`1e2` is 100), or
  /// not a number at all.
  LIVESEND_NOINLINE bool read_integer_text(std::int64_t& out) {
    const char* start = p_;
    if (!at_number()) return fail_type("an integer");
    const std::size_t size = number_size();
    if (size == 0) return fail_syntax(start);
    switch (exact_integer(std::string_view(start, size), out)) {
      case integral_status::ok:
        p_ = start + size;
        return true;
      case integral_status::fraction:
        return fail(error_code::out_of_range, start,
                    "expected an integer, found a number with a fraction");
      case integral_status::overflow:
        return fail(error_code::out_of_range, start, "integer does not fit in 64 bits");
      case integral_status::not_a_number:
        break;
    }
    return fail_syntax(start);  // not reached: the number is well formed
  }

  LIVESEND_NOINLINE bool read(timestamp& out) {
    // Fast path: the ISO form read straight from the input. parse_iso_fast reads iso_fast_reads
    // bytes after the opening quote, inside the input and its padding. A text it accepts that
    // a quote inside the input follows is the whole string, with no escape (see
    // parse_iso_fast).
    static_assert(iso_fast_reads < simdjson::SIMDJSON_PADDING, "the fast path reads the padding");
    if (at('"')) {
      timestamp t;  // `out` is written only on success, as by the general path
      const std::size_t n = parse_iso_fast(padded_chars{p_ + 1}, t);
      const char* close = p_ + 1 + n;
      if (n != 0 && close < end_ && *close == '"') {
        p_ = close + 1;
        out = t;
        return true;
      }
    }
    return read_timestamp_text(out);
  }

  /// A timestamp the fast path leaves (the .NET form, escapes, null, errors): the string,
  /// unescaped, then the general parser. Out of line, so that the fast path needs none of its
  /// registers or stack.
  LIVESEND_NOINLINE bool read_timestamp_text(timestamp& out) {
    const char* start = p_;
    if (options_.null_timestamp_is_unset && at('n') && literal_is("null")) {
      p_ += 4;
      out = timestamp::unset();
      return true;
    }
    std::string_view text;
    if (!read_string(text, "a timestamp string")) return false;
    if (const char* why = detail::parse_timestamp(text, out)) {
      return fail(error_code::invalid_timestamp, start,
                  "invalid timestamp " + quote_for_message(text) + ": " + why);
    }
    return true;
  }

  template <class S>
  LIVESEND_NOINLINE bool read(basic_raw_json<S>& out) {
    if (at('n') && literal_is("null")) {
      return fail(error_code::null_field, p_, "is null, but the field is required");
    }
    std::string_view text;
    if (!read_raw_text(text)) return false;
    assign_text(out.json, text);
    return true;
  }

  // --- containers ----------------------------------------------------------------------------

  template <class T>
  LIVESEND_NOINLINE bool read(std::optional<T>& out) {
    if (at('n') && literal_is("null")) {
      p_ += 4;
      if (out) spares_.reset(out);
      return true;
    }
    if (!out) spares_.engage(out);
    if (!read(*out)) return false;
    if constexpr (std::is_same_v<T, timestamp>) {
      if (out->is_unset()) out.reset();  // DateTime.MinValue in an optional means no value
    }
    return true;
  }

  template <class T>
  LIVESEND_NOINLINE bool read(std::vector<T>& out) {
    if (!at('[')) return fail_type("an array");
    const char* const end = end_;
    const char* p = space_end(p_ + 1, end);
    std::size_t count = 0;  // the element being read: the path's last index
    if (p < end && *p == ']') {
      p_ = p + 1;
    } else {
      const scoped_frame in_array(*this, nullptr, &count);
      for (;;) {
        p_ = p;
        if (count == out.size()) spares_.grow(out);  // else read over the element there
        if (!read(out[count])) return false;
        ++count;
        p = space_end(p_, end);
        if (p < end && *p == ',') {
          p = space_end(p + 1, end);
          continue;
        }
        if (p < end && *p == ']') {
          p_ = p + 1;
          break;
        }
        return fail_syntax(p);
      }
    }
    if (count != out.size()) spares_.truncate(out, count);
    return true;
  }

  template <class T, std::enable_if_t<is_record_v<T>, int> = 0>
  bool read(T& out) {
    if (!at('{')) return fail_type("an object");
    return read_object(&out, record_table_of<T>);
  }

 private:
  // --- the cursor ----------------------------------------------------------------------------

  /// Is the cursor at `c` (and inside the input)?
  bool at(char c) const noexcept { return p_ < end_ && *p_ == c; }

  void skip_space() noexcept { p_ = space_end(p_, end_); }

  /// The first byte from `p` on that is not whitespace, or `end`. Most often `p` itself, which
  /// one compare tells (any byte above ' ' is not whitespace; `*end` is readable padding).
  static const char* space_end(const char* p, const char* end) noexcept {
    while (static_cast<unsigned char>(*p) <= ' ' && p < end && json_text_impl::is_space(*p)) ++p;
    return p;
  }

  /// Is `word` (4 or 5 bytes) at the cursor, inside the input?
  template <std::size_t N>
  bool literal_is(const char (&word)[N]) const noexcept {
    constexpr std::size_t size = N - 1;
    return static_cast<std::size_t>(end_ - p_) >= size && std::memcmp(p_, word, size) == 0;
  }

  bool at_number() const noexcept {
    return p_ < end_ && (*p_ == '-' || json_text_impl::is_digit(*p_));
  }

  /// The length of the well-formed JSON number at the cursor, or 0.
  std::size_t number_size() const noexcept {
    const std::string_view rest(p_, static_cast<std::size_t>(end_ - p_));
    const json_text_impl::scan s = json_text_impl::scan_number(rest, 0);
    return s.problem == nullptr ? s.pos : 0;
  }

  /// Does a well-formed number that from_chars found out of range overflow (rather than
  /// underflow)? By the place of its first significant digit: the largest double has 309 digits
  /// before the point, the smallest sits 324 places after it.
  static bool overflows(std::string_view number) noexcept {
    std::size_t i = number[0] == '-' ? 1 : 0;
    long long place = 0;  // the first significant digit's place, 10^(place - 1)
    bool significant = false;
    for (; i < number.size() && json_text_impl::is_digit(number[i]); ++i) {
      significant |= number[i] != '0';
      place += significant ? 1 : 0;
    }
    if (i < number.size() && number[i] == '.') {
      for (++i; i < number.size() && json_text_impl::is_digit(number[i]); ++i) {
        if (significant) continue;
        if (number[i] != '0') {
          significant = true;
        } else {
          --place;
        }
      }
    }
    long long exponent = 0;
    if (i < number.size()) {  // 'e' or 'E'
      ++i;
      const bool negative = number[i] == '-';
      if (number[i] == '-' || number[i] == '+') ++i;
      for (; i < number.size(); ++i) {
        if (exponent < 100000000) exponent = exponent * 10 + (number[i] - '0');
      }
      if (negative) exponent = -exponent;
    }
    return place + exponent > 0;
  }

  /// Reads the string at the cursor (`expected` names the type wanted, for the error when it is
  /// not a string): straight from the input when it has no escape, else unescaped into the
  /// scratch space.
  bool read_string(std::string_view& text, const char* expected) {
    if (!at('"')) return fail_type(expected);
    const char* s = p_ + 1;
    const char* stop = s < end_ ? find_string_stop(s, end_) : end_;
    if (stop < end_ && *stop == '"') {
      text = std::string_view(s, static_cast<std::size_t>(stop - s));
      p_ = stop + 1;
      return true;
    }
    return read_escaped_string(text);
  }

  /// The string at the cursor when it has an escape, or is not well formed.
  LIVESEND_NOINLINE bool read_escaped_string(std::string_view& text) {
    const char* s = p_ + 1;
    char* const begin = scratch_;
    char* out = scratch_;
    for (;;) {
      const char* stop = s < end_ ? find_string_stop(s, end_) : end_;
      if (stop >= end_) return fail_syntax(p_);  // unterminated
      std::memcpy(out, s, static_cast<std::size_t>(stop - s));
      out += stop - s;
      if (*stop == '"') {
        text = std::string_view(begin, static_cast<std::size_t>(out - begin));
        scratch_ = out;
        p_ = stop + 1;
        return true;
      }
      if (*stop != '\\' || end_ - stop < 2) return fail_syntax(stop);  // a control character
      const char letter = stop[1];
      s = stop + 2;
      switch (letter) {
        case '"':
        case '\\':
        case '/':
          *out++ = letter;
          continue;
        case 'b':
          *out++ = '\b';
          continue;
        case 'f':
          *out++ = '\f';
          continue;
        case 'n':
          *out++ = '\n';
          continue;
        case 'r':
          *out++ = '\r';
          continue;
        case 't':
          *out++ = '\t';
          continue;
        case 'u':
          break;
        default:
          return fail_syntax(stop);
      }
      long unit = hex4(s);
      if (unit < 0 || json_text_impl::is_low_surrogate(unit)) return fail_syntax(stop);
      s += 4;
      if (json_text_impl::is_high_surrogate(unit)) {
        // A high surrogate must be followed at once by the \u escape of a low one.
        const long low = end_ - s >= 2 && s[0] == '\\' && s[1] == 'u' ? hex4(s + 2) : -1;
        if (!json_text_impl::is_low_surrogate(low)) return fail_syntax(stop);
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        s += 6;
      }
      out = append_utf8(out, static_cast<std::uint32_t>(unit));
    }
  }

  /// The four hex digits at `s` as a number, or -1 (also when the input ends first).
  long hex4(const char* s) const noexcept {
    if (end_ - s < 4) return -1;
    long unit = 0;
    for (int k = 0; k < 4; ++k) {
      const int digit = json_text_impl::hex_value(s[k]);
      if (digit < 0) return -1;
      unit = unit * 16 + digit;
    }
    return unit;
  }

  static char* append_utf8(char* out, std::uint32_t c) noexcept {
    if (c < 0x80) {
      *out++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *out++ = static_cast<char>(0xC0 | (c >> 6));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out++ = static_cast<char>(0xE0 | (c >> 12));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *out++ = static_cast<char>(0xF0 | (c >> 18));
      *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
  }

  /// The JSON text of the value at the cursor, checked for syntax and for depth (within
  /// max_raw_depth), and moves past it.
  bool read_raw_text(std::string_view& text) {
    const char* start = p_;
    if (p_ == end_) return fail_syntax(p_);
    const auto from = static_cast<std::size_t>(p_ - input_.data());
    const json_text_impl::value_extent value =
        json_text_impl::scan_value(input_, from, options_.max_raw_depth);
    if (!value.check.ok()) {
      const char* problem = input_.data() + value.check.offset;
      if (value.check.code == error_code::depth_exceeded) {
        return fail(error_code::depth_exceeded, problem,
                    "nested deeper than " + std::to_string(options_.max_raw_depth) + " levels");
      }
      return fail_syntax(problem);
    }
    p_ = input_.data() + value.end;
    text = std::string_view(start, static_cast<std::size_t>(p_ - start));
    return true;
  }

  // --- objects -------------------------------------------------------------------------------

  /// What the one object loop needs to know of a record type: its keys, a reader per field,
  /// which fields are required, and how to reset the optional ones an object lacks. Built from
  /// `schema<T>` at compile time; erasing the type keeps one copy of the loop for all records.
  /// A key as the fast compare wants it: its bytes and the closing quote, zero-padded to 32
  /// bytes, a mask of the bytes that count, and its size.
  struct padded_key {
    alignas(16) char bytes[32];
    std::uint32_t mask;
    std::uint32_t size;
  };

  struct record_table {
    using field_reader = bool (*)(reader&, void* record);
    const std::string_view* keys;
    const padded_key* padded_keys;
    const field_reader* readers;
    void (*reset_unseen)(spare_values& spares, void* record, std::uint64_t seen);
    std::size_t count;
    std::uint64_t required;
  };

  template <class T, std::size_t I>
  static bool read_field_of(reader& r, void* record) {
    return r.read_field<T, I>(*static_cast<T*>(record));
  }
  template <class T, std::size_t... I>
  static constexpr std::array<record_table::field_reader, sizeof...(I)> readers_of(
      std::index_sequence<I...>) noexcept {
    return {&reader::read_field_of<T, I>...};
  }
  template <class T>
  static constexpr auto field_readers = readers_of<T>(std::make_index_sequence<field_count<T>>{});

  template <class T>
  static void reset_unseen_of(spare_values& spares, void* record, std::uint64_t seen) {
    reset_unseen(spares, *static_cast<T*>(record), seen,
                 std::make_index_sequence<field_count<T>>{});
  }

  template <class T, std::size_t... I>
  static constexpr std::array<padded_key, sizeof...(I)> pad_keys(
      std::index_sequence<I...>) noexcept {
    static_assert(keys_shorter_than<T>(32, std::index_sequence<I...>{}),
                  "padded_key holds keys of up to 31 bytes and their closing quote");
    return {pad_key(keys<T>[I])...};
  }
  static constexpr padded_key pad_key(std::string_view key) noexcept {
    padded_key out{};
    for (std::size_t i = 0; i < key.size(); ++i) out.bytes[i] = key[i];
    out.bytes[key.size()] = '"';
    out.mask =
        key.size() + 1 == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << (key.size() + 1)) - 1;
    out.size = static_cast<std::uint32_t>(key.size());
    return out;
  }
  template <class T>
  static constexpr auto padded_keys = pad_keys<T>(std::make_index_sequence<field_count<T>>{});

  template <class T>
  static constexpr record_table record_table_of = {
      keys<T>.data(), padded_keys<T>.data(), field_readers<T>.data(), &reader::reset_unseen_of<T>,
      field_count<T>, required_mask<T>};

  /// The one loop over an object's members (the cursor at its `{`), for every record type: each
  /// key is matched against the table (first the key expected next, as keys usually arrive in
  /// table order; then the others, on the raw bytes; then, unescaped, exactly and
  /// ASCII-case-insensitively) and its value read straight into the member by that field's
  /// reader. Unknown keys are checked and skipped. A key met twice is read twice: the last wins.
  LIVESEND_NOINLINE bool read_object(void* record, const record_table& table) {
    static_assert(sizeof(std::uint64_t) * 8 >= 64, "the seen-mask holds 64 fields");
    // The cursor and the table are kept in locals between the field readers' calls: stores
    // into the model may alias the members, which would be reloaded after each one.
    const char* const end = end_;
    const padded_key* const padded = table.padded_keys;
    const std::size_t count = table.count;
    const char* const start = p_;
    std::uint64_t seen = 0;
    std::size_t expected = 0;
    std::size_t field = 0;  // the field being read: the path's last key
    const scoped_frame in_object(*this, &table, &field);
    const char* p = space_end(start + 1, end);
    if (p < end && *p == '}') {
      ++p;
    } else {
      for (;;) {
        if (p >= end || *p != '"') return fail_syntax(p);
        const char* const quote = p;
        const char* const raw = p + 1;
        std::size_t index = expected;
        if (expected >= count || !raw_key_is(raw, padded[expected])) {
          index = find_raw_key(table, raw, expected);
        }
        std::string_view key;
        if (index != count) {
          const char* close = raw + padded[index].size;
          if (close >= end) return fail_syntax(quote);  // its closing quote is past the end
          p = close + 1;
        } else {
          p_ = p;
          if (!read_string(key, "a string key")) return false;
          index = find_key(table, key);
          p = p_;
        }
        p = space_end(p, end);
        if (p >= end || *p != ':') return fail_syntax(p);
        p_ = space_end(p + 1, end);
        if (index == count) {
          if (!skip_unknown(key, quote)) return false;
        } else {
          expected = index + 1;
          seen |= std::uint64_t{1} << index;
          field = index;
          if (!table.readers[index](*this, record)) return false;
        }
        p = space_end(p_, end);
        if (p < end && *p == ',') {
          p = space_end(p + 1, end);
          continue;
        }
        if (p < end && *p == '}') {
          ++p;
          break;
        }
        return fail_syntax(p);
      }
    }
    p_ = p;
    if (const std::uint64_t missing = table.required & ~seen) {
      field = 0;
      while (!((missing >> field) & 1)) ++field;
      return fail(error_code::missing_field, start, "required field is missing");
    }
    table.reset_unseen(spares_, record, seen);
    return true;
  }

  /// Is the raw key (in the input, after its opening quote) exactly `key`? All 32 bytes at once,
  /// masked to the key and its closing quote: a call to memcmp per field cost more than the rest
  /// of the match. Reading 32 bytes from `raw` stays inside the input's padding (`raw` is inside
  /// the input); the caller checks that the closing quote is inside the input too.
  static bool raw_key_is(const char* raw, const padded_key& key) noexcept {
#if LIVESEND_SSE2
    const auto* k = reinterpret_cast<const __m128i*>(key.bytes);
    const auto* r = reinterpret_cast<const __m128i*>(raw);
    const auto low = static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(r), _mm_load_si128(k))));
    const auto high = static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(r + 1), _mm_load_si128(k + 1))));
    return ((low | high << 16) & key.mask) == key.mask;
#else
    std::uint32_t differ = 0;
    for (std::size_t i = 0; i < 32; ++i) differ |= std::uint32_t{raw[i] != key.bytes[i]} << i;
    return (differ & key.mask) == 0;
#endif
  }

  /// The field whose key is exactly the raw key, other than `skip` (already compared): from the
  /// one after it, as a key that is not the one expected is most often the next but one (an
  /// optional field left out). `table.count` when none is.
  static std::size_t find_raw_key(const record_table& table, const char* raw,
                                  std::size_t skip) noexcept {
    for (std::size_t i = skip + 1; i < table.count; ++i) {
      if (raw_key_is(raw, table.padded_keys[i])) return i;
    }
    for (std::size_t i = 0; i < skip && i < table.count; ++i) {
      if (raw_key_is(raw, table.padded_keys[i])) return i;
    }
    return table.count;
  }

  /// The field of an unescaped key that no raw compare matched: exactly (a key with escapes),
  /// else ASCII-case-insensitively. `table.count` when none is: an unknown key.
  static std::size_t find_key(const record_table& table, std::string_view key) noexcept {
    for (std::size_t i = 0; i < table.count; ++i) {
      if (table.keys[i] == key) return i;
    }
    for (std::size_t i = 0; i < table.count; ++i) {
      if (iequals_ascii(table.keys[i], key)) return i;
    }
    return table.count;
  }

  template <class T, std::size_t I>
  bool read_field(T& out) {
    constexpr auto def = std::get<I>(schema<T>::fields);
    if constexpr (is_event<T>::value && def.key == std::string_view("version")) {
      const char* start = p_;
      if (!read(out.*(def.member))) return false;
      const std::string_view version = out.*(def.member);
      if (version != version_v3 && version != version_enriched_v3) {
        return fail(error_code::unsupported_version, start,
                    "unsupported version " + quote_for_message(version) + "; expected \"" +
                        std::string(version_v3) + "\" or \"" + std::string(version_enriched_v3) +
                        "\"");
      }
      return true;
    } else {
      return read(out.*(def.member));
    }
  }

  /// Disengages the optional members that the object lacked (their values become spares), so
  /// that nothing of what a reused record held before shows through: every other member is
  /// required, so it was read.
  template <class T, std::size_t... I>
  static void reset_unseen(spare_values& spares, T& out, std::uint64_t seen,
                           std::index_sequence<I...>) {
    (reset_if_optional(spares, out.*(std::get<I>(schema<T>::fields).member), (seen >> I) & 1), ...);
  }
  template <class M>
  static void reset_if_optional(spare_values& spares, M& member, bool seen) {
    if constexpr (is_optional<M>::value) {
      if (!seen && member) spares.reset(member);
    } else {
      (void)spares;
      (void)member;
      (void)seen;
    }
  }

  /// Unknown keys are skipped, but their values must still be valid JSON within the depth bound.
  /// `quote` is the key's opening quote.
  bool skip_unknown(std::string_view key, const char* quote) {
    unknown_key_ = key;  // the path's last key while its value is checked
    if (unknown_ != nullptr) {
      const auto offset = static_cast<std::size_t>(quote - input_.data());
      unknown_->push_back(unknown_key{render_path(), offset, line_of(input_, offset)});
    }
    std::string_view ignored;
    const bool ok = read_raw_text(ignored);
    unknown_key_ = {};
    return ok;
  }

  // --- errors --------------------------------------------------------------------------------

  /// Does the document have a syntax error anywhere, or nest deeper than 1024 levels? Checked
  /// once, on a failure path only.
  bool has_syntax_error() noexcept {
    if (!syntax_checked_) {
      syntax_ = check_json(input_, max_document_depth);
      syntax_checked_ = true;
    }
    return !syntax_.ok();
  }

  /// The value at the cursor is not of the type the field wants (`expected`), or is null where
  /// a value is required. A syntax error anywhere wins, and so does nesting too deep anywhere
  /// (a value of the wrong type may be too deep to be read at all).
  LIVESEND_COLD bool fail_type(const char* expected) {
    if (has_syntax_error()) return fail_syntax(p_);
    const char* start = p_;
    const char c = p_ < end_ ? *p_ : '\0';
    const char* found = nullptr;
    if (c == '[') {
      found = "an array";
    } else if (c == '{') {
      found = "an object";
    } else if (c == '"') {
      found = "a string";
    } else if (c == '-' || json_text_impl::is_digit(c)) {
      found = "a number";
    } else if ((c == 't' && literal_is("true")) || (c == 'f' && literal_is("false"))) {
      found = "true or false";
    } else if (c == 'n' && literal_is("null")) {
      return fail(error_code::null_field, start, "is null, but the field is required");
    } else {
      return fail_syntax(start);
    }
    return fail(error_code::wrong_type, start,
                std::string("expected ") + expected + ", found " + found);
  }

  /// A syntax error, located precisely by check_json over the whole input; at `at` with a plain
  /// message in case the check finds nothing (a reader and check_json that disagree).
  LIVESEND_COLD bool fail_syntax(const char* at) {
    if (has_syntax_error()) {
      return report(syntax_.code, input_.data() + syntax_.offset, syntax_.message, false);
    }
    return report(error_code::syntax_error, at, "invalid JSON", false);
  }

  /// Any other error, at `at`, with the path. A syntax error anywhere in the input wins, and so
  /// does nesting deeper than max_document_depth before `at`.
  LIVESEND_COLD bool fail(error_code code, const char* at, std::string message) {
    if (has_syntax_error() &&
        (syntax_.code != error_code::depth_exceeded || input_.data() + syntax_.offset < at)) {
      return fail_syntax(at);
    }
    return report(code, at, std::move(message), true);
  }

  bool report(error_code code, const char* at, std::string message, bool with_path) {
    std::size_t offset = 0;
    if (at != nullptr && at >= input_.data() && at <= input_.data() + input_.size()) {
      offset = static_cast<std::size_t>(at - input_.data());
    }
    error_ = error(code, with_path ? render_path() : std::string(), offset, line_of(input_, offset),
                   std::move(message));
    return false;
  }

  // --- the path ------------------------------------------------------------------------------
  //
  // One frame per open object or array, not one per field: a frame points at the variable of
  // the loop that says which field (or element) it is at, so that moving on to the next field
  // costs one store. The path is rendered from the frames only when an error or an unknown key
  // needs it.

  struct frame {
    const record_table* table;  // the object's fields; nullptr for an array
    const std::size_t* at;      // the field's index in the table, or the element's index
  };

  /// A frame open for the lifetime of a scope.
  class scoped_frame {
   public:
    scoped_frame(reader& r, const record_table* table, const std::size_t* at) noexcept : r_(r) {
      if (r_.depth_ < r_.frames_.size()) r_.frames_[r_.depth_] = frame{table, at};
      ++r_.depth_;
    }
    ~scoped_frame() { --r_.depth_; }
    scoped_frame(const scoped_frame&) = delete;
    scoped_frame& operator=(const scoped_frame&) = delete;

   private:
    reader& r_;
  };

  /// e.g. `data.ContentSessions[0].Pages[2].PageIndex`; the unknown key being skipped, if any,
  /// in place of the innermost object's field.
  std::string render_path() const {
    std::string out;
    const std::size_t depth = std::min(depth_, frames_.size());
    for (std::size_t i = 0; i < depth; ++i) {
      const frame& f = frames_[i];
      if (f.table == nullptr) {
        out += '[';
        out += std::to_string(*f.at);
        out += ']';
        continue;
      }
      const bool unknown = i + 1 == depth && unknown_key_.data() != nullptr;
      const std::string_view key = unknown ? unknown_key_ : f.table->keys[*f.at];
      if (!out.empty()) out += '.';
      out.append(key.data(), key.size());
    }
    return out;
  }

  std::string_view input_;
  const parse_options& options_;
  spare_values& spares_;
  std::vector<unknown_key>* unknown_;
  const char* p_;                   // the cursor
  const char* const end_;           // the end of the input
  char* scratch_;                   // where the next unescaped string goes
  std::array<frame, 24> frames_{};  // deeper than any record nests
  std::size_t depth_ = 0;
  std::string_view unknown_key_;
  bool syntax_checked_ = false;
  json_check syntax_{};
  error error_;
};

}  // namespace detail

/// A reusable parser. Keep one per thread and parse many events with it, into a reused value:
/// once both have seen the workload (in practice once or a few times over), parsing allocates
/// nothing, whatever the shapes of the events. What an event leaves unused of the value (array
/// elements, optional values) waits in the parser's pools for the next one (see `spare_values`).
///
/// Lifetimes: a view flavour (`event_view`) filled by `parse` points into this parser's buffers
/// and into the input; it stays valid until this parser parses again and while the input lives.
class parser {
 public:
  explicit parser(parse_options options = {}) : options_(options) {}

  /// Parses one event from any bytes. The bytes are copied once into a padded buffer that the
  /// parser keeps and reuses (simdjson reads up to 64 bytes past the end).
  template <class S>
  [[nodiscard]] error parse(std::string_view json, basic_event<S>& out) {
    if (json.size() > options_.max_input_size) return too_large(json.size());
    reserve(copy_, copy_capacity_, json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(copy_.get(), json.data(), json.size());
    std::memset(copy_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    return parse(simdjson::padded_string_view(copy_.get(), json.size(),
                                              json.size() + simdjson::SIMDJSON_PADDING),
                 out);
  }

  /// Parses one event from a buffer that already has `SIMDJSON_PADDING` readable bytes past its
  /// end: no copy. A UTF-8 byte order mark before the event is skipped (as `parse_stream` does);
  /// offsets still count from the input's first byte.
  template <class S>
  [[nodiscard]] error parse(simdjson::padded_string_view json, basic_event<S>& out) {
    if (options_.report_unknown_keys) unknown_keys_.clear();
    if (json.size() > options_.max_input_size) return too_large(json.size());
    if (const std::size_t bom = detail::bom_size(json)) {
      const simdjson::padded_string_view rest(json.data() + bom, json.size() - bom,
                                              json.capacity() - bom);
      error err = parse_json(rest, out);
      if (err) err.rebase(bom, 0);
      for (unknown_key& key : unknown_keys_) key.offset += bom;
      return err;
    }
    return parse_json(json, out);
  }

  /// Parses one event from a simdjson::padded_string: no copy.
  template <class S, class Padded,
            std::enable_if_t<std::is_same_v<Padded, simdjson::padded_string>, int> = 0>
  [[nodiscard]] error parse(const Padded& json, basic_event<S>& out) {
    return parse(simdjson::padded_string_view(json), out);
  }

  /// Parses one event into a new owning value.
  result<event> parse(std::string_view json) {
    event out;
    if (auto err = parse(json, out)) return err;
    return out;
  }

  /// The paths of the unknown keys met by the last parse (`report_unknown_keys` only), e.g.
  /// `data.ClientDetails.Timezone`, spelled as in the input.
  const std::vector<unknown_key>& unknown_keys() const noexcept { return unknown_keys_; }

  const parse_options& options() const noexcept { return options_; }

 private:
  /// parse() past the byte order mark.
  template <class S>
  error parse_json(simdjson::padded_string_view json, basic_event<S>& out) {
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return error(error_code::empty_input, {}, 0, 1, "no JSON value in the input");
    }
    if (!simdjson::validate_utf8(json.data(), json.size())) {
      // Where, and whether a syntax error comes first: the check of the whole text says.
      const detail::json_check check = detail::check_json(json, detail::reader::max_document_depth);
      return error(check.code, {}, check.offset, detail::line_of(json, check.offset),
                   check.message);
    }
    reserve(scratch_, scratch_capacity_, json.size());
    detail::reader reader(json, options_, spares_,
                          options_.report_unknown_keys ? &unknown_keys_ : nullptr, scratch_.get());
    if (!reader.read_document(out)) return reader.take_error();
    return {};
  }

  error too_large(std::size_t size) const {
    return error(error_code::input_too_large, {}, 0, 1,
                 "input of " + std::to_string(size) + " bytes is larger than the limit of " +
                     std::to_string(options_.max_input_size));
  }

  /// Makes `buffer` hold at least `size` bytes, growing by doubling; its content is not kept.
  static void reserve(std::unique_ptr<char[]>& buffer, std::size_t& capacity, std::size_t size) {
    if (size <= capacity && buffer) return;
    capacity = std::max(size, capacity * 2);
    buffer.reset(new char[capacity == 0 ? 1 : capacity]);
  }

  parse_options options_;
  std::unique_ptr<char[]> copy_;  // a padded copy of input given without padding
  std::size_t copy_capacity_ = 0;
  std::unique_ptr<char[]> scratch_;  // the unescaped strings of the last parse
  std::size_t scratch_capacity_ = 0;
  std::vector<unknown_key> unknown_keys_;
  detail::spare_values spares_;
};

/// One-shot parse into a new owning event. For many events, keep a `parser` instead.
inline result<event> parse_event(std::string_view json, const parse_options& options = {}) {
  parser p(options);
  return p.parse(json);
}

#if LIVESEND_EXCEPTIONS
/// Throwing convenience: the event, or `parse_error` carrying the error.
inline event parse_or_throw(std::string_view json, const parse_options& options = {}) {
  return parse_event(json, options).value();
}
#endif

}  // namespace livesend
