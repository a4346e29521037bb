// livesend/stream.hpp: many events in one stream (NDJSON archives, concatenated documents).
//
//   livesend::parser p;
//   livesend::event_view ev;
//   livesend::parse_stream(p, buffer, ev, [](const livesend::stream_record& record,
//                                            const livesend::error& err, auto& ev) { ... });
//
// A stream is split into records first (where each starts and ends: `record_splitter` over one
// buffer, `record_reader` over any source read piece by piece), then each record is parsed on
// its own, so one bad record is reported (with its line and byte offset) and the rest go on.
//
// Threads: nothing here is shared: a `record_reader` or a `record_splitter` is used by one
// thread at a time, and `parse_stream`/`read_stream` use the parser they are given (one per
// thread). Records are plain data; their text points into the buffer being read.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/framing.hpp"
#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/parse.hpp"

namespace livesend {

/// The unknown keys of one record (`parse_options::report_unknown_keys`), located in the
/// stream: a view of the parser's list, valid until the parser parses again.
class unknown_key_range {
 public:
  unknown_key_range() noexcept = default;
  explicit unknown_key_range(const std::vector<unknown_key>& keys) noexcept
      : first_(keys.data()), size_(keys.size()) {}

  const unknown_key* begin() const noexcept { return first_; }
  const unknown_key* end() const noexcept { return first_ + size_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const unknown_key& operator[](std::size_t i) const noexcept { return first_[i]; }

 private:
  const unknown_key* first_ = nullptr;
  std::size_t size_ = 0;
};

/// One record of a stream: where it is, its bytes, and what its parse reported besides the error.
/// - `text`: the record's bytes, without surrounding whitespace, exactly as in the stream (kept
///   verbatim: e.g. for a file of rejects); empty for a record passed over as too long;
/// - `offset`: byte offset of `text` in the stream; `line`: 1-based line where it starts;
///   `column`: 1-based column (in bytes) where it starts in that line; `index`: 0-based number
///   of the record in the stream;
/// - `problem`: null, or why the bytes at `offset` are no record (a framing error in a top-level
///   array: a missing `,`, a missing element, an array not closed): then `text` is empty and the
///   error is a `syntax_error` with that message;
/// - `unknown_keys`: the unknown keys of the record (with `report_unknown_keys`), with their
///   offsets and lines in the stream, as the error's (filled by parse_stream and read_stream).
struct stream_record : detail::framed_record {
  unknown_key_range unknown_keys;
};

/// Splits a buffer into records: each JSON value is one, wherever it starts (NDJSON, pretty-printed
/// or concatenated documents, even on one line), the elements of a top-level array are records,
/// and a value that cannot go on is cut at its line's end; the precise rule is in
/// detail/framing.hpp. `next(stream_record&)` gives them in order.
using record_splitter = detail::record_splitter;

namespace detail {

/// Calls a stream's `on_record`; false when it returned false (it asks to stop reading). A
/// callback that returns nothing never stops the stream.
template <class OnRecord, class S>
bool deliver_record(OnRecord& on_record, const stream_record& record, const error& err,
                    basic_event<S>& ev) {
  using returned = decltype(on_record(record, err, ev));
  if constexpr (std::is_void_v<returned>) {
    on_record(record, err, ev);
    return true;
  } else {
    return static_cast<bool>(on_record(record, err, ev));
  }
}

}  // namespace detail

/// What a stream held.
struct stream_stats {
  std::size_t events = 0;  ///< records read, good or bad
  std::size_t failed = 0;  ///< records that did not parse
};

/// The error of a record that is a framing error (`record.problem` set), located at it.
inline error framing_error(const detail::framed_record& record) {
  error err(error_code::syntax_error, {}, record.offset, record.line, record.problem);
  err.set_column(record.column);
  return err;
}

namespace detail {

/// What piece_splitter::next gave, as record_reader hands it out: true for a record, with `err`
/// ok for a record held, the framing error of a record that is none, or the `input_too_large`
/// error of a record passed over; false at the end (or `full`).
inline bool record_outcome(piece_splitter::outcome outcome, const piece_splitter& pieces,
                           const framed_record& record, error& err) {
  if (err) err = error();
  switch (outcome) {
    case piece_splitter::outcome::record:
      if (record.problem != nullptr) err = framing_error(record);
      return true;
    case piece_splitter::outcome::too_long:
      err = error(error_code::input_too_large, {}, record.offset, record.line,
                  "record of more than " + std::to_string(pieces.max_record_size()) +
                      " bytes (the parser's max_input_size); passed over");
      err.set_column(record.column);
      return true;
    case piece_splitter::outcome::end:
    case piece_splitter::outcome::full:
      break;
  }
  return false;
}

}  // namespace detail

/// Hands out the records of a stream read from any source, one on request, in memory bounded
/// by the longest record: the records `parse_stream` would find in the whole stream, with the
/// same texts, offsets, lines and indexes; it finds records, it does not parse them.
///
/// `Source` is callable as `read(char* into, std::size_t room) -> std::size_t`: it stores up to
/// `room` bytes of the stream at `into` and returns how many, 0 at its end (e.g.
/// `std::fread(into, 1, room, file)`). Records are held in a buffer of `piece_size` bytes, which
/// grows to hold the longest record, up to `max_record_size`: a longer record is not held but
/// passed over to its end (its line's end in NDJSON, its value's end otherwise) and handed out
/// with an empty text and the `input_too_large` error, at the offset and line where it starts.
/// A record is handed out as soon as its bytes have arrived: the source is read once, every
/// complete record in the buffer handed out, and read again only when none is left (so a slow
/// pipe's records come one by one, not a buffer at a time; the source may return fewer bytes
/// than asked, as `read(2)` does, and 0 only at the end). No allocation per record once the
/// buffer holds the longest record.
template <class Source>
class record_reader {
 public:
  explicit record_reader(Source source,
                         std::size_t max_record_size = parse_options{}.max_input_size,
                         std::size_t piece_size = std::size_t{1} << 20)
      : source_(std::forward<Source>(source)), pieces_(max_record_size, piece_size) {}

