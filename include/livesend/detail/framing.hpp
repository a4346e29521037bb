// livesend/detail/framing.hpp: stream framing: where each record of a stream starts and ends,
// with its byte offset, line and column, over one buffer (record_splitter) or over a stream read
// piece by piece in a bounded buffer (piece_splitter). It finds records; it does not parse them.
//
// The rule, per record (the framing follows the data: NDJSON, pretty-printed documents,
// documents concatenated on one line and top-level arrays may all mix in one stream):
// 1. A record starts at the first byte that is not JSON whitespace (a UTF-8 byte order mark at
//    the very start of the stream is skipped). Blank lines between records are skipped.
// 2. A record is one JSON value, from its first byte to its end: after the matching close
//    bracket for `{` or `[` (brackets in strings do not count; `}` and `]` both close; a
//    backslash escapes the byte after it, so `\"` is no quote), after the closing quote for a
//    string, and for anything else (a number, a
//    literal, garbage) before the first whitespace or `{`, `}`, `[`, `]`, `"` or `,` (at least
//    one byte). The next record starts at the next byte that is not whitespace, on the same line
//    or not: `{...}{...}` and `{...} {...}` are two records.
// 3. A `[` where a record would start, outside an array of rule 3, opens a top-level array: its
//    elements are the records (`[]` yields none), framed by rule 2, separated by `,` and closed
//    by `]`. Each fault is an error record of its own (`framed_record::problem`, empty text): a
//    missing `,` at the byte found instead, which is then read as the next element; a missing
//    element at the `,` or `]` found instead, which is then passed; an array not closed at the
//    end of the stream, located at the end.
// 4. A value that does not close is cut where it provably cannot go on, so that one broken line
//    does not swallow the next:
//    a. a raw line feed inside a string (invalid JSON): the record ends before that line feed;
//    b. a line that starts with `{` at column 1 while the value is open, where the last byte
//       before it that is not whitespace is not `:`, `[`, or a `,` inside an array (no JSON
//       value can take a `{` there): the record ends before that line, and a new one starts at
//       the `{`.
//    Otherwise a value that never closes runs to the end of the stream.
// Lines are 1-based, counted by line feeds; columns are 1-based, in bytes from the line's start
// (a byte order mark is 3 bytes of the first line).
//
// Speed: a container is scanned 64 bytes at a time with SSE2: bit masks of quotes, backslashes,
// brackets and line feeds; escaped bytes as simdjson finds them (odd runs of backslashes);
// strings as a prefix XOR of the unescaped quotes; then only brackets, line feeds in strings and
// `{` at line starts cost a step each. Bytes past the last whole block (and builds without SSE2)
// go byte by byte, with the same result. On the 94 MB NDJSON benchmark stream this is about
// 4.5 GB/s (a 2-core EPYC; about 2.5 instructions a byte), several times the parse; the earlier
// line splitter, which trusted the first record's mode, found line feeds only.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "livesend/detail/config.hpp"
#include "livesend/detail/json_text.hpp"

namespace livesend::detail {

/// Where a record of a stream is (livesend::stream_record adds what the parse reports).
struct framed_record {
  std::string_view text;   ///< the record's bytes, without surrounding whitespace
  std::size_t offset = 0;  ///< byte offset of `text` in the stream
  std::size_t line = 1;    ///< 1-based line of the stream where the record starts
  std::size_t index = 0;   ///< 0-based number of the record in the stream
  std::size_t column = 1;  ///< 1-based column (in bytes) of `offset` in its line
  /// Null for a record to parse; else why the bytes at `offset` are not a record (a framing
  /// error of a top-level array, rule 3): `text` is then empty.
  const char* problem = nullptr;
};

/// The line feeds in `text` (16 bytes at a time with SSE2: std::count goes byte by byte).
inline std::size_t count_newlines(std::string_view text) noexcept {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t count = 0;
  std::size_t i = 0;
#if LIVESEND_SSE2
  const __m128i newline = _mm_set1_epi8('\n');
  while (i + 16 <= n) {
    // Up to 255 blocks into byte counters (a match is -1: subtracted, it adds one), then summed.
    __m128i counters = _mm_setzero_si128();
    for (int blocks = 0; blocks < 255 && i + 16 <= n; ++blocks, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < n; ++i) count += p[i] == '\n' ? 1 : 0;
  return count;
}

/// The number of set bits of `bits`.
inline std::size_t count_bits(std::uint64_t bits) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return static_cast<std::size_t>(__builtin_popcountll(bits));
#else
  std::size_t n = 0;
  for (; bits != 0; bits &= bits - 1) ++n;
  return n;
#endif
}

/// Index of the highest set bit of `bits` (not zero).
inline int highest_set_bit(std::uint64_t bits) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return 63 - __builtin_clzll(bits);
#else
  int i = 63;
  for (; (bits >> i) == 0; --i) {
  }
  return i;
#endif
}

