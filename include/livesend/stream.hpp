// livesend/stream.hpp: many events in one buffer (NDJSON archives, concatenated documents).
//
// The buffer is split into records first, then each record is parsed on its own, so one bad
// record is reported (with its line and byte offset) and the rest go on.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstring>
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

/// Splits a buffer into records, in one of two modes chosen by the first record:
/// - **lines** (NDJSON) when the first JSON value opens and closes on its first line: then every
///   non-blank line is one record, whatever it holds (so a broken line cannot swallow the next);
/// - **values** otherwise (pretty-printed or concatenated documents): a record runs from a value's
///   first byte to its matching close bracket, strings and escapes respected; a value that never
///   closes runs to the end of the buffer.
/// A UTF-8 byte order mark at the start is skipped; blank lines are skipped.
class record_splitter {
 public:
  explicit record_splitter(std::string_view buffer) noexcept
      : buffer_(buffer), pos_(detail::bom_size(buffer)) {}

  /// The next record, or false at the end of the buffer.
  bool next(stream_record& out) noexcept {
    skip_space();
    if (pos_ >= buffer_.size()) return false;
    const std::size_t start = pos_;
    std::size_t end = 0;
    if (mode_ == mode::undecided) {
      const std::size_t value_end = scan_value(start);
      const std::size_t line_end = end_of_line(start);
      mode_ = value_end <= line_end && closes(start, value_end) ? mode::lines : mode::values;
    }
    if (mode_ == mode::lines) {
      end = end_of_line(start);
    } else {
      end = scan_value(start);
    }
    std::size_t trimmed = end;
    while (trimmed > start && is_space(buffer_[trimmed - 1])) --trimmed;
    out.text = buffer_.substr(start, trimmed - start);
    out.offset = start;
    out.line = line_;
    out.index = index_++;
    advance_to(end);
    return true;
  }

 private:
  enum class mode { undecided, lines, values };

  static bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

  void skip_space() noexcept {
    while (pos_ < buffer_.size() && is_space(buffer_[pos_])) {
      if (buffer_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  void advance_to(std::size_t end) noexcept {
    for (; pos_ < end; ++pos_) {
      if (buffer_[pos_] == '\n') ++line_;
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

  /// End of the JSON value starting at `start`: after its matching bracket (or the end of the
  /// buffer when it never closes), or after the token for a scalar.
  std::size_t scan_value(std::size_t start) const noexcept {
    const char first = buffer_[start];
    if (first != '{' && first != '[') {
      // Not an event: one token up to the next space, reported as not an object.
      std::size_t i = start;
      while (i < buffer_.size() && !is_space(buffer_[i])) ++i;
      return i;
    }
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = start; i < buffer_.size(); ++i) {
      const char c = buffer_[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      switch (c) {
        case '"':
          in_string = true;
          break;
        case '{':
        case '[':
          ++depth;
          break;
        case '}':
        case ']':
          if (--depth == 0) return i + 1;
          break;
        default:
          break;
      }
    }
    return buffer_.size();
  }

  std::string_view buffer_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t index_ = 0;
  mode mode_ = mode::undecided;
};

/// What a stream held.
struct stream_stats {
  std::size_t events = 0;  ///< records read, good or bad
  std::size_t failed = 0;  ///< records that did not parse
};

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
    ++stats.events;
    const std::size_t room = buffer.capacity() - record.offset;
    error err = p.parse(simdjson::padded_string_view(record.text.data(), record.text.size(), room),
                        scratch);
    if (err) {
      ++stats.failed;
      err.rebase(record.offset, record.line - 1);
    }
    on_record(static_cast<const stream_record&>(record), static_cast<const error&>(err), scratch);
  }
  return stats;
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
