// livesend/detail/json_text.hpp: JSON text helpers: whitespace, strict checks (syntax, UTF-8,
// depth), exact integers, ASCII-case-insensitive keys, minifying, comparing and string quoting.
// No exceptions, no recursion; only quote_for_message allocates (its result).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "livesend/detail/config.hpp"
#include "livesend/error.hpp"

namespace livesend::detail {

/// JSON whitespace: space, tab, line feed, carriage return (not form feed, not vertical tab).
constexpr bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The offset of the first byte from `pos` on that is not JSON whitespace (text.size() if none):
/// the one whitespace skip of the library.
constexpr std::size_t skip_json_space(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && is_json_space(text[pos])) ++pos;
  return pos;
}

/// `s` without the JSON whitespace at its end.
constexpr std::string_view trim_json_space(std::string_view s) noexcept {
  while (!s.empty() && is_json_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

/// The deepest nesting check_json can track, whatever its max_depth says: it keeps one bit per
/// open array/object in a fixed array on its own stack (json_depth_cap / 8 bytes, 8 KiB by
/// default). A document nested deeper is reported as depth_exceeded at the first bracket beyond
/// the cap, exactly as if max_depth were json_depth_cap.
inline constexpr std::size_t json_depth_cap = LIVESEND_JSON_DEPTH_CAP;
static_assert(json_depth_cap > 0 && json_depth_cap % 64 == 0,
              "LIVESEND_JSON_DEPTH_CAP must be a positive multiple of 64");

/// Outcome of check_json. `code` is error_code::ok, syntax_error, trailing_content (a complete
/// value followed by more), invalid_utf8, depth_exceeded or empty_input (the text is empty or only
/// whitespace). `offset` is the byte offset of the first problem; `message` is a static string (""
/// when ok).
struct json_check {
  error_code code = error_code::ok;
  std::size_t offset = 0;
  const char* message = "";
  bool ok() const noexcept { return code == error_code::ok; }
};

namespace json_text_impl {

inline constexpr char end_of_input[] = "unexpected end of input";
inline constexpr char invalid_escape[] = "invalid escape in string";
inline constexpr char unpaired_surrogate[] = "unpaired UTF-16 surrogate in string";
inline constexpr char invalid_number[] = "invalid number";

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The letter of a two-character escape (`\n` for a line feed), or 0 for bytes that have none.
constexpr char short_escape(unsigned char c) noexcept {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    default:
      return 0;
  }
}

/// The letters that may follow a backslash in a JSON string, other than 'u'.
constexpr bool is_escape_letter(char c) noexcept {
  switch (c) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      return true;
    default:
      return false;
  }
}

constexpr bool is_high_surrogate(long unit) noexcept { return unit >= 0xD800 && unit <= 0xDBFF; }
constexpr bool is_low_surrogate(long unit) noexcept { return unit >= 0xDC00 && unit <= 0xDFFF; }

/// True when `what` occurs in text at pos (false when text is too short).
constexpr bool has_at(std::string_view text, std::size_t pos, std::string_view what) noexcept {
  if (pos > text.size() || text.size() - pos < what.size()) return false;
  for (std::size_t k = 0; k < what.size(); ++k) {
    if (text[pos + k] != what[k]) return false;
  }
  return true;
}

/// Where a token scan stopped: one past the token, or the offset of its problem and a message.
struct scan {
  std::size_t pos = 0;
  const char* problem = nullptr;  ///< nullptr: the token is well formed
};

inline constexpr long hex_truncated = -1;
inline constexpr long hex_invalid = -2;

/// The four hex digits at pos as a UTF-16 code unit, hex_invalid when one is not a hex digit,
/// or hex_truncated when the text ends first.
inline long read_hex4(std::string_view text, std::size_t pos) noexcept {
  long unit = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    if (pos + k >= text.size()) return hex_truncated;
    const int digit = hex_value(text[pos + k]);
    if (digit < 0) return hex_invalid;
    unit = unit * 16 + digit;
  }
  return unit;
}