/// Finds where one record's JSON value ends (rules 2 and 4 of the header's comment), in one pass
/// over its bytes, which may come in pieces. It does not check the value, only frames it; it
/// counts the line feeds before the end and remembers where the last line starts.
class value_end_scanner {
 public:
  static constexpr std::size_t npos = std::string_view::npos;

  /// Scans the next piece of the value (the first piece starts with the value's first byte);
  /// returns the offset in `piece` where the record ends (just past the value, or where it is
  /// cut: see cut()), or npos when it goes on past the piece.
  std::size_t feed(std::string_view piece) noexcept {
    if (piece.empty()) return npos;
    if (kind_ == kind::unknown) {
      const char first = piece[0];
      kind_ = first == '{' || first == '[' ? kind::container
              : first == '"'               ? kind::string
                                           : kind::bare;
    }
    std::size_t end = npos;
    switch (kind_) {
      case kind::container:
        end = scan_container(piece);
        break;
      case kind::string:
        end = scan_string(piece);
        break;
      default:
        end = scan_bare(piece);
        break;
    }
    if (end == npos) {
      remember_last_significant(piece, piece.size());
      consumed_ += piece.size();
    }
    return end;
  }

  /// True when the record was cut (rule 4) rather than ended by its value's end.
  bool cut() const noexcept { return cut_; }
  /// The line feeds in the bytes scanned before the end (all of them while it goes on).
  std::size_t newlines() const noexcept { return newlines_; }
  /// Offset from the value's first byte of the byte after its last line feed counted by
  /// newlines(), or npos when none.
  std::size_t last_line_start() const noexcept { return last_line_start_; }

 private:
  enum class kind : std::uint8_t { unknown, container, string, bare };

  static constexpr std::size_t max_tracked_depth = 1024;

  std::size_t cut_at(std::size_t i) noexcept {
    cut_ = true;
    return i;
  }

  void newline_at(std::size_t i) noexcept {
    ++newlines_;
    last_line_start_ = consumed_ + i + 1;
  }

  void open(bool array) noexcept {
    if (depth_ < max_tracked_depth) {
      const std::uint64_t bit = std::uint64_t{1} << (depth_ % 64);
      if (array) {
        arrays_[depth_ / 64] |= bit;
      } else {
        arrays_[depth_ / 64] &= ~bit;
      }
    }
    ++depth_;
  }

  /// Whether the innermost open container is an array (deeper than tracked: assumed so).
  bool in_array() const noexcept {
    const std::size_t level = depth_ - 1;
    if (level >= max_tracked_depth) return true;
    return ((arrays_[level / 64] >> (level % 64)) & 1) != 0;
  }

  /// Rule 4b: whether the open value can take the `{` at `piece[i]`, which starts a line.
  bool may_take_brace(std::string_view piece, std::size_t i) const noexcept {
    char last = last_significant_;
    while (i > 0) {
      const char c = piece[--i];
      if (!is_json_space(c)) {
        last = c;
        break;
      }
    }
    return last == ':' || last == '[' || (last == ',' && in_array());
  }

  void remember_last_significant(std::string_view piece, std::size_t end) noexcept {
    while (end > 0) {
      const char c = piece[--end];
      if (!is_json_space(c)) {
        last_significant_ = c;
        return;
      }
    }
  }

