// livesend/detail/reader.hpp: one parse of one document with simdjson On-Demand, into a model
// value. One pass over each object: the fields are iterated once, each key is matched against
// the type's table (exact case first, in the expected order first) and its value is read
// straight into the member. No find_field, no second lookup, no DOM. The path of the field being
// read is kept (for errors and unknown keys) as one frame per open object or array.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/config.hpp"
#include "livesend/detail/json_text.hpp"
#include "livesend/detail/pools.hpp"
#include "livesend/detail/schema.hpp"
#include "livesend/detail/timestamp_text.hpp"
#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace livesend::detail {

namespace od = simdjson::ondemand;

/// Where a reader reports the unknown keys it meets: `report(context, path, offset, line)`, the
/// key located in the reader's input; nothing is reported when `report` is null.
struct unknown_key_sink {
  void (*report)(void* context, std::string path, std::size_t offset, std::size_t line) = nullptr;
  void* context = nullptr;
};

/// What a reader needs of the parser's options.
struct reader_options {
  std::size_t max_raw_depth = 64;        ///< parse_options::max_raw_depth
  bool null_timestamp_is_unset = false;  ///< parse_options::null_timestamp_is_unset
  unknown_key_sink unknown_keys;         ///< set when parse_options::report_unknown_keys
};

/// One parse of one document: walks the On-Demand tree into a model value, keeps the path of
/// the field it is in (for errors and unknown keys), and builds the error on the failure path.
class reader {
 public:
  reader(std::string_view input, const reader_options& options, spare_values& spares) noexcept
      : input_(input), options_(options), spares_(spares) {}

  error take_error() { return std::move(error_); }

  /// Reads the top-level object of `doc` into `out`, then checks nothing follows it.
  template <class T>
  bool read_document(od::document& doc, T& out) {
    const char* start = input_.data() + skip_json_space(input_, 0);
    od::object obj;
    if (auto e = doc.get_object().get(obj)) {
      if (e == simdjson::INCORRECT_TYPE && !has_syntax_error()) {
        return fail(error_code::not_an_object, start,
                    "the top-level value is not a JSON object; an event is an object");
      }
      return fail_syntax(e, start);
    }
    if (!read_fields(obj, out, start)) {
      if constexpr (ranking_field<T> < field_count<T>) {
        if (!error_.path().empty()) rank_first<T>(doc, start);  // a field's error, not syntax
      }
      return false;
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
      if (has_syntax_error()) return fail_syntax(simdjson::TRAILING_CONTENT, rest);
      return fail(error_code::trailing_content, rest, "content after the event's closing brace");
    }
    return true;
  }

  // --- scalars -------------------------------------------------------------------------------

