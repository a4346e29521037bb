// livesend/detail/framing.hpp: stream framing: where each record of a stream starts and ends
// (NDJSON lines or concatenated JSON values), with its byte offset and line, over one buffer
// (record_splitter) or over a stream read piece by piece in a bounded buffer (piece_splitter).
// It finds records; it does not parse them.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
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

/// Finds where one JSON value ends, in one pass over its bytes, which may come in pieces: a
/// container ends after its matching close bracket (strings and escapes respected), anything else
/// at the first whitespace. It does not check the value, only frames it.
class value_end_scanner {
 public:
  static constexpr std::size_t npos = std::string_view::npos;

  /// Scans the next piece of the value; returns the offset in `piece` just past the value's end,
  /// or npos when the value goes on past the piece.
  std::size_t feed(std::string_view piece) noexcept {
    std::size_t i = 0;
    if (!started_ && !piece.empty()) {
      started_ = true;
      container_ = piece[0] == '{' || piece[0] == '[';
    }
    if (!container_) {
      for (; i < piece.size(); ++i) {
        if (is_json_space(piece[i])) return i;
      }
      return npos;
    }
    for (; i < piece.size(); ++i) {
      if (!escaped_) {
        i = skip_plain(piece, i);
        if (i == piece.size()) break;
      }
      const char c = piece[i];
      if (escaped_) {
        escaped_ = false;
      } else if (in_string_) {
        if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
      } else if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if ((c == '}' || c == ']') && --depth_ == 0) {
        return i + 1;
      }
    }
    return npos;
  }

  /// The first byte from `i` on that can change the state: a quote or a backslash in a string,
  /// a quote or a bracket outside (16 bytes at a time with SSE2).
  std::size_t skip_plain(std::string_view piece, std::size_t i) const noexcept {
    const char* p = piece.data();
    const std::size_t n = piece.size();
#if LIVESEND_SSE2
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i second = _mm_set1_epi8(in_string_ ? '\\' : '{');  // also '[' once | 0x20
    const __m128i third = _mm_set1_epi8(in_string_ ? '\\' : '}');   // also ']' once | 0x20
    const __m128i fold = _mm_set1_epi8(in_string_ ? 0 : 0x20);
    for (; i + 16 <= n; i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i folded = _mm_or_si128(bytes, fold);
      const __m128i hits =
          _mm_or_si128(_mm_cmpeq_epi8(bytes, quote),
                       _mm_or_si128(_mm_cmpeq_epi8(folded, second), _mm_cmpeq_epi8(folded, third)));
      if (const int mask = _mm_movemask_epi8(hits)) {
        return i + static_cast<std::size_t>(lowest_set_bit(static_cast<unsigned>(mask)));
      }
    }
#endif
    for (; i < n; ++i) {
      const char c = p[i];
      if (c == '"' || (in_string_ ? c == '\\' : ((c | 0x20) == '{' || (c | 0x20) == '}'))) break;
    }
    return i;
  }

 private:
  std::size_t depth_ = 0;
  bool started_ = false;
  bool container_ = false;
  bool in_string_ = false;
  bool escaped_ = false;
};

/// Splits a buffer into records, in one of two modes chosen by the first record:
/// - **lines** (NDJSON) when the first JSON value opens and closes on its first line: then every
///   non-blank line is one record, whatever it holds (so a broken line cannot swallow the next);
/// - **values** otherwise (pretty-printed or concatenated documents): a record runs from a value's
///   first byte to its matching close bracket, strings and escapes respected; a value that never
///   closes runs to the end of the buffer.
/// A UTF-8 byte order mark at the start is skipped; blank lines are skipped.
///
/// A stream read in pieces (`record_reader`) is split piece by piece: a splitter made with
/// `last = false` stops before a record that may go on past its buffer, and `resume` goes on
/// over the next buffer, which starts with that record, with offsets, lines and the mode carried
/// over.
class record_splitter {
 public:
  explicit record_splitter(std::string_view buffer, bool last = true) noexcept
      : buffer_(buffer), pos_(bom_size(buffer)), last_(last) {}