  std::size_t scan_bare(std::string_view piece) noexcept {
    std::size_t i = consumed_ == 0 ? 1 : 0;  // the first byte is the value's, whatever it is
    for (; i < piece.size(); ++i) {
      const char c = piece[i];
      if (is_json_space(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == '"' ||
          c == ',') {
        return i;
      }
    }
    return npos;
  }

  std::size_t scan_string(std::string_view piece) noexcept {
    std::size_t i = consumed_ == 0 ? 1 : 0;  // past the opening quote
    for (; i < piece.size(); ++i) {
      const char c = piece[i];
      if (c == '\n') return cut_at(i);
      const bool escaped = escaped_;
      escaped_ = !escaped && c == '\\';
      if (c == '"' && !escaped) return i + 1;
    }
    return npos;
  }

  /// Bytes [i, end) of a container byte by byte; npos when it goes on past them. A backslash
  /// escapes the byte after it (in a string or not: outside one it is invalid JSON anyway); an
  /// escaped quote is no quote, and that is all an escape changes.
  std::size_t scan_bytes(std::string_view piece, std::size_t i, std::size_t end) noexcept {
    for (; i < end; ++i) {
      const char c = piece[i];
      const bool escaped = escaped_;
      escaped_ = !escaped && c == '\\';
      if (in_string_) {
        if (c == '\n') return cut_at(i);
        if (c == '"' && !escaped) in_string_ = false;
        after_newline_ = false;
        continue;
      }
      if (after_newline_ && c == '{' && !may_take_brace(piece, i)) return cut_at(i);
      after_newline_ = c == '\n';
      if (c == '\n') {
        newline_at(i);
      } else if (c == '"') {
        in_string_ = !escaped;
      } else if (c == '{' || c == '[') {
        open(c == '[');
      } else if ((c == '}' || c == ']') && --depth_ == 0) {
        return i + 1;
      }
    }
    return npos;
  }

#if LIVESEND_SSE2
  /// The bytes of a 64-byte block that matter, one bit each (bit i: byte i).
  struct block_bits {
    std::uint64_t quotes = 0;
    std::uint64_t backslashes = 0;
    std::uint64_t opens = 0;   // '{' or '['
    std::uint64_t closes = 0;  // '}' or ']'
    std::uint64_t newlines = 0;
  };

  /// The 64 bits of four 16-byte comparisons.
  LIVESEND_ALWAYS_INLINE static std::uint64_t bits_of(__m128i a, __m128i b, __m128i c,
                                                      __m128i d) noexcept {
    const auto mask = [](__m128i eq) {
      return std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(eq))};
    };
    return mask(a) | (mask(b) << 16) | (mask(c) << 32) | (mask(d) << 48);
  }

  LIVESEND_ALWAYS_INLINE static block_bits classify(const char* p) noexcept {
    const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    const __m128i b2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
    const __m128i b3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48));
    block_bits bits;
    const __m128i quote = _mm_set1_epi8('"');
    bits.quotes = bits_of(_mm_cmpeq_epi8(b0, quote), _mm_cmpeq_epi8(b1, quote),
                          _mm_cmpeq_epi8(b2, quote), _mm_cmpeq_epi8(b3, quote));
    // '[' and ']' are '{' and '}' with bit 0x20 clear.
    const __m128i fold = _mm_set1_epi8(0x20);
    const __m128i f0 = _mm_or_si128(b0, fold);
    const __m128i f1 = _mm_or_si128(b1, fold);
    const __m128i f2 = _mm_or_si128(b2, fold);
    const __m128i f3 = _mm_or_si128(b3, fold);
    const __m128i open = _mm_set1_epi8('{');
    bits.opens = bits_of(_mm_cmpeq_epi8(f0, open), _mm_cmpeq_epi8(f1, open),
                         _mm_cmpeq_epi8(f2, open), _mm_cmpeq_epi8(f3, open));
    const __m128i close = _mm_set1_epi8('}');
    bits.closes = bits_of(_mm_cmpeq_epi8(f0, close), _mm_cmpeq_epi8(f1, close),
                          _mm_cmpeq_epi8(f2, close), _mm_cmpeq_epi8(f3, close));
    // Backslashes and line feeds are rarer: their bits only when the block has some.
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i s0 = _mm_cmpeq_epi8(b0, backslash);
    const __m128i s1 = _mm_cmpeq_epi8(b1, backslash);
    const __m128i s2 = _mm_cmpeq_epi8(b2, backslash);
    const __m128i s3 = _mm_cmpeq_epi8(b3, backslash);
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i n0 = _mm_cmpeq_epi8(b0, newline);
    const __m128i n1 = _mm_cmpeq_epi8(b1, newline);
    const __m128i n2 = _mm_cmpeq_epi8(b2, newline);
    const __m128i n3 = _mm_cmpeq_epi8(b3, newline);
    const __m128i any_s = _mm_or_si128(_mm_or_si128(s0, s1), _mm_or_si128(s2, s3));
    const __m128i any_n = _mm_or_si128(_mm_or_si128(n0, n1), _mm_or_si128(n2, n3));
    if (_mm_movemask_epi8(_mm_or_si128(any_s, any_n)) != 0) {
      bits.backslashes = bits_of(s0, s1, s2, s3);
      bits.newlines = bits_of(n0, n1, n2, n3);
    }
    return bits;
  }

  /// The bytes escaped by a backslash (after an odd run of them), the carry in escaped_
  /// (simdjson's branchless escape scan).
  std::uint64_t escaped_bytes(std::uint64_t backslashes) noexcept {
    if (backslashes == 0 && !escaped_) return 0;
    const std::uint64_t carry = escaped_ ? 1 : 0;
    backslashes &= ~carry;
    const std::uint64_t follows_escape = (backslashes << 1) | carry;
    constexpr std::uint64_t even_bits = 0x5555555555555555u;
    const std::uint64_t odd_starts = backslashes & ~even_bits & ~follows_escape;
    const std::uint64_t sum = odd_starts + backslashes;
    escaped_ = sum < backslashes;  // it overflowed: the next block's first byte is escaped
    return (even_bits ^ (sum << 1)) & follows_escape;
  }

  /// Line feeds of a block, counted (offsets from `at`).
  void count_block_newlines(std::size_t at, std::uint64_t newlines) noexcept {
    if (newlines == 0) return;
    newlines_ += count_bits(newlines);
    last_line_start_ = consumed_ + at + static_cast<std::size_t>(highest_set_bit(newlines)) + 1;
  }
