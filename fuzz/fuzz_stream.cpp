// fuzz/fuzz_stream.cpp: parse_stream and read_stream over arbitrary bytes.
//
// The buffer is copied into an allocation of exactly size + SIMDJSON_PADDING bytes, so that
// AddressSanitizer sees any read past the padding. Properties checked on every input:
// - the stats match the records seen: `events` callbacks, `failed` of them with an error;
// - records come in order (index 0, 1, ...), do not overlap, lie within the buffer, are not
//   empty (but for framing errors, which are empty and not parsed), have no surrounding
//   whitespace, and their line and column are those of their offset; only whitespace and the
//   punctuation of top-level arrays (and a leading byte order mark) lie between and around them;
// - a record that parses is a whole object, from its '{' to its '}';
// - an error lies within its record, its line and column are those of its offset, and it is the
//   error of parsing the record on its own, moved to the record's place;
// - the string_view and padded_string overloads read the same, and so does read_stream, in
//   pieces of any size (records, columns and framing errors included).
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "livesend/livesend.hpp"

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/// Whitespace, or the '[', ',' and ']' of top-level arrays.
bool only_space_or_array(std::string_view text) {
  for (const char c : text) {
    if (!is_space(c) && c != '[' && c != ',' && c != ']') return false;
  }
  return true;
}

/// The 1-based column of `offset` in `text`, in bytes.
std::size_t column_of(std::string_view text, std::size_t offset) {
  const std::size_t newline = text.substr(0, offset).rfind('\n');
  return newline == std::string_view::npos ? offset + 1 : offset - newline;
}

struct seen_record {
  livesend::stream_record record;
  livesend::error err;
};

std::string at(const livesend::stream_record& r) {
  return "record " + std::to_string(r.index) + " at offset " + std::to_string(r.offset) + " line " +
         std::to_string(r.line) + " size " + std::to_string(r.text.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::unique_ptr<char[]> memory(new char[size + simdjson::SIMDJSON_PADDING]);
  if (size != 0) std::memcpy(memory.get(), data, size);
  std::memset(memory.get() + size, 0, simdjson::SIMDJSON_PADDING);
  const std::string_view buffer(memory.get(), size);

  livesend::parser parser;
  livesend::event_view scratch;
  std::vector<seen_record> seen;
  std::size_t failed = 0;
  const livesend::stream_stats stats = livesend::parse_stream(
      parser, simdjson::padded_string_view(memory.get(), size, size + simdjson::SIMDJSON_PADDING),
      scratch,
      [&](const livesend::stream_record& r, const livesend::error& err,
          const livesend::event_view&) {
        seen.push_back({r, err});
        failed += err ? 1 : 0;
      });
  FUZZ_CHECK(stats.events == seen.size(), std::to_string(stats.events));
  FUZZ_CHECK(stats.failed == failed, std::to_string(stats.failed));

  std::size_t previous_end = buffer.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  livesend::parser alone;
  livesend::event_view alone_event;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const livesend::stream_record& r = seen[i].record;
    const livesend::error& err = seen[i].err;
    FUZZ_CHECK(r.index == i, at(r));
    FUZZ_CHECK(r.offset >= previous_end && r.offset + r.text.size() <= size, at(r));
    FUZZ_CHECK(r.text.data() == buffer.data() + r.offset, at(r));
    FUZZ_CHECK(only_space_or_array(buffer.substr(previous_end, r.offset - previous_end)), at(r));
    FUZZ_CHECK(r.line == livesend::detail::line_of(buffer, r.offset), at(r));
    FUZZ_CHECK(r.column == column_of(buffer, r.offset), at(r));
    previous_end = r.offset + r.text.size();
    if (r.problem != nullptr) {  // a framing error: nothing parsed
      FUZZ_CHECK(r.text.empty(), at(r));
      FUZZ_CHECK(err == livesend::framing_error(r), at(r) + ": " + err.to_string());
      FUZZ_CHECK(r.unknown_keys.empty(), at(r));
      continue;
    }
    FUZZ_CHECK(!r.text.empty() && !is_space(r.text.front()) && !is_space(r.text.back()), at(r));
    // A good event is a whole object: its record ends with its value.
    if (!err) FUZZ_CHECK(r.text.front() == '{' && r.text.back() == '}', at(r));

    livesend::error expected = alone.parse(r.text, alone_event);
    if (expected) {
      expected.rebase(r.offset, r.line - 1);
      expected.set_column(column_of(buffer, expected.offset()));
    }
    FUZZ_CHECK(err == expected,
               at(r) + ": in the stream " + err.to_string() + ", alone " + expected.to_string());
    if (err) {
      FUZZ_CHECK(err.offset() >= r.offset && err.offset() <= r.offset + r.text.size(),
                 at(r) + ": " + err.to_string());
      FUZZ_CHECK(err.line() == livesend::detail::line_of(buffer, err.offset()),
                 at(r) + ": " + err.to_string() + " line " + std::to_string(err.line()));
    }
  }
  FUZZ_CHECK(only_space_or_array(buffer.substr(previous_end)), "bytes after the last record");

  // The copying overload reads the same.
  std::size_t index = 0;
  livesend::parser copy_parser;
  const livesend::stream_stats copy_stats = livesend::parse_stream(
      copy_parser, buffer, scratch,
      [&](const livesend::stream_record& r, const livesend::error& err,
          const livesend::event_view&) {
        FUZZ_CHECK(index < seen.size(), "more records from a copy");
        FUZZ_CHECK(r.offset == seen[index].record.offset && r.line == seen[index].record.line &&
                       r.column == seen[index].record.column &&
                       r.problem == seen[index].record.problem &&
                       r.text == seen[index].record.text && err == seen[index].err,
                   at(r));
        ++index;
      });
  FUZZ_CHECK(copy_stats.events == stats.events && copy_stats.failed == stats.failed, "stats");

  // Read in pieces, it reads the same: pieces of 1 to 256 bytes, the source giving 1 to 256
  // bytes per call, both chosen by the input's last bytes (inputs stay under max_input_size, so
  // every record is held).
  const std::size_t piece = size == 0 ? 1 : 1 + data[size - 1];
  const std::size_t gulp = size < 2 ? 1 : 1 + data[size - 2];
  std::size_t read_at = 0;
  index = 0;
  livesend::parser piece_parser;
  const livesend::stream_stats piece_stats = livesend::read_stream(
      piece_parser,
      [&](char* into, std::size_t room) {
        const std::size_t n = std::min({room, gulp, size - read_at});
        if (n != 0) std::memcpy(into, data + read_at, n);
        read_at += n;
        return n;
      },
      scratch,
      [&](const livesend::stream_record& r, const livesend::error& err,
          const livesend::event_view&) {
        FUZZ_CHECK(index < seen.size(), "more records in pieces");
        FUZZ_CHECK(r.offset == seen[index].record.offset && r.line == seen[index].record.line &&
                       r.column == seen[index].record.column &&
                       r.problem == seen[index].record.problem && r.index == index &&
                       r.text == seen[index].record.text && err == seen[index].err,
                   at(r) + " in pieces of " + std::to_string(piece) + ": " + err.to_string());
        ++index;
      },
      piece);
  FUZZ_CHECK(index == seen.size(), "fewer records in pieces");
  FUZZ_CHECK(piece_stats.events == stats.events && piece_stats.failed == stats.failed,
             "stats in pieces");
  return 0;
}