/// The first byte of p[i, n) that a JSON string cannot hold as it is (a quote, a backslash, a
/// control character below 0x20), or n when there is none: 16 bytes at a time with SSE2. The
/// one scan of string text, for reading (scan_string) and writing (append_json_string).
inline std::size_t find_string_special(const char* p, std::size_t i, std::size_t n) noexcept {
#if LIVESEND_SSE2
  // Bit k set when byte k of the 16 at q is special.
  const auto specials = [](const char* q) noexcept {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    return static_cast<std::uint32_t>(_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('"')),
                                  _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'))),
                     _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1F)), block))));
  };
  for (; i + 16 <= n; i += 16) {
    const std::uint32_t bits = specials(p + i);
    if (bits != 0) return i + static_cast<std::size_t>(lowest_set_bit(bits));
  }
  if (i < n && n >= 16) {
    // The last 16 bytes, overlapping bytes before i (seen, or before the scan's start: their
    // bits are dropped).
    const std::size_t last = n - 16;
    const std::uint32_t bits = specials(p + last) & (std::uint32_t{0xFFFF} << (i - last));
    return bits != 0 ? last + static_cast<std::size_t>(lowest_set_bit(bits)) : n;
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return n;
}

/// Whether Buffer has `resize(size)` and `data()`, so that bytes can be written into it in place.
template <class Buffer, class = void>
struct is_resizable : std::false_type {};
template <class Buffer>
struct is_resizable<Buffer, std::void_t<decltype(std::declval<Buffer&>().resize(std::size_t{})),
                                        decltype(std::declval<Buffer&>().data())>>
    : std::true_type {};

/// Scans the string whose opening quote is at `open`. A string the text ends inside is
/// "unterminated" at its opening quote, so that the message points at the string to fix.
/// UTF-8 is not checked here (check_json does it over the whole text).
inline scan scan_string(std::string_view text, std::size_t open) noexcept {
  const std::size_t n = text.size();
  std::size_t i = open + 1;
  for (;;) {
    i = find_string_special(text.data(), i, n);
    if (i == n) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"') return {i + 1, nullptr};
    if (c < 0x20) return {i, "control character in string"};
    if (i + 1 == n) break;  // a backslash
    if (text[i + 1] != 'u') {
      if (is_escape_letter(text[i + 1])) {
        i += 2;
        continue;
      }
      return {i, invalid_escape};
    }
    const long unit = read_hex4(text, i + 2);
    if (unit == hex_truncated) break;
    if (unit == hex_invalid) return {i, invalid_escape};
    if (is_low_surrogate(unit)) return {i, unpaired_surrogate};
    if (!is_high_surrogate(unit)) {
      i += 6;
      continue;
    }
    // A high surrogate must be followed at once by the \u escape of a low one.
    const std::size_t next = i + 6;
    if (!has_at(text, next, "\\u")) {
      if (next == n || (next + 1 == n && text[next] == '\\')) break;  // the text ends mid-pair
      return {i, unpaired_surrogate};
    }
    const long low = read_hex4(text, next + 2);
    if (low == hex_truncated) break;
    if (low == hex_invalid) return {next, invalid_escape};
    if (!is_low_surrogate(low)) return {i, unpaired_surrogate};
    i = next + 6;
  }
  return {open, "unterminated string"};
}

/// Scans the number at `start` (a '-' or a digit): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
/// The problem is reported at the first byte that cannot continue the number.
inline scan scan_number(std::string_view text, std::size_t start) noexcept {
  const std::size_t n = text.size();
  std::size_t i = start;
  if (text[i] == '-') ++i;
  if (i == n) return {n, end_of_input};
  if (text[i] == '0') {
    ++i;
    if (i < n && is_digit(text[i])) return {i, invalid_number};  // leading zero
  } else if (is_digit(text[i])) {
    while (i < n && is_digit(text[i])) ++i;
  } else {
    return {i, invalid_number};
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i == n) return {n, end_of_input};
    if (!is_digit(text[i])) return {i, invalid_number};
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i == n) return {n, end_of_input};
    if (!is_digit(text[i])) return {i, invalid_number};
    while (i < n && is_digit(text[i])) ++i;
  }
  return {i, nullptr};
}