  LIVESEND_NOINLINE bool read(od::value& v, std::string& out) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return fail_get(v, e, "a string");
    assign_text(out, s);
    return true;
  }

  LIVESEND_NOINLINE bool read(od::value& v, std::string_view& out) {
    if (auto e = v.get_string().get(out)) return fail_get(v, e, "a string");
    return true;
  }

  LIVESEND_NOINLINE bool read(od::value& v, bool& out) {
    if (auto e = v.get_bool().get(out)) return fail_get(v, e, "true or false");
    return true;
  }

  LIVESEND_NOINLINE bool read(od::value& v, double& out) {
    const std::string_view text = trim_json_space(v.raw_json_token());
    if (auto e = v.get_double().get(out)) {
      if (e == simdjson::NUMBER_ERROR && !has_syntax_error()) {
        return fail(error_code::out_of_range, location(v), "number does not fit a double");
      }
      return fail_get(v, e, "a number");
    }
    // simdjson < 3.6.3 misreads 0.x with 20 or more fraction digits (simdjson#2093): re-read
    // such numbers exactly. Rare in practice, so the common path pays one compare.
    const std::size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
    if (text.size() > sign + 21 && text[sign] == '0') {
      double exact = 0;
      const auto r = std::from_chars(text.data(), text.data() + text.size(), exact);
      if (r.ec == std::errc()) {
        out = exact;
      } else if (r.ec == std::errc::result_out_of_range) {
        out = sign != 0 ? -0.0 : 0.0;  // 0.x underflowing: simdjson accepted it, so it is tiny
      }
    }
    return true;
  }

  LIVESEND_NOINLINE bool read(od::value& v, std::int64_t& out) {
    auto e = v.get_int64().get(out);
    if (!e) return true;
    od::json_type type{};
    if (e == simdjson::INCORRECT_TYPE && v.type().get(type) == simdjson::SUCCESS &&
        type == od::json_type::number) {
      const char* at = location(v);
      switch (exact_integer(trim_json_space(v.raw_json_token()), out)) {
        case integral_status::ok:
          return true;
        case integral_status::fraction:
          return fail(error_code::out_of_range, at,
                      "expected an integer, found a number with a fraction");
        case integral_status::overflow:
          return fail(error_code::out_of_range, at, "integer does not fit in 64 bits");
        case integral_status::not_a_number:
          return fail_syntax(simdjson::NUMBER_ERROR, at);
      }
    }
    return fail_get(v, e, "an integer");
  }

  LIVESEND_NOINLINE bool read(od::value& v, timestamp& out) {
    // Fast path: the ISO form read straight from the input, without unescaping. `raw` is the
    // opening quote of a string value (the byte get_string starts from); parse_iso_fast reads
    // iso_fast_reads bytes after it, inside the input and its padding. A text it accepts that
    // a quote follows is the whole string, with no escape (see parse_iso_fast), so it is the
    // text get_string would give. Anything else takes read_timestamp_text.
    static_assert(iso_fast_reads < simdjson::SIMDJSON_PADDING, "the fast path reads the padding");
    const char* raw = v.raw_json_token().data();
    if (*raw == '"') {
      std::int64_t t = 0;  // `out` is written only on success, as by the general path
      const std::size_t n = parse_iso_fast(padded_chars{raw + 1}, t);
      if (n != 0 && raw[n + 1] == '"') {
        od::raw_json_string consumed;  // the string is read: move past it
        if (auto e = v.get_raw_json_string().get(consumed)) {
          return fail_get(v, e, "a timestamp string");  // not reached: it is a string
        }
        out = timestamp::from_unix_micros(t);
        return true;
      }
    }
    return read_timestamp_text(v, out);
  }

  /// A timestamp the fast path leaves (the .NET form, escapes, null, errors): the string as
  /// simdjson unescapes it, then the general parser. Out of line, so that the fast path needs
  /// none of its registers or stack.
  LIVESEND_NOINLINE bool read_timestamp_text(od::value& v, timestamp& out) {
    const char* at = location(v);
    std::string_view text;
    if (auto e = v.get_string().get(text)) {
      bool null = false;
      if (e == simdjson::INCORRECT_TYPE && options_.null_timestamp_is_unset &&
          v.is_null().get(null) == simdjson::SUCCESS && null) {
        out = timestamp::unset();
        return true;
      }
      return fail_get(v, e, "a timestamp string");
    }
    if (const char* why = detail::parse_timestamp(text, out)) {
      return fail(error_code::invalid_timestamp, at,
                  "invalid timestamp " + quote_for_message(text) + ": " + why);
    }
    return true;
  }

  template <class S>
  LIVESEND_NOINLINE bool read(od::value& v, basic_raw_json<S>& out) {
    bool null = false;
    if (v.is_null().get(null) == simdjson::SUCCESS && null) {
      return fail(error_code::null_field, location(v), "is null, but the field is required");
    }
    std::string_view text;
    if (!read_raw_text(v, text)) return false;
    assign_text(out.json, text);
    return true;
  }

  // --- containers ----------------------------------------------------------------------------

  template <class T>
  LIVESEND_NOINLINE bool read(od::value& v, std::optional<T>& out) {
    bool null = false;
    if (auto e = v.is_null().get(null)) return fail_syntax(e, location(v));
    if (null) {
      if (out) spares_.reset(out);
      return true;
    }
    if (!out) spares_.engage(out);
    if (!read(v, *out)) return false;
    if constexpr (std::is_same_v<T, timestamp>) {
      if (out->is_unset()) out.reset();  // DateTime.MinValue in an optional means no value
    }
    return true;
  }

  template <class T>
  LIVESEND_NOINLINE bool read(od::value& v, std::vector<T>& out) {
    od::array array;
    if (auto e = v.get_array().get(array)) return fail_get(v, e, "an array");
    std::size_t count = 0;  // the element being read: the path's last index
    const scoped_frame in_array(*this, nullptr, &count);
    for (auto element_result : array) {
      if (auto e = element_result.error()) return fail_syntax(e, nullptr);
      od::value& element = element_result.value_unsafe();  // in place, as in read_object
      if (count == out.size()) spares_.grow(out);          // else read over the element there
      if (!read(element, out[count])) return false;
      ++count;
    }
    if (count != out.size()) spares_.truncate(out, count);
    return true;
  }

  template <class T, std::enable_if_t<is_record_v<T>, int> = 0>
  bool read(od::value& v, T& out) {
    const char* start = location(v);
    od::object obj;
    if (auto e = v.get_object().get(obj)) return fail_get(v, e, "an object");
    return read_fields(obj, out, start);
  }

  /// Reads the fields of an object into `out`, a record of type T, in one pass.
  template <class T>
  bool read_fields(od::object& obj, T& out, const char* start) {
    return read_object(obj, &out, record_table_of<T>, start);
  }

 private:
  /// What the one object loop needs to know of a record type: its keys, a reader per field,
  /// which fields are required, how to reset the optional ones an object lacks, and how to find
  /// a field from a key's raw bytes in any order and any ASCII case. Built from `schema<T>` at
  /// compile time; erasing the type keeps one copy of the loop for all records.
  ///
  /// A key as the match wants it: its bytes with every letter in lower case and the closing
  /// quote, zero-padded to 32 bytes, a mask of the bytes that count, and its length. Every key of
  /// the schema is ASCII letters only (checked below), so a raw key matches, ASCII-case-
  /// insensitively, when its bytes with bit 0x20 set equal these and its quote is where this one
  /// is (no other byte than a letter of the other case turns into a letter so).
  struct padded_key {
    alignas(16) char folded[32];
    std::uint32_t mask;
    std::uint32_t size;
  };

  /// A perfect hash of a type's keys, on what a raw key gives cheaply: its length (where its
  /// closing quote is), its second byte and its last byte, letters in lower case.
  /// `slots[hash(...)]` is 1 + the index of the only field that can match, 0 for none. The
  /// multipliers are searched at compile time (see make_key_hash).
  struct key_hash {
    static constexpr std::size_t size = 128;
    std::uint32_t by_length = 0;
    std::uint32_t by_second = 0;
    std::array<std::uint8_t, size> slots{};

    static constexpr std::size_t slot_of(std::uint32_t length, std::uint32_t second,
                                         std::uint32_t last, std::uint32_t by_length,
                                         std::uint32_t by_second) noexcept {
      return (length * by_length + second * by_second + last) & (size - 1);
    }
  };

  struct record_table {
    using field_reader = bool (*)(reader&, od::value&, void* record);
    const std::string_view* keys;
    const padded_key* padded_keys;
    const key_hash* hash;
    const field_reader* readers;
    void (*reset_unseen)(spare_values& spares, void* record, std::uint64_t seen);
    std::size_t count;
    std::uint64_t required;
  };

  template <class T, std::size_t I>
  static bool read_field_of(reader& r, od::value& v, void* record) {
    return r.read_field<T, I>(v, *static_cast<T*>(record));
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

  static constexpr bool is_letters(std::string_view key) noexcept {
    if (key.empty()) return false;
    for (const char c : key) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
    }
    return true;
  }
  static constexpr std::uint32_t fold(char c) noexcept {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(c)) | 0x20u;
  }

  template <class T, std::size_t... I>
  static constexpr std::array<padded_key, sizeof...(I)> pad_keys(
      std::index_sequence<I...>) noexcept {
    static_assert(keys_shorter_than<T>(32, std::index_sequence<I...>{}),
                  "padded_key holds keys of up to 31 bytes and their closing quote");
    static_assert((is_letters(keys<T>[I]) && ...),
                  "the case-insensitive match takes keys of ASCII letters only");
    return {pad_key(keys<T>[I])...};
  }
  static constexpr padded_key pad_key(std::string_view key) noexcept {
    padded_key out{};
    for (std::size_t i = 0; i < key.size(); ++i) out.folded[i] = static_cast<char>(fold(key[i]));
    out.folded[key.size()] = '"';
    out.mask =
        key.size() + 1 == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << (key.size() + 1)) - 1;
    out.size = static_cast<std::uint32_t>(key.size());
    return out;
  }
  template <class T>
  static constexpr auto padded_keys = pad_keys<T>(std::make_index_sequence<field_count<T>>{});

  /// The first multipliers (each 1 to 31) that put every key of T in a slot of its own. Keys
  /// equal but for case would share one: there is none, or no hash is found (static_assert).
  template <class T>
  static constexpr key_hash make_key_hash() noexcept {
    constexpr auto& k = keys<T>;
    for (std::uint32_t by_second = 1; by_second < 32; ++by_second) {
      for (std::uint32_t by_length = 1; by_length < 32; ++by_length) {
        key_hash h{};
        h.by_length = by_length;
        h.by_second = by_second;
        bool distinct = true;
        for (std::size_t i = 0; i < k.size() && distinct; ++i) {
          const std::string_view key = k[i];
          const std::size_t slot = key_hash::slot_of(
              static_cast<std::uint32_t>(key.size()), fold(key.size() > 1 ? key[1] : '"'),
              fold(key[key.size() - 1]), by_length, by_second);
          distinct = h.slots[slot] == 0;
          h.slots[slot] = static_cast<std::uint8_t>(i + 1);
        }
        if (distinct) return h;
      }
    }
    return key_hash{};
  }
  template <class T>
  static constexpr key_hash key_hash_of = make_key_hash<T>();

  template <class T>
  static constexpr record_table make_record_table() noexcept {
    static_assert(key_hash_of<T>.by_length != 0,
                  "no perfect hash of this record's keys: widen make_key_hash's search");
    static_assert(field_count<T> < 255, "a slot holds 1 + a field's index in a byte");
    return {keys<T>.data(),          padded_keys<T>.data(),       &key_hash_of<T>,
            field_readers<T>.data(), &reader::reset_unseen_of<T>, field_count<T>,
            required_mask<T>};
  }
  template <class T>
  static constexpr record_table record_table_of = make_record_table<T>();

  /// The one loop over an object's fields, for every record type: each key is matched against
  /// the table (first the key expected next, as keys usually arrive in table order; then the
  /// one its hash names; both on the raw bytes, ASCII-case-insensitively; then, for a key with
  /// escapes or none of the type's, unescaped, exactly and ASCII-case-insensitively) and its
  /// value read straight into the member by that field's reader. Unknown keys are checked and
  /// skipped.
  LIVESEND_NOINLINE bool read_object(od::object& obj, void* record, const record_table& table,
                                     const char* start) {
    static_assert(sizeof(std::uint64_t) * 8 >= 64, "the seen-mask holds 64 fields");
    std::uint64_t seen = 0;
    std::size_t expected = 0;
    std::size_t field = 0;  // the field being read: the path's last key
    const scoped_frame in_object(*this, &table, &field);
    for (auto field_result : obj) {
      // Used in place: copying the field out of its result stalls on store forwarding.
      if (auto e = field_result.error()) return fail_syntax(e, nullptr);
      od::field& f = field_result.value_unsafe();
      const char* raw = f.key().raw();
      std::size_t index = expected;
      if (expected >= table.count || !raw_key_is(raw, table.padded_keys[expected])) {
        index = find_raw_key(table, raw);
        if (index == table.count) {
          std::string_view key;
          if (!key_text(f, key)) return false;
          index = find_key(table, key);
          if (index == table.count) {
            if (!skip_unknown(f.value(), key, raw - 1)) return false;
            continue;
          }
        }
      }
      expected = index + 1;
      seen |= std::uint64_t{1} << index;
      field = index;
      if (!table.readers[index](*this, f.value(), record)) return false;
    }
    if (const std::uint64_t missing = table.required & ~seen) {
      field = 0;
      while (!((missing >> field) & 1)) ++field;
      return fail(error_code::missing_field, start, "required field is missing");
    }
    table.reset_unseen(spares_, record, seen);
    return true;
  }

  /// Is the raw key (in the input, after its opening quote) `key`, ASCII-case-insensitively?
  /// All 32 bytes at once, masked to the key and its quote: a call to memcmp per field cost more
  /// than the rest of the match. Reading 32 bytes from `raw` stays inside the input's padding
  /// (a key is followed by at least `:` and a value).
  static bool raw_key_is(const char* raw, const padded_key& key) noexcept {
#if LIVESEND_SSE2
    const __m128i case_bit = _mm_set1_epi8(0x20);
    const auto* k = reinterpret_cast<const __m128i*>(key.folded);
    const auto* r = reinterpret_cast<const __m128i*>(raw);
    const auto low = static_cast<std::uint32_t>(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_or_si128(_mm_loadu_si128(r), case_bit), _mm_load_si128(k))));
    const auto high = static_cast<std::uint32_t>(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_or_si128(_mm_loadu_si128(r + 1), case_bit), _mm_load_si128(k + 1))));
    // The quote compared exactly: only a control character (never raw in a JSON string) would
    // turn into one with bit 0x20 set.
    return ((low | high << 16) & key.mask) == key.mask && raw[key.size] == '"';