#endif

  std::size_t scan_container(std::string_view piece) noexcept {
    const std::size_t n = piece.size();
    std::size_t i = 0;
#if LIVESEND_SSE2
    const char* p = piece.data();
    for (; i + 64 <= n; i += 64) {
      const char* block = p + i;
      const block_bits bits = classify(block);
      // Inside a string: from its opening quote (included) to its closing one (excluded).
      std::uint64_t strings = bits.quotes & ~escaped_bytes(bits.backslashes);
      strings ^= strings << 1;
      strings ^= strings << 2;
      strings ^= strings << 4;
      strings ^= strings << 8;
      strings ^= strings << 16;
      strings ^= strings << 32;
      if (in_string_) strings = ~strings;
      in_string_ = (strings >> 63) != 0;
      const std::uint64_t lf_outside = bits.newlines & ~strings;
      const std::uint64_t opens = bits.opens & ~strings;
      const std::uint64_t closes = bits.closes & ~strings;
      const std::uint64_t line_opens = ((lf_outside << 1) | (after_newline_ ? 1u : 0u)) & opens;
      const std::uint64_t cuts = (bits.newlines & strings) | line_opens;
      after_newline_ = (lf_outside >> 63) != 0;
      std::uint64_t events = opens | closes | cuts;
      for (; events != 0; events &= events - 1) {
        const int b = lowest_set_bit(events);
        const std::uint64_t bit = std::uint64_t{1} << b;
        const std::size_t at = i + static_cast<std::size_t>(b);
        if ((cuts & bit) != 0 &&
            ((bits.newlines & bit) != 0 || (block[b] == '{' && !may_take_brace(piece, at)))) {
          count_block_newlines(i, lf_outside & (bit - 1));
          return cut_at(at);
        }
        if ((opens & bit) != 0) {
          open(block[b] == '[');
        } else if ((closes & bit) != 0 && --depth_ == 0) {
          count_block_newlines(i, lf_outside & (bit - 1));
          return at + 1;
        }
      }
      count_block_newlines(i, lf_outside);
    }
#endif
    return scan_bytes(piece, i, n);
  }

  std::size_t consumed_ = 0;  // bytes of the value in the pieces before
  std::size_t depth_ = 0;
  std::size_t newlines_ = 0;
  std::size_t last_line_start_ = npos;
  std::uint64_t arrays_[max_tracked_depth / 64] = {};  // bit d: the container at depth d+1
  kind kind_ = kind::unknown;
  char last_significant_ = 0;  // in the pieces before
  bool in_string_ = false;
  bool escaped_ = false;
  bool after_newline_ = false;
  bool cut_ = false;
};