/// Scans `true`, `false` or `null` at `start` (which holds 't', 'f' or 'n').
inline scan scan_literal(std::string_view text, std::size_t start) noexcept {
  const std::string_view word = text[start] == 't' ? "true" : text[start] == 'f' ? "false" : "null";
  for (std::size_t k = 1; k < word.size(); ++k) {
    if (start + k == text.size()) return {start + k, end_of_input};
    if (text[start + k] != word[k]) return {start + k, "invalid literal"};
  }
  return {start + word.size(), nullptr};
}

/// Scans the string, number or literal at pos (where a value must start).
inline scan scan_scalar(std::string_view text, std::size_t pos) noexcept {
  const char c = text[pos];
  switch (c) {
    case '"':
      return scan_string(text, pos);
    case 't':
    case 'f':
    case 'n':
      return scan_literal(text, pos);
    case ']':
    case '}':
    case ',':
    case ':':
      return {pos, "expected a value"};
    default:
      if (c == '-' || is_digit(c)) return scan_number(text, pos);
      return {pos, "unexpected character"};
  }
}

/// The kinds of the open containers, one bit each (1: object, 0: array), up to json_depth_cap.
class container_stack {
 public:
  std::size_t depth() const noexcept { return depth_; }

  /// Requires depth() < json_depth_cap.
  void push(bool object) noexcept {
    const std::size_t word = depth_ / 64;
    const std::uint64_t bit = std::uint64_t{1} << (depth_ % 64);
    if (depth_ % 64 == 0) words_[word] = 0;  // a word is initialised when first reached
    words_[word] = object ? (words_[word] | bit) : (words_[word] & ~bit);
    ++depth_;
  }

  /// Requires depth() > 0.
  void pop() noexcept { --depth_; }

  /// Requires depth() > 0.
  bool top_is_object() const noexcept {
    const std::size_t top = depth_ - 1;
    return ((words_[top / 64] >> (top % 64)) & 1) != 0;
  }

 private:
  std::uint64_t words_[json_depth_cap / 64];
  std::size_t depth_ = 0;
};

/// The syntax and depth part of check_json; bytes >= 0x80 are accepted inside strings here.
inline json_check check_syntax(std::string_view text, std::size_t max_depth) noexcept {
  enum class expect { value, first_element, first_key, key, colon, after_value };
  const std::size_t n = text.size();
  const std::size_t depth_limit = max_depth < json_depth_cap ? max_depth : json_depth_cap;
  const auto syntax_error = [](std::size_t offset, const char* message) {
    return json_check{error_code::syntax_error, offset, message};
  };

  std::size_t i = skip_json_space(text, 0);
  if (i == n) return {error_code::empty_input, 0, "empty input"};
  container_stack open;
  expect state = expect::value;
  for (;;) {
    i = skip_json_space(text, i);
    if (state == expect::after_value && open.depth() == 0) {
      if (i == n) return {};
      return json_check{error_code::trailing_content, i, "content after the JSON value"};
    }
    if (i == n) return syntax_error(n, end_of_input);
    const char c = text[i];

    switch (state) {
      case expect::colon:
        if (c != ':') return syntax_error(i, "expected ':' after object key");
        ++i;
        state = expect::value;
        continue;
      case expect::after_value: {
        const bool in_object = open.top_is_object();
        if (c == ',') {
          ++i;
          state = in_object ? expect::key : expect::value;
        } else if (c == (in_object ? '}' : ']')) {
          ++i;
          open.pop();
        } else {
          return syntax_error(i, in_object ? "expected ',' or '}' after object member"
                                           : "expected ',' or ']' after array element");
        }
        continue;
      }
      case expect::first_key:
        if (c == '}') {
          ++i;
          open.pop();
          state = expect::after_value;
          continue;
        }
        [[fallthrough]];
      case expect::key: {
        if (c != '"') return syntax_error(i, "expected a string key");
        const scan key = scan_string(text, i);
        if (key.problem != nullptr) return syntax_error(key.pos, key.problem);
        i = key.pos;
        state = expect::colon;
        continue;
      }
      case expect::first_element:
        if (c == ']') {
          ++i;
          open.pop();
          state = expect::after_value;
          continue;
        }
        [[fallthrough]];
      case expect::value:
        break;
    }

    // A value starts at i.
    if (c == '[' || c == '{') {
      if (open.depth() == depth_limit) {
        return {error_code::depth_exceeded, i, "nesting deeper than the limit"};
      }
      open.push(c == '{');
      ++i;
      state = c == '{' ? expect::first_key : expect::first_element;
      continue;
    }
    const scan value = scan_scalar(text, i);
    if (value.problem != nullptr) return syntax_error(value.pos, value.problem);
    i = value.pos;
    state = expect::after_value;
  }
}