  /// The next record, or false at the end of the stream. `err` is ok for a record held, else the
  /// `input_too_large` error of a record passed over. The record's text stays valid until the
  /// next call; `padded(record)` views it with its readable padding, to parse it in place.
  bool next(stream_record& out, error& err) {
    return detail::record_outcome(pieces_.next(source_, out), pieces_, out, err);
  }

  /// The text of a record that next() just gave, with SIMDJSON_PADDING readable bytes past it
  /// (and more): what `parser::parse_at` parses in place, with no copy.
  simdjson::padded_string_view padded(const stream_record& record) const noexcept {
    return simdjson::padded_string_view(record.text.data(), record.text.size(),
                                        pieces_.room(record.text));
  }

 private:
  Source source_;
  detail::piece_splitter pieces_;
};

/// Parses every record of `buffer` into `scratch` (reused for each, so no allocation per event
/// in steady state) and calls `on_record(const stream_record&, const error&, basic_event<S>&)`
/// for each: the event is meaningful only when the error is ok. An `on_record` that returns a
/// bool stops the stream by returning false (the stats count the records handed out). Error offsets
/// and lines, and those of the record's unknown keys, are those of the whole buffer. The buffer
/// must have SIMDJSON_PADDING readable bytes past its end (a simdjson::padded_string does): records
/// are parsed in place, with no copy.
template <class S, class OnRecord>
stream_stats parse_stream(parser& p, simdjson::padded_string_view buffer, basic_event<S>& scratch,
                          OnRecord&& on_record) {
  stream_stats stats;
  record_splitter splitter(buffer);
  stream_record record;
  while (splitter.next(record)) {
    error err;
    if (record.problem != nullptr) {
      err = framing_error(record);
      record.unknown_keys = unknown_key_range();
    } else {
      const simdjson::padded_string_view text(record.text.data(), record.text.size(),
                                              buffer.capacity() - record.offset);
      err = p.parse_at(text, scratch, record.offset, record.line, record.column);
      record.unknown_keys = unknown_key_range(p.unknown_keys());
    }
    ++stats.events;
    if (err) ++stats.failed;
    if (!detail::deliver_record(on_record, static_cast<const stream_record&>(record), err,
                                scratch)) {
      break;
    }
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

/// Reads a stream of events from any source, piece by piece (a `record_reader`), and parses each
/// record as `parse_stream` does, with the same records, offsets, lines and errors: NDJSON
/// archives and concatenated documents of any length, in memory bounded by the longest record.
///
/// `read(char* into, std::size_t room) -> std::size_t` is the source (see record_reader; check
/// a file for a read error afterwards). Records are parsed in place in a buffer of `piece_size`
/// bytes, which grows to hold the longest record, up to the parser's `max_input_size`: a longer
/// record is not held but passed over to its end, reported with `input_too_large`, an empty
/// `text`, and the offset and line where it starts. The event passed to `on_record` is valid
/// until it returns; an `on_record` that returns false stops the reading there. To parse on
/// several threads, see livesend/parallel.hpp.
template <class S, class Read, class OnRecord>
stream_stats read_stream(parser& p, Read&& read, basic_event<S>& scratch, OnRecord&& on_record,
                         std::size_t piece_size = std::size_t{1} << 20) {
  stream_stats stats;
  record_reader<Read&> records(read, p.options().max_input_size, piece_size);
  stream_record record;
  error err;
  while (records.next(record, err)) {
    ++stats.events;
    if (err) {  // passed over, or a framing error: not parsed
      record.unknown_keys = unknown_key_range();
    } else {
      err = p.parse_at(records.padded(record), scratch, record.offset, record.line, record.column);
      record.unknown_keys = unknown_key_range(p.unknown_keys());
    }
    if (err) ++stats.failed;
    if (!detail::deliver_record(on_record, static_cast<const stream_record&>(record),
                                static_cast<const error&>(err), scratch)) {
      break;
    }
  }
  return stats;
}

}  // namespace livesend