#else
    std::uint32_t differ = 0;
    for (std::size_t i = 0; i < 32; ++i) {
      differ |= std::uint32_t{fold(raw[i]) != static_cast<unsigned char>(key.folded[i])} << i;
    }
    return (differ & key.mask) == 0 && raw[key.size] == '"';
#endif
  }

  /// The field whose key the raw key is, ASCII-case-insensitively, found by the type's hash
  /// on the key's length (its first quote), second and last bytes, and confirmed by one
  /// compare; `table.count` when none is (a key with escapes, or none of the type's).
  static std::size_t find_raw_key(const record_table& table, const char* raw) noexcept {
    std::uint32_t quotes = 0;
#if LIVESEND_SSE2
    const __m128i quote = _mm_set1_epi8('"');
    const auto* r = reinterpret_cast<const __m128i*>(raw);
    quotes =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(r), quote))) |
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(r + 1), quote)))
            << 16;
#else
    for (std::size_t i = 0; i < 32; ++i) quotes |= std::uint32_t{raw[i] == '"'} << i;
#endif
    if (quotes == 0 || (quotes & 1) != 0) return table.count;  // longer than any key, or empty
    const auto length = static_cast<std::uint32_t>(lowest_set_bit(quotes));
    const std::size_t slot = table.hash->slots[key_hash::slot_of(
        length, fold(raw[1]), fold(raw[length - 1]), table.hash->by_length, table.hash->by_second)];
    if (slot == 0 || !raw_key_is(raw, table.padded_keys[slot - 1])) return table.count;
    return slot - 1;
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
  bool read_field(od::value& v, T& out) {
    constexpr auto def = std::get<I>(schema<T>::fields);
    if constexpr (def.allowed_values_rule.count != 0) {
      const char* at = location(v);
      if (!read(v, out.*(def.member))) return false;
      const std::string_view value = out.*(def.member);
      if (!def.allowed_values_rule.contains(value)) {
        return fail_not_allowed(at, def.key, value, def.allowed_values_rule);
      }
      return true;
    } else {
      return read(v, out.*(def.member));
    }
  }

  /// The index of T's field with allowed values (`version` for an event), whose error outranks
  /// any other of the record's; field_count<T> when there is none.
  template <class T, std::size_t... I>
  static constexpr std::size_t ranking_field_of(std::index_sequence<I...>) noexcept {
    std::size_t index = field_count<T>;
    ((index =
          index == field_count<T> && std::get<I>(schema<T>::fields).allowed_values_rule.count != 0
              ? I
              : index),
     ...);
    return index;
  }
  template <class T>
  static constexpr std::size_t ranking_field =
      ranking_field_of<T>(std::make_index_sequence<field_count<T>>{});

  /// The failure path of a top-level record whose read stopped at a field's error: a body of
  /// another version (`email-v3`, `livesend-summary-v2`, a challenge) must say so whatever its
  /// key order, not report a field of `data` it does not have. So the ranking field (`version`)
  /// is looked up once, in the object's own keys (the last of a repeated key, ASCII-case-
  /// insensitively, as read_object matches): absent, null, not a string, or a value it does not
  /// allow, that is the error instead; a valid one leaves the error as it was. Malformed JSON
  /// anywhere in the input (past where the reader stopped) comes before all: its syntax error.
  /// Only ever run on the failure path: a body that reads pays nothing.
  template <class T>
  LIVESEND_COLD LIVESEND_NOINLINE void rank_first(od::document& doc, const char* start) {
    constexpr auto def = std::get<ranking_field<T>>(schema<T>::fields);
    if (has_syntax_error()) {
      // Malformed JSON comes first; a document too deep as a whole keeps the field's error (its
      // depth_exceeded names the field that is too deep).
      if (syntax_.code != error_code::depth_exceeded) fail_syntax(simdjson::TAPE_ERROR, nullptr);
      return;
    }
    if (error_.path() == def.key) return;
    doc.rewind();  // the view's strings are lost with the parse anyway
    od::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) return;
    bool found = false;
    const char* at = start;
    od::json_type type{};
    std::string_view value;
    for (auto field_result : obj) {
      if (field_result.error() != simdjson::SUCCESS) return;
      od::field& f = field_result.value_unsafe();
      std::string_view key;
      if (f.unescaped_key().get(key) != simdjson::SUCCESS) return;
      if (!iequals_ascii(key, def.key)) continue;  // the value is skipped by the next step
      found = true;
      at = location(f.value());
      if (f.value().type().get(type) != simdjson::SUCCESS) return;
      if (type == od::json_type::string && f.value().get_string().get(value) != simdjson::SUCCESS) {
        return;
      }
    }
    const std::string path(def.key);
    if (!found) return rank(error_code::missing_field, path, at, "required field is missing");
    switch (type) {
      case od::json_type::string:
        if (def.allowed_values_rule.contains(value)) return;  // ours: the first error stands
        return rank(def.allowed_values_rule.code, path, at,
                    not_allowed_message(def.key, value, def.allowed_values_rule));
      case od::json_type::null:
        return rank(error_code::null_field, path, at, "is null, but the field is required");
      default:
        return rank(error_code::wrong_type, path, at,
                    std::string("expected a string, found ") + type_name(type));
    }
  }

  /// Replaces the error by one of a top-level field (its path is its key).
  LIVESEND_COLD void rank(error_code code, const std::string& path, const char* at,
                          std::string message) {
    const auto offset = static_cast<std::size_t>(at - input_.data());
    error_ = error(code, path, offset, line_of(input_, offset), std::move(message));
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

  /// The key's text: straight from the input when it has no escape, else unescaped.
  bool key_text(od::field& f, std::string_view& key) {
    const char* raw = f.key().raw();
    const char* end = raw;
    while (*end != '"' && *end != '\\') ++end;  // stage 1 guarantees the closing quote
    if (*end == '"') {
      key = std::string_view(raw, static_cast<std::size_t>(end - raw));
      return true;
    }
    if (auto e = f.unescaped_key().get(key)) return fail_syntax(e, raw);
    return true;
  }

  /// Unknown keys are skipped, but their values must still be valid JSON within the depth bound.
  bool skip_unknown(od::value& v, std::string_view key, const char* at) {
    unknown_key_ = key;  // the path's last key while its value is checked
    if (options_.unknown_keys.report != nullptr) {
      const auto offset = static_cast<std::size_t>(at - input_.data());
      options_.unknown_keys.report(options_.unknown_keys.context, render_path(), offset,
                                   line_of(input_, offset));
    }
    std::string_view ignored;
    const bool ok = read_raw_text(v, ignored);
    unknown_key_ = {};
    return ok;
  }

  /// The JSON text of any value, checked for syntax and depth (On-Demand does not look inside
  /// the values it skips).
  bool read_raw_text(od::value& v, std::string_view& text) {
    od::json_type type{};
    if (auto e = v.type().get(type)) return fail_syntax(e, location(v));
    switch (type) {
      case od::json_type::array: {
        od::array array;
        if (auto e = v.get_array().get(array)) return fail_syntax(e, location(v));
        if (auto e = array.raw_json().get(text)) return fail_syntax(e, nullptr);
        break;
      }
      case od::json_type::object: {
        od::object obj;
        if (auto e = v.get_object().get(obj)) return fail_syntax(e, location(v));
        if (auto e = obj.raw_json().get(text)) return fail_syntax(e, nullptr);
        break;
      }
      case od::json_type::string: {
        // Consumed, not only looked at: simdjson skips an unconsumed string followed by ':' as
        // if it were a key, so `"k": "v": 1}}` would pass for an object that closed.
        text = v.raw_json_token();
        od::raw_json_string ignored;
        if (auto e = v.get_raw_json_string().get(ignored)) return fail_syntax(e, location(v));
        break;
      }
      default:
        text = v.raw_json_token();
        break;
    }
    text = trim_json_space(text);
    // Its syntax and depth only: simdjson's stage 1 has validated the UTF-8 of the whole input.
    const json_check check = json_text_impl::check_syntax(text, options_.max_raw_depth);
    if (!check.ok()) {
      const char* at = text.data() + check.offset;
      if (check.code == error_code::depth_exceeded) {
        return fail(error_code::depth_exceeded, at,
                    "nested deeper than " + std::to_string(options_.max_raw_depth) + " levels");
      }
      return fail_syntax(simdjson::TAPE_ERROR, at);
    }
    return true;
  }

  // --- errors --------------------------------------------------------------------------------

  const char* location(od::value& v) noexcept {
    const char* at = nullptr;
    if (v.current_location().get(at) != simdjson::SUCCESS) return nullptr;
    return at;
  }

  bool has_syntax_error() noexcept {
    if (!syntax_checked_) {
      syntax_ = check_json(input_, document_depth_limit);
      syntax_checked_ = true;
    }
    return !syntax_.ok();
  }

  /// A value outside the field's allowed values, e.g. `unsupported version "email-v3"; expected
  /// "livesend-session-summary-v3" or "livesend-session-summary-enriched-v3"`.
  LIVESEND_COLD bool fail_not_allowed(const char* at, std::string_view key, std::string_view value,
                                      const allowed_values& allowed) {
    return fail(allowed.code, at, not_allowed_message(key, value, allowed));
  }
  static std::string not_allowed_message(std::string_view key, std::string_view value,
                                         const allowed_values& allowed) {
    std::string message = "unsupported ";
    message.append(key.data(), key.size());
    message += ' ';
    message += quote_for_message(value);
    message += "; expected ";
    for (std::size_t i = 0; i < allowed.count; ++i) {
      if (i != 0) message += i + 1 == allowed.count ? " or " : ", ";
      message += '"';
      message.append(allowed.values[i].data(), allowed.values[i].size());
      message += '"';
    }
    return message;
  }

  /// "an array", "a string", ...: a JSON type as the messages name it.
  static const char* type_name(od::json_type type) noexcept {
    switch (type) {
      case od::json_type::array:
        return "an array";
      case od::json_type::object:
        return "an object";
      case od::json_type::number:
        return "a number";
      case od::json_type::string:
        return "a string";
      case od::json_type::boolean:
        return "true or false";
      case od::json_type::null:
        return "null";
    }
    return "another type";
  }

  /// A value of the wrong type, a null where a value is required, or a syntax error.
  LIVESEND_COLD bool fail_get(od::value& v, simdjson::error_code e, const char* expected) {
    od::json_type type{};
    if (e != simdjson::INCORRECT_TYPE || v.type().get(type) != simdjson::SUCCESS ||
        has_syntax_error()) {
      return fail_syntax(e, location(v));
    }
    if (type == od::json_type::null) {
      return fail(error_code::null_field, location(v), "is null, but the field is required");
    }
    return fail(error_code::wrong_type, location(v),
                std::string("expected ") + expected + ", found " + type_name(type));
  }

  /// A syntax-level error: located precisely by re-checking the whole input (failure path
  /// only); simdjson's own message and position when the check finds nothing.
  LIVESEND_COLD bool fail_syntax(simdjson::error_code e, const char* at) {
    // Syntax errors are located by offset, not by path.
    if (has_syntax_error()) {
      return fail(syntax_.code, input_.data() + syntax_.offset, syntax_.message, false);
    }
    error_code code = error_code::syntax_error;
    if (e == simdjson::UTF8_ERROR) code = error_code::invalid_utf8;
    if (e == simdjson::DEPTH_ERROR) code = error_code::depth_exceeded;
    return fail(code, at, simdjson::error_message(e), false);
  }

  LIVESEND_COLD bool fail(error_code code, const char* at, std::string message,
                          bool with_path = true) {
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
  const reader_options& options_;
  spare_values& spares_;
  std::array<frame, 24> frames_{};  // deeper than any record nests
  std::size_t depth_ = 0;
  std::string_view unknown_key_;
  bool syntax_checked_ = false;
  json_check syntax_{};
  error error_;
};

}  // namespace livesend::detail
