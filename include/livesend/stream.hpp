// livesend/stream.hpp: many events in one buffer (NDJSON archives, concatenated documents).
//
// The buffer is split into records first, then each record is parsed on its own, so one bad
// record is reported (with its line and byte offset) and the rest go on.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/parse.hpp"

namespace livesend {

/// One record of a stream: its bytes and where they start.
struct stream_record {
  std::string_view text;   ///< the record's bytes, without surrounding whitespace
  std::size_t offset = 0;  ///< byte offset of `text` in the buffer
  std::size_t line = 1;    ///< 1-based line of the buffer where the record starts
  std::size_t index = 0;   ///< 0-based number of the record in the buffer
};

namespace detail {

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
        if (json_text_impl::is_space(piece[i])) return i;
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

}  // namespace detail

/// Splits a buffer into records, in one of two modes chosen by the first record:
/// - **lines** (NDJSON) when the first JSON value opens and closes on its first line: then every
///   non-blank line is one record, whatever it holds (so a broken line cannot swallow the next);
/// - **values** otherwise (pretty-printed or concatenated documents): a record runs from a value's
///   first byte to its matching close bracket, strings and escapes respected; a value that never
///   closes runs to the end of the buffer.
/// A UTF-8 byte order mark at the start is skipped; blank lines are skipped.
///
/// A stream read in pieces (`read_stream`) is split piece by piece: a splitter made with
/// `last = false` stops before a record that may go on past its buffer, and `resume` goes on
/// over the next buffer, which starts with that record, with offsets, lines and the mode carried
/// over.
class record_splitter {
 public:
  explicit record_splitter(std::string_view buffer, bool last = true) noexcept
      : buffer_(buffer), pos_(detail::bom_size(buffer)), last_(last) {}