/// Splits a buffer into records by the rule in this header's comment, in order, with their
/// offsets, lines and columns.
///
/// A stream read in pieces (`piece_splitter`) is split piece by piece: a splitter made with
/// `last = false` stops before a record that may go on past its buffer (a record is handed out
/// as soon as its value has ended: the bytes after it do not matter), and `resume` goes on over
/// the next buffer, which starts with that record, with offsets, lines and the state of an open
/// array carried over.
class record_splitter {
 public:
  explicit record_splitter(std::string_view buffer, bool last = true) noexcept
      : buffer_(buffer), last_(last) {}

  /// The next record, or false at the end of the buffer (or, when more follows it, before a
  /// record that may go on past it: see pending()).
  bool next(framed_record& out) noexcept {
    if (!bom_checked_) {
      // A byte order mark at the start of the stream: wait for its three bytes.
      const std::string_view bom = "\xEF\xBB\xBF";
      if (!last_ && buffer_.size() < bom.size() && bom.substr(0, buffer_.size()) == buffer_) {
        return false;
      }
      bom_checked_ = true;
      pos_ = bom_size(buffer_);
    }
    for (;;) {
      skip_space();
      if (pos_ >= buffer_.size()) {
        if (!last_ || array_ == array::none) return false;
        array_ = array::none;  // the end of the stream in an array
        return problem(out, "the array is not closed at the end of the input");
      }
      const char c = buffer_[pos_];
      switch (array_) {
        case array::none:
          if (c != '[') return value(out);
          array_ = array::first;  // a top-level array: its elements are the records
          ++pos_;
          continue;
        case array::first:
          if (c == ']') {
            array_ = array::none;
            ++pos_;
            continue;
          }
          array_ = array::element;
          [[fallthrough]];
        case array::element:
          if (c == ',' || c == ']') {
            array_ = c == ']' ? array::none : array::element;
            problem(out, c == ']' ? "expected an array element before ']'"
                                  : "expected an array element before ','");
            ++pos_;
            return true;
          }
          if (!value(out)) return false;
          array_ = array::after;
          return true;
        case array::after:
          if (c == ',' || c == ']') {
            array_ = c == ']' ? array::none : array::element;
            ++pos_;
            continue;
          }
          array_ = array::element;  // read on as if the ',' were there
          return problem(out, "expected ',' or ']' after an array element");
      }
    }
  }

  /// The offset in the buffer of the first byte not split yet: where next() stopped.
  std::size_t pending() const noexcept { return pos_; }

  /// Goes on over `buffer`, whose first byte is the pending byte of the buffer before.
  void resume(std::string_view buffer, bool last) noexcept {
    base_ += pos_;
    buffer_ = buffer;
    pos_ = 0;
    last_ = last;
  }

  /// Passes over the pending record without its bytes (piece_splitter, for a record too long to
  /// hold): `bytes` of it were read, the scanner that framed them says where its lines start;
  /// the next buffer starts after them. Returns where the record started, and counts it.
  framed_record skip_pending(std::size_t bytes, const value_end_scanner& scanned) noexcept {
    framed_record r;
    r.offset = base_ + pos_;
    r.line = line_;
    r.column = r.offset - line_start_ + 1;
    r.index = index_++;
    line_ += scanned.newlines();
    if (scanned.last_line_start() != value_end_scanner::npos) {
      line_start_ = r.offset + scanned.last_line_start();
    }
    if (array_ == array::element) array_ = array::after;
    scanning_ = false;
    base_ += pos_ + bytes;
    buffer_ = {};
    pos_ = 0;
    return r;
  }

 private:
  enum class array : std::uint8_t {
    none,     ///< not in a top-level array
    first,    ///< after its '['
    element,  ///< where an element must start
    after,    ///< after an element: ',' or ']'
  };

  void skip_space() noexcept {
    const std::size_t end = skip_json_space(buffer_, pos_);
    for (std::size_t i = pos_; i < end; ++i) {
      if (buffer_[i] == '\n') {
        ++line_;
        line_start_ = base_ + i + 1;
      }
    }
    pos_ = end;
  }

