// livesend/csv.hpp: the tables (tables.hpp) as CSV text, one buffer per table, per the
// contract's CSV section: a header row of the column names, RFC 4180 quoting, UTF-8.
//
//   livesend::csv_writer csv;              // reuse it: no allocation per row once warm
//   csv.write(ev);                         // appends the event's rows to each table's buffer
//   std::string_view text = csv.text(livesend::table::pages);  // write it to pages.csv, then
//   csv.clear(livesend::table::pages);
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "livesend/detail/config.hpp"
#include "livesend/model.hpp"
#include "livesend/tables.hpp"
#include "livesend/timestamp.hpp"
#include "livesend/write.hpp"

namespace livesend {

namespace detail {

/// Whether `text` holds a byte that makes a CSV field need quotes: a comma, a quote, CR or LF
/// (16 bytes at a time with SSE2).
inline bool csv_needs_quotes(std::string_view text) noexcept {
  const char* const p = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
#if LIVESEND_SSE2
  // Bit k set when byte k of the 16 at q is one of them.
  const auto specials = [](const char* q) noexcept {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    return _mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8(',')),
                                  _mm_cmpeq_epi8(block, _mm_set1_epi8('"'))),
                     _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('\r')),
                                  _mm_cmpeq_epi8(block, _mm_set1_epi8('\n')))));
  };
  for (; i + 16 <= n; i += 16) {
    if (specials(p + i) != 0) return true;
  }
  if (i < n && n >= 16) return specials(p + n - 16) != 0;  // the last 16, overlapping
#endif
  for (; i < n; ++i) {
    const char c = p[i];
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

}  // namespace detail

/// Appends `text` as one CSV field: quoted (quotes doubled) when it holds a comma, a quote, CR or
/// LF, or when `quote_empty` and it is empty; else as is.
inline void append_csv_field(fmt::memory_buffer& out, std::string_view text,
                             bool quote_empty = false) {
  const bool quote = (quote_empty && text.empty()) || detail::csv_needs_quotes(text);
  if (!quote) {
    detail::append_bytes(out, text.data(), text.size());
    return;
  }
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    out.append(text.data() + run, text.data() + i + 1);  // the quote, then its double below
    out.push_back('"');
    run = i + 1;
  }
  out.append(text.data() + run, text.data() + text.size());
  out.push_back('"');
}

/// The end of a CSV record: CRLF, as RFC 4180 writes it (Python's csv module, SQLite's
/// `.import --csv` and DuckDB's read_csv all read it).
inline constexpr std::string_view csv_newline = "\r\n";

/// Appends the header row of table `t` (the column names) and a newline.
inline void append_csv_header(fmt::memory_buffer& out, table t) {
  bool first = true;
  for (const column& c : columns(t)) {
    if (!first) out.push_back(',');
    first = false;
    append_csv_field(out, c.name());
  }
  out.append(csv_newline);
}

/// A sink for for_each_row that writes CSV rows, and the owner of one buffer per table.
///
/// Values: str as the text (an empty string as `""`, so that a reader that tells an empty
/// quoted field from an empty one, like DuckDB, reads back "" and not NULL); int as decimal
/// digits; num as the shortest text that reads back as the same double; bool as `true` /
/// `false`; ts in canonical form; raw and [str] as their minified JSON text; no value (absent,
/// null, unset timestamp) as an empty field. The buffers start empty: append_csv_header writes
/// the header when the caller opens a file.
class csv_writer {
 public:
  csv_writer() = default;
  /// With `redact`, the cells of personal columns (`column::personal`) are masked as
  /// write_options::redact masks them in JSON.
  explicit csv_writer(bool redact) : redact_(redact) {}

  /// Appends the rows of `ev` (either flavour) to the tables' buffers. No allocation once the
  /// buffers and the scratch buffer have grown (clear() keeps their memory).
  template <class S>
  void write(const basic_event<S>& ev) {
    for_each_row(ev, *this, scratch_);
  }

  /// The CSV text appended to table t's buffer since it was last cleared.
  std::string_view text(table t) const noexcept {
    const fmt::memory_buffer& b = out_[static_cast<std::size_t>(t)];
    return {b.data(), b.size()};
  }
  /// Table t's buffer, to write out or append to (a header, say).
  fmt::memory_buffer& buffer(table t) noexcept { return out_[static_cast<std::size_t>(t)]; }
  /// Empties table t's buffer, keeping its memory.
  void clear(table t) noexcept { out_[static_cast<std::size_t>(t)].clear(); }

  // The sink, for for_each_row.
  void begin_row(table t) noexcept {
    row_ = &out_[static_cast<std::size_t>(t)];
    table_ = t;
  }
  void cell(std::size_t column, null_cell) { separate(column); }
  void cell(std::size_t column, std::string_view text) {
    separate(column);
    append_csv_field(*row_, masked(column, text), true);
  }
  void cell(std::size_t column, std::int64_t value) {
    separate(column);
    detail::write_value(*row_, value);  // the same digits as in JSON
  }
  void cell(std::size_t column, double value) {
    separate(column);
    if (redact_ && personal_of(column) == personal::coordinate) value = redact_coordinate(value);
    detail::write_value(*row_, value);  // the shortest text that reads back as the same double
  }
  void cell(std::size_t column, bool value) {
    separate(column);
    detail::write_value(*row_, value);  // true or false, as in JSON
  }
  void cell(std::size_t column, timestamp value) {
    separate(column);
    detail::append_timestamp(*row_, value, false);
  }
  void cell(std::size_t column, json_cell json) {
    separate(column);
    append_csv_field(*row_, masked(column, json.text));
  }
  void end_row() { row_->append(csv_newline); }

 private:
  void separate(std::size_t column) {
    if (column != 0) row_->push_back(',');
  }
  personal personal_of(std::size_t column) const noexcept {
    return columns(table_)[column].personal;
  }
  /// The cell's text, masked when redacting a personal column (into a reused buffer).
  std::string_view masked(std::size_t column, std::string_view text) {
    if (!redact_) return text;
    const personal kind = personal_of(column);
    if (kind == personal::none || kind == personal::coordinate) return text;
    mask_.clear();
    append_redacted(mask_, kind, text);
    return {mask_.data(), mask_.size()};
  }

  std::array<fmt::memory_buffer, table_count> out_;
  fmt::memory_buffer* row_ = nullptr;
  table table_ = table::events;
  bool redact_ = false;
  fmt::memory_buffer mask_;
  row_scratch scratch_;
};

}  // namespace livesend