  /// The next record, or false at the end of the buffer (or, when more follows it, before a
  /// record that may go on past it: see pending()).
  bool next(stream_record& out) noexcept {
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
    std::size_t trimmed = end;
    while (trimmed > start && detail::json_text_impl::is_space(buffer_[trimmed - 1])) {
      --trimmed;
    }
    out.text = buffer_.substr(start, trimmed - start);
    out.offset = base_ + start;
    out.line = line_;
    out.index = index_++;
    // A line holds no line feed before its end; a value may.
    if (mode_ == mode::values) line_ += detail::count_newlines(buffer_.substr(start, end - start));
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

  /// Passes over the pending record without its bytes (read_stream, for a record too long to
  /// hold): `bytes` of it have been read, `newlines` line feeds among them; the next buffer starts
  /// after them. Returns the stream offset and line where the record started, and counts it.
  stream_record skip_pending(std::size_t bytes, std::size_t newlines) noexcept {
    stream_record r;
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
    while (pos_ < buffer_.size() && detail::json_text_impl::is_space(buffer_[pos_])) {
      if (buffer_[pos_] == '\n') ++line_;
      ++pos_;
    }
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
    detail::value_end_scanner scanner;
    const std::size_t n = scanner.feed(buffer_.substr(start));
    return n == detail::value_end_scanner::npos ? n : start + n;
  }

  std::string_view buffer_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;  // stream offset of buffer_[0]
  std::size_t line_ = 1;
  std::size_t index_ = 0;
  mode mode_ = mode::undecided;
  bool last_ = true;
};

/// What a stream held.
struct stream_stats {
  std::size_t events = 0;  ///< records read, good or bad
  std::size_t failed = 0;  ///< records that did not parse
};

namespace detail {

/// The one step of parse_stream and read_stream: parses a record in place (`room` readable bytes
/// from its first), counts it, moves its error to the record's place in the stream, hands it on.
template <class S, class OnRecord>
void parse_record(parser& p, const stream_record& record, std::size_t room, basic_event<S>& scratch,
                  OnRecord& on_record, stream_stats& stats) {
  ++stats.events;
  error err =
      p.parse(simdjson::padded_string_view(record.text.data(), record.text.size(), room), scratch);
  if (err) {
    ++stats.failed;
    err.rebase(record.offset, record.line - 1);
  }
  on_record(record, static_cast<const error&>(err), scratch);
}

}  // namespace detail

/// Parses every record of `buffer` into `scratch` (reused for each, so no allocation per event
/// in steady state) and calls `on_record(const stream_record&, const error&, basic_event<S>&)`
/// for each: the event is meaningful only when the error is ok. Error offsets and lines are
/// those of the whole buffer. The buffer must have SIMDJSON_PADDING readable bytes past its end
/// (a simdjson::padded_string does): records are parsed in place, with no copy.
template <class S, class OnRecord>
stream_stats parse_stream(parser& p, simdjson::padded_string_view buffer, basic_event<S>& scratch,
                          OnRecord&& on_record) {
  stream_stats stats;
  record_splitter splitter(buffer);
  stream_record record;
  while (splitter.next(record)) {
    detail::parse_record(p, record, buffer.capacity() - record.offset, scratch, on_record, stats);
  }
  return stats;
}

/// Reads a stream of events from any source, piece by piece, and parses each record as
/// `parse_stream` does, with the same records, offsets, lines and errors: NDJSON archives and
/// concatenated documents of any length, in memory bounded by the longest record.
///
/// `read(char* into, std::size_t room) -> std::size_t` stores up to `room` bytes of the stream at
/// `into` and returns how many, 0 at its end (e.g. `std::fread(into, 1, room, file)`; check the
/// file for a read error afterwards). The records are parsed in place in a buffer of
/// `piece_size` bytes, which grows to hold the longest record, up to the parser's
/// `max_input_size`: a longer record is not held but passed over to its end (its line's end in
/// NDJSON, its value's end otherwise), reported with `input_too_large`, an empty `text`, and the
/// offset and line where it starts. The event passed to `on_record` is valid until it returns.
template <class S, class Read, class OnRecord>
stream_stats read_stream(parser& p, Read&& read, basic_event<S>& scratch, OnRecord&& on_record,
                         std::size_t piece_size = std::size_t{1} << 20) {
  constexpr std::size_t padding = simdjson::SIMDJSON_PADDING;
  const std::size_t limit = p.options().max_input_size;
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;
  std::size_t size = 0;
  bool end = false;
  auto reserve = [&](std::size_t want) {
    std::unique_ptr<char[]> bigger(new char[want + padding]);
    if (size != 0) std::memcpy(bigger.get(), buffer.get(), size);
    buffer = std::move(bigger);
    capacity = want;
  };
  auto fill = [&] {
    while (!end && size < capacity) {
      const std::size_t n = read(buffer.get() + size, capacity - size);
      if (n == 0) end = true;
      size += n;
    }
    std::memset(buffer.get() + size, 0, padding);
  };
  // The buffer's bytes from `from` on move to its start; those before are done with.
  auto keep_from = [&](std::size_t from) {
    size -= from;
    std::memmove(buffer.get(), buffer.get() + from, size);
  };

  stream_stats stats;
  reserve(std::max<std::size_t>(piece_size, 4));
  fill();
  record_splitter splitter(std::string_view(buffer.get(), size), end);
  for (;;) {
    stream_record record;
    while (splitter.next(record)) {
      const auto at = static_cast<std::size_t>(record.text.data() - buffer.get());
      detail::parse_record(p, record, capacity + padding - at, scratch, on_record, stats);
    }
    if (end) return stats;
    keep_from(splitter.pending());
    if (size > limit) {
      // Too long to hold: passed over to its end, piece by piece, and reported.
      detail::value_end_scanner scanner;
      const bool by_lines = splitter.by_lines();
      std::size_t skipped = 0;
      std::size_t newlines = 0;
      for (;;) {
        const std::string_view piece(buffer.get(), size);
        std::size_t n = by_lines ? piece.find('\n') : scanner.feed(piece);
        const bool found = n != std::string_view::npos;
        if (!found) n = piece.size();
        skipped += n;
        newlines += detail::count_newlines(piece.substr(0, n));
        keep_from(n);
        if (found || end) break;
        fill();
      }
      stream_record skipped_record = splitter.skip_pending(skipped, newlines);
      ++stats.events;
      ++stats.failed;
      const error err(error_code::input_too_large, {}, skipped_record.offset, skipped_record.line,
                      "record of more than " + std::to_string(limit) +
                          " bytes (the parser's max_input_size); passed over");
      on_record(static_cast<const stream_record&>(skipped_record), err, scratch);
    } else if (size > capacity / 2) {
      reserve(std::min(capacity * 2, limit + capacity));  // a long record: room for more of it
    }
    fill();
    splitter.resume(std::string_view(buffer.get(), size), end);
  }
}

/// As above for a simdjson::padded_string: no copy.
template <class S, class OnRecord, class Padded,
          std::enable_if_t<std::is_same_v<Padded, simdjson::padded_string>, int> = 0>
stream_stats parse_stream(parser& p, const Padded& buffer, basic_event<S>& scratch,
                          OnRecord&& on_record) {
  return parse_stream(p, simdjson::padded_string_view(buffer), scratch,
                      std::forward<OnRecord>(on_record));
}

/// As above for any bytes: copies the buffer once into a padded buffer first.
template <class S, class OnRecord>
stream_stats parse_stream(parser& p, std::string_view buffer, basic_event<S>& scratch,
                          OnRecord&& on_record) {
  const simdjson::padded_string padded(buffer);
  return parse_stream(p, simdjson::padded_string_view(padded), scratch,
                      std::forward<OnRecord>(on_record));
}

}  // namespace livesend