  void locate(framed_record& out, std::size_t start) noexcept {
    out.offset = base_ + start;
    out.line = line_;
    out.column = out.offset - line_start_ + 1;
    out.index = index_++;
  }

  /// A framing error at the pending byte (its text empty); does not move past it.
  bool problem(framed_record& out, const char* why) noexcept {
    out.text = buffer_.substr(pos_, 0);
    out.problem = why;
    locate(out, pos_);
    return true;
  }

  /// The value that starts at the pending byte (rules 2 and 4), or false when it may go on past
  /// the buffer. A value that goes on is not scanned again from its start: the scan goes on over
  /// the bytes that follow in the next buffer (a slow pipe may bring a long record a few bytes
  /// at a time).
  bool value(framed_record& out) noexcept {
    const std::size_t start = pos_;
    if (!scanning_) scanned_ = 0;
    // A local scanner (kept in registers), from where the last buffer left it.
    value_end_scanner scanner = scanning_ ? scanner_ : value_end_scanner();
    const std::size_t n = scanner.feed(buffer_.substr(start + scanned_));
    if (n == value_end_scanner::npos) {
      scanned_ = buffer_.size() - start;
      if (!last_) {
        scanner_ = scanner;
        scanning_ = true;
        return false;
      }
    }
    scanning_ = false;
    const std::size_t end = n == value_end_scanner::npos ? buffer_.size() : start + scanned_ + n;
    out.text = trim_json_space(buffer_.substr(start, end - start));
    out.problem = nullptr;
    locate(out, start);
    line_ += scanner.newlines();
    if (scanner.last_line_start() != value_end_scanner::npos) {
      line_start_ = base_ + start + scanner.last_line_start();
    }
    pos_ = end;
    return true;
  }

  std::string_view buffer_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;  // stream offset of buffer_[0]
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;  // stream offset of the first byte of line_
  std::size_t index_ = 0;
  value_end_scanner scanner_;  // of the pending value, while scanning_
  std::size_t scanned_ = 0;    // its bytes scanned so far
  array array_ = array::none;
  bool last_ = true;
  bool bom_checked_ = false;
  bool scanning_ = false;
};

/// The bounded piece buffer and the splitter of a stream read piece by piece, the core of
/// livesend::record_reader. The buffer holds one piece of the stream (up to `piece_size` bytes),
/// grown to hold the longest record up to `max_record_size`, with SIMDJSON_PADDING bytes past
/// it, so that records are parsed in place; a longer record is not held but passed over to its
/// end (by the same rule). Reads from the source once, hands out every record complete in the
/// buffer, and reads again only when none is left: a record is handed out as soon as its bytes
/// have arrived, whatever follows (`tail -f events.ndjson | ...`). Allocates only when the
/// buffer grows.
///
/// By default the records handed out are done with at the next read: the bytes not split yet
/// move to the buffer's start, over them. A caller that keeps records while more are read (the
/// parallel reader: they wait in a batch for a thread to parse them) sets `hold(true)`: then
/// next() returns `full` where it would move bytes over a record it handed out, and the caller
/// takes the buffer, records and all, with exchange(), giving a spare one to go on in.
class piece_splitter {
 public:
  static constexpr std::size_t padding = simdjson::SIMDJSON_PADDING;

  enum class outcome {
    record,    ///< a record, its text in the buffer
    too_long,  ///< a record longer than max_record_size, passed over: empty text
    end,       ///< the end of the stream
    full,      ///< (hold) every record of the buffer is handed out: exchange() it, then next()
  };

  piece_splitter(std::size_t max_record_size, std::size_t piece_size) noexcept
      : limit_(max_record_size), piece_size_(piece_size) {}