  /// The next record, or false at the end of the buffer (or, when more follows it, before a
  /// record that may go on past it: see pending()).
  bool next(framed_record& out) noexcept {
    skip_space();
    if (pos_ >= buffer_.size()) return false;
    const std::size_t start = pos_;
    const std::size_t line_end = end_of_line(start);  // the buffer's end when no line feed
    constexpr std::size_t open = std::string_view::npos;
    std::size_t value_end = open;
    if (mode_ == mode::undecided) {
      value_end = value_end_at(start);
      const bool on_one_line =
          value_end != open && value_end <= line_end && closes(start, value_end);
      // Decided once the first value closed on its line (lines it is, whatever follows), or once
      // the line is whole; else more bytes must tell.
      if (!on_one_line && line_end == buffer_.size() && !last_) return false;
      mode_ = on_one_line ? mode::lines : mode::values;
    }
    std::size_t end = line_end;
    if (mode_ == mode::values) {
      if (value_end == open) value_end = value_end_at(start);
      end = value_end == open ? buffer_.size() : value_end;  // a value never closed: to the end
    }
    // A line not ended, or a value not closed, may go on in the next buffer.
    if (!last_ && end == buffer_.size() && (mode_ == mode::lines || value_end == open)) {
      return false;
    }
    out.text = trim_json_space(buffer_.substr(start, end - start));
    out.offset = base_ + start;
    out.line = line_;
    out.index = index_++;
    // A line holds no line feed before its end; a value may.
    if (mode_ == mode::values) line_ += count_newlines(buffer_.substr(start, end - start));
    pos_ = end;
    return true;
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
  /// hold): `bytes` of it have been read, `newlines` line feeds among them; the next buffer starts
  /// after them. Returns the stream offset and line where the record started, and counts it.
  framed_record skip_pending(std::size_t bytes, std::size_t newlines) noexcept {
    framed_record r;
    r.offset = base_ + pos_;
    r.line = line_;
    r.index = index_++;
    base_ += pos_ + bytes;
    buffer_ = {};
    pos_ = 0;
    line_ += newlines;
    return r;
  }

  /// True once the first record has chosen lines (NDJSON) for the whole stream.
  bool by_lines() const noexcept { return mode_ == mode::lines; }

 private:
  enum class mode { undecided, lines, values };

  void skip_space() noexcept {
    const std::size_t end = skip_json_space(buffer_, pos_);
    line_ += count_newlines(buffer_.substr(pos_, end - pos_));
    pos_ = end;
  }

  std::size_t end_of_line(std::size_t from) const noexcept {
    const std::size_t nl = buffer_.find('\n', from);
    return nl == std::string_view::npos ? buffer_.size() : nl;
  }

  /// True when the value scanned from `start` to `end` is a container that closed.
  bool closes(std::size_t start, std::size_t end) const noexcept {
    const char open = buffer_[start];
    if (open != '{' && open != '[') return true;  // a scalar: one line, one record
    return end > start && (buffer_[end - 1] == '}' || buffer_[end - 1] == ']') && end - start >= 2;
  }

  /// End of the JSON value starting at `start` (see value_end_scanner), or npos when it does
  /// not end in the buffer.
  std::size_t value_end_at(std::size_t start) const noexcept {
    value_end_scanner scanner;
    const std::size_t n = scanner.feed(buffer_.substr(start));
    return n == value_end_scanner::npos ? n : start + n;
  }

  std::string_view buffer_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;  // stream offset of buffer_[0]
  std::size_t line_ = 1;
  std::size_t index_ = 0;
  mode mode_ = mode::undecided;
  bool last_ = true;
};

/// The bounded piece buffer and the splitter of a stream read piece by piece, the core of
/// livesend::record_reader. The buffer holds one piece of the stream (`piece_size` bytes), grown
/// to hold the longest record up to `max_record_size`, with SIMDJSON_PADDING bytes past it, so
/// that records are parsed in place; a longer record is not held but passed over to its end
/// (its line's end in NDJSON, its value's end otherwise). Reads from the source only when the
/// records in the buffer are all handed out; allocates only when the buffer grows.
class piece_splitter {
 public:
  static constexpr std::size_t padding = simdjson::SIMDJSON_PADDING;

  enum class outcome {
    record,    ///< a record, its text in the buffer
    too_long,  ///< a record longer than max_record_size, passed over: empty text
    end,       ///< the end of the stream
  };

  piece_splitter(std::size_t max_record_size, std::size_t piece_size) noexcept
      : limit_(max_record_size), piece_size_(piece_size) {}

  /// The next record of the stream that `read(char* into, std::size_t room) -> std::size_t`
  /// gives. Its text (for `record`) stays valid, with room() readable bytes, until next().
  template <class Read>
  outcome next(Read& read, framed_record& out) {
    if (!started_) {
      started_ = true;
      reserve(std::max<std::size_t>(piece_size_, 4));
      fill(read);
      splitter_ = record_splitter(std::string_view(buffer_.get(), size_), end_);
    }
    for (;;) {
      if (refill_) {
        refill_ = false;
        fill(read);
        splitter_.resume(std::string_view(buffer_.get(), size_), end_);
      }
      if (splitter_.next(out)) return outcome::record;
      if (end_) return outcome::end;
      keep_from(splitter_.pending());
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

  template <class Read>
  void fill(Read& read) {
    while (!end_ && size_ < capacity_) {
      const std::size_t n = read(buffer_.get() + size_, capacity_ - size_);
      if (n == 0) end_ = true;
      size_ += n;
    }
    std::memset(buffer_.get() + size_, 0, padding);
  }

  /// The buffer's bytes from `from` on move to its start; those before are done with.
  void keep_from(std::size_t from) noexcept {
    size_ -= from;
    std::memmove(buffer_.get(), buffer_.get() + from, size_);
  }

  /// Passes over the pending record, too long to hold, to its end, piece by piece.
  template <class Read>
  void pass_over(Read& read, framed_record& out) {
    value_end_scanner scanner;
    const bool by_lines = splitter_.by_lines();
    std::size_t skipped = 0;
    std::size_t newlines = 0;
    for (;;) {
      const std::string_view piece(buffer_.get(), size_);
      std::size_t n = by_lines ? piece.find('\n') : scanner.feed(piece);
      const bool found = n != std::string_view::npos;
      if (!found) n = piece.size();
      skipped += n;
      newlines += count_newlines(piece.substr(0, n));
      keep_from(n);
      if (found || end_) break;
      fill(read);
    }
    out = splitter_.skip_pending(skipped, newlines);
  }

  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::size_t limit_;
  std::size_t piece_size_;
  bool started_ = false;
  bool end_ = false;
  bool refill_ = false;
  record_splitter splitter_{std::string_view()};
};

}  // namespace livesend::detail