/// The length of the valid UTF-8 sequence (RFC 3629) of 2 to 4 bytes at pos, or 0 when the
/// bytes there are not one (overlong, surrogate, above U+10FFFF, truncated, stray byte).
inline std::size_t multibyte_sequence_length(const unsigned char* p, std::size_t n,
                                             std::size_t pos) noexcept {
  const unsigned char lead = p[pos];
  std::size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte; the others are always 80..BF
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // surrogates D800..DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // ASCII is not handled here; 80..C1 and F5..FF never lead
  }
  if (n - pos < length) return 0;
  if (p[pos + 1] < low || p[pos + 1] > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((p[pos + k] & 0xC0) != 0x80) return 0;
  }
  return length;
}

/// The offset of the first invalid UTF-8 sequence that starts at or before last_start, or npos.
inline std::size_t first_invalid_utf8(std::string_view text, std::size_t last_start) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n && i <= last_start) {
    if (n - i >= 8) {  // skip ASCII eight bytes at a time
      std::uint64_t block = 0;
      std::memcpy(&block, p + i, 8);
      if ((block & 0x8080808080808080u) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = multibyte_sequence_length(p, n, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

/// Reads the bytes of a JSON text that are not whitespace outside strings, one at a time.
/// Tracks only quotes and escapes, so it assumes the text is valid JSON.
class significant_bytes {
 public:
  explicit significant_bytes(std::string_view text) noexcept : text_(text) {}

  /// The next significant byte (0..255), or -1 at the end.
  int next() noexcept {
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (in_string_) {
        if (escaped_) {
          escaped_ = false;
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
      } else if (is_json_space(c)) {
        continue;
      } else if (c == '"') {
        in_string_ = true;
      }
      return static_cast<unsigned char>(c);
    }
    return -1;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
};

}  // namespace json_text_impl

/// Validates that `text` is exactly one JSON value (RFC 8259, strictly), with optional
/// whitespace (space, \t, \n, \r) around it, nested at most `max_depth` arrays/objects deep
/// (depth 1 is the outermost array or object; the effective limit is at most json_depth_cap),
/// and that the whole text is valid UTF-8 (RFC 3629).
///
/// Strict means: no comments, trailing commas, leading zeros, NaN/Infinity, single quotes or
/// unquoted keys; no raw byte < 0x20 in a string; only the escapes \" \\ \/ \b \f \n \r \t
/// and \uXXXX, where a high surrogate must be followed at once by a \u low surrogate.
///
/// Returns the earliest problem in the text: its code (syntax_error, invalid_utf8,
/// depth_exceeded, or empty_input for a text that is empty or only whitespace), its byte offset
/// and a static message. Offsets point at the first byte that cannot be accepted (the end of
/// the text for "unexpected end of input"), except "unterminated string", which points at the
/// string's opening quote, and "empty input", at offset 0. When an invalid UTF-8 sequence starts
/// at the offset of a syntax error (e.g. a stray 0xFF byte), invalid_utf8 is reported.
/// Does not allocate; runs in one pass plus a UTF-8 pass; no recursion.
inline json_check check_json(std::string_view text, std::size_t max_depth) noexcept {
  const json_check syntax = json_text_impl::check_syntax(text, max_depth);
  const std::size_t last_start = syntax.ok() ? std::string_view::npos : syntax.offset;
  const std::size_t bad = json_text_impl::first_invalid_utf8(text, last_start);
  if (bad != std::string_view::npos) return {error_code::invalid_utf8, bad, "invalid UTF-8"};
  return syntax;
}

/// The offset of the first byte of the first invalid UTF-8 sequence in text (RFC 3629: no
/// overlong forms, no surrogates D800..DFFF, nothing above U+10FFFF, no truncated sequence),
/// or std::string_view::npos when the text is valid.
inline std::size_t find_invalid_utf8(std::string_view text) noexcept {
  return json_text_impl::first_invalid_utf8(text, std::string_view::npos);
}

/// The size of a UTF-8 byte order mark at the start of text (3), or 0. Both readers skip it:
/// RFC 8259 lets a parser ignore one, and files saved by Windows tools often start with it.
inline std::size_t bom_size(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

/// The 1-based line of byte `offset` in text: 1 + the number of '\n' before it
/// (an offset past the end counts the whole text).
inline std::size_t line_of(std::string_view text, std::size_t offset) noexcept {
  const std::size_t end = offset < text.size() ? offset : text.size();
  std::size_t line = 1;
  for (std::size_t i = 0; i < end; ++i) line += text[i] == '\n' ? 1u : 0u;
  return line;
}

/// Appends `json` (assumed valid JSON) to `out` with all whitespace outside strings removed.
/// `Buffer` is anything with append(const char* first, const char* last), such as
/// std::string or fmt::memory_buffer. Copies each run between whitespace in one append.
template <class Buffer>
void append_minified(Buffer& out, std::string_view json) {
  const char* const data = json.data();
  const std::size_t n = json.size();
  std::size_t run = 0;  // the first byte not yet copied
  bool in_string = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = data[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (is_json_space(c)) {
      if (run < i) out.append(data + run, data + i);
      run = i + 1;
    }
  }
  if (run < n) out.append(data + run, data + n);
}

/// True when a and b are the same JSON text once whitespace outside strings is ignored:
/// "[1, 2]" and "[1,2]" are, "[\"a b\"]" and "[\"ab\"]" are not. Meant for valid JSON texts
/// (it tracks only quotes and escapes). Does not allocate.
inline bool same_json_text(std::string_view a, std::string_view b) noexcept {
  json_text_impl::significant_bytes left(a);
  json_text_impl::significant_bytes right(b);
  for (;;) {
    const int c = left.next();
    if (c != right.next()) return false;
    if (c < 0) return true;
  }
}

/// Appends s to `out` as a JSON string literal, quotes included: '"' and '\\' are escaped,
/// every byte < 0x20 too (\b \f \n \r \t, the others as \u00XX in lowercase hex); every other
/// byte is copied as is (so valid UTF-8 stays valid UTF-8). Copies runs of plain bytes in one
/// append; a string with nothing to escape, into a buffer that has `resize` and `data` (as
/// fmt::memory_buffer and std::string do), in one growth of the buffer, quotes and all.
/// `Buffer` is as for append_minified.
template <class Buffer>
void append_json_string(Buffer& out, std::string_view s) {
  constexpr char quote = '"';
  constexpr char hex[] = "0123456789abcdef";
  const char* const data = s.data();
  const std::size_t n = s.size();
  std::size_t i = json_text_impl::find_string_special(data, 0, n);
  if constexpr (json_text_impl::is_resizable<Buffer>::value) {
    if (i == n) {
      const std::size_t size = out.size();
      out.resize(size + n + 2);
      char* const to = out.data() + size;
      to[0] = quote;
      if (n != 0) std::memcpy(to + 1, data, n);
      to[n + 1] = quote;
      return;
    }
  }
  out.append(&quote, &quote + 1);
  std::size_t run = 0;  // the first byte not yet copied
  for (; i < n; i = json_text_impl::find_string_special(data, run, n)) {
    if (run < i) out.append(data + run, data + i);
    run = i + 1;
    const auto c = static_cast<unsigned char>(data[i]);
    const char letter = json_text_impl::short_escape(c);
    if (letter != 0) {
      const char escape[2] = {'\\', letter};
      out.append(escape, escape + 2);
    } else {
      const char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
      out.append(escape, escape + 6);
    }
  }
  if (run < n) out.append(data + run, data + n);
  out.append(&quote, &quote + 1);
}

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

/// `text` between double quotes, cut to `max_bytes` (then "..." inside the quotes), with
/// quotes, backslashes, control and non-ASCII bytes escaped so it stays one printable line.
inline std::string quote_for_message(std::string_view text, std::size_t max_bytes = 40) {
  constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  const std::size_t n = text.size() < max_bytes ? text.size() : max_bytes;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace livesend::detail