  /// The next record of the stream that `read(char* into, std::size_t room) -> std::size_t`
  /// gives (it may give fewer bytes than `room`, e.g. what a pipe holds; 0 only at the end).
  /// Its text (for `record`) stays valid, with room() readable bytes, until next().
  template <class Read>
  outcome next(Read& read, framed_record& out) {
    if (!started_) {
      started_ = true;
      reserve(std::max<std::size_t>(piece_size_, 4));
      refill_ = true;
    }
    for (;;) {
      if (refill_) {
        refill_ = false;
        fill(read);
        splitter_.resume(std::string_view(buffer_.get(), size_), end_);
        exhausted_ = false;
      }
      if (!exhausted_) {
        if (splitter_.next(out)) {
          ++handed_;
          return outcome::record;
        }
        exhausted_ = true;
      }
      if (end_) return outcome::end;
      if (hold_ && handed_ != 0) return outcome::full;
      if (moved_) {
        moved_ = false;
      } else {
        keep_from(splitter_.pending());
      }
      refill_ = true;
      if (size_ > limit_) {
        pass_over(read, out);
        return outcome::too_long;
      }
      if (size_ > capacity_ / 2) {
        reserve(std::min(capacity_ * 2, limit_ + capacity_));  // a long record: room for more
      }
    }
  }

  /// Whether next() returns `full` rather than move bytes over the records it handed out.
  void hold(bool on) noexcept { hold_ = on; }

  /// After next() returned `full`: the buffer, with the records handed out from it, goes to
  /// `spare` (its bytes stay where they are); the buffer `spare` held (made, or made larger,
  /// when it cannot hold the bytes not split yet and a piece) takes those bytes and is read on.
  void exchange(std::unique_ptr<char[]>& spare, std::size_t& spare_capacity) {
    const std::size_t from = splitter_.pending();
    const std::size_t rest = size_ - from;
    const std::size_t want = std::max(piece_size_, rest);
    if (!spare || spare_capacity < want) {
      spare.reset(new char[want + padding]);
      spare_capacity = want;
    }
    std::memcpy(spare.get(), buffer_.get() + from, rest);
    std::swap(buffer_, spare);
    std::swap(capacity_, spare_capacity);
    size_ = rest;
    handed_ = 0;
    moved_ = true;
  }

  /// The readable bytes from the first byte of `text`, a record's text that next() gave: at least
  /// its size and `padding`.
  std::size_t room(std::string_view text) const noexcept {
    return capacity_ + padding - static_cast<std::size_t>(text.data() - buffer_.get());
  }

  /// The longest record held (the parser's max_input_size in read_stream).
  std::size_t max_record_size() const noexcept { return limit_; }

 private:
  void reserve(std::size_t want) {
    std::unique_ptr<char[]> bigger(new char[want + padding]);
    if (size_ != 0) std::memcpy(bigger.get(), buffer_.get(), size_);
    buffer_ = std::move(bigger);
    capacity_ = want;
  }

  /// One read into the free room, if any (a record passed over may leave the buffer full): what
  /// the source has, 0 at its end.
  template <class Read>
  void fill(Read& read) {
    if (!end_ && size_ < capacity_) {
      const std::size_t n = read(buffer_.get() + size_, capacity_ - size_);
      if (n == 0) end_ = true;
      size_ += n;
    }
    std::memset(buffer_.get() + size_, 0, padding);
  }

  /// The buffer's bytes from `from` on move to its start; those before are done with.
  void keep_from(std::size_t from) noexcept {
    handed_ = 0;
    size_ -= from;
    std::memmove(buffer_.get(), buffer_.get() + from, size_);
  }

  /// Passes over the pending record, too long to hold, to its end, piece by piece.
  template <class Read>
  void pass_over(Read& read, framed_record& out) {
    value_end_scanner scanner;
    std::size_t skipped = 0;
    for (;;) {
      const std::string_view piece(buffer_.get(), size_);
      std::size_t n = scanner.feed(piece);
      const bool found = n != value_end_scanner::npos;
      if (!found) n = piece.size();
      skipped += n;
      keep_from(n);
      if (found || end_) break;
      fill(read);
    }
    out = splitter_.skip_pending(skipped, scanner);
  }

  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::size_t limit_;
  std::size_t piece_size_;
  std::size_t handed_ = 0;  // records handed out from the buffer since its bytes last moved
  bool started_ = false;
  bool end_ = false;
  bool refill_ = false;
  bool exhausted_ = false;  // splitter_ has no record left in the buffer
  bool hold_ = false;
  bool moved_ = false;  // exchange() moved the bytes not split yet
  record_splitter splitter_{std::string_view(), false};
};

}  // namespace livesend::detail
