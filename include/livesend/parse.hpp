// livesend/parse.hpp: the reusable parser and the one-shot entry points.
//
//   livesend::parser p;                    // one per thread; reuse it
//   livesend::event ev;                    // reused too: no allocation per event once warm
//   if (livesend::error err = p.parse(body, ev)) { /* err.path(), err.line(), err.message() */ }
//
// Threads: a `parser` is not thread-safe: use one per thread (it holds buffers, pools and the
// last unknown keys). Different parsers may run at the same time. `parse_options`,
// `unknown_key` and the values parsed are plain data. The work itself is in
// livesend/detail/reader.hpp (the On-Demand walk) and livesend/detail/pools.hpp (spare values).
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
#include <vector>

#include "livesend/detail/config.hpp"
#include "livesend/detail/json_text.hpp"
#include "livesend/detail/pools.hpp"
#include "livesend/detail/reader.hpp"
#include "livesend/error.hpp"
#include "livesend/model.hpp"

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
  std::size_t column = 1;  ///< 1-based column of that offset in its line, in bytes
};

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
    reserve_copy(json.size());
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
    error err;
    if (const std::size_t bom = detail::bom_size(json)) {
      const simdjson::padded_string_view rest(json.data() + bom, json.size() - bom,
                                              json.capacity() - bom);
      err = parse_json(rest, out);
      if (err) err.rebase(bom, 0);
      for (unknown_key& key : unknown_keys_) key.offset += bom;
    } else {
      err = parse_json(json, out);
    }
    // Columns on the failure (or reporting) path only.
    if (err) err.set_column(column_of(json, err.offset()));
    for (unknown_key& key : unknown_keys_) key.column = column_of(json, key.offset);
    return err;
  }

  /// Parses one event from a simdjson::padded_string: no copy.
  template <class S, class Padded,
            std::enable_if_t<std::is_same_v<Padded, simdjson::padded_string>, int> = 0>
  [[nodiscard]] error parse(const Padded& json, basic_event<S>& out) {
    return parse(simdjson::padded_string_view(json), out);
  }

  /// Parses one event that is a record of a larger buffer (a stream), from a padded view as
  /// above: `json` starts at byte `offset`, line `line` and column `column` (1-based) of that
  /// buffer, and the error and the unknown keys are located in the buffer, not in `json`.
  template <class S>
  [[nodiscard]] error parse_at(simdjson::padded_string_view json, basic_event<S>& out,
                               std::size_t offset, std::size_t line, std::size_t column = 1) {
    error err = parse(json, out);
    if (err) {
      if (err.line() == 1) err.set_column(err.column() + column - 1);  // on the record's line
      err.rebase(offset, line - 1);
    }
    for (unknown_key& key : unknown_keys_) {
      if (key.line == 1) key.column += column - 1;
      key.offset += offset;
      key.line += line - 1;
    }
    return err;
  }

  /// Parses one event into a new owning value.
  result<event> parse(std::string_view json) {
    event out;
    if (auto err = parse(json, out)) return err;
    return out;
  }

  /// The unknown keys met by the last parse (`report_unknown_keys` only): each one's path, e.g.
  /// `data.ClientDetails.Timezone`, spelled as in the input, and its offset and line in the
  /// input (after `parse_at`, in the larger buffer). Streams hand each record's keys with it.
  const std::vector<unknown_key>& unknown_keys() const noexcept { return unknown_keys_; }

  const parse_options& options() const noexcept { return options_; }

 private:
  /// parse() past the byte order mark.
  template <class S>
  error parse_json(simdjson::padded_string_view json, basic_event<S>& out) {
    detail::reader_options reading;
    reading.max_raw_depth = options_.max_raw_depth;
    reading.null_timestamp_is_unset = options_.null_timestamp_is_unset;
    if (options_.report_unknown_keys)
      reading.unknown_keys = {&parser::add_unknown_key, &unknown_keys_};
    detail::reader reader(json, reading, spares_);
    if (detail::skip_json_space(json, 0) == json.size()) {
      return error(error_code::empty_input, {}, 0, 1, "no JSON value in the input");
    }
    simdjson::ondemand::document doc;
    if (auto e = ondemand_.iterate(json).get(doc)) {
      auto check = detail::check_json(json, detail::document_depth_limit);
      if (check.ok()) {
        return error(error_code::syntax_error, {}, 0, 1, simdjson::error_message(e));
      }
      return error(check.code, {}, check.offset, detail::line_of(json, check.offset),
                   check.message);
    }
    if (!reader.read_document(doc, out)) return reader.take_error();
    return {};
  }

  static void add_unknown_key(void* keys, std::string path, std::size_t offset, std::size_t line) {
    static_cast<std::vector<unknown_key>*>(keys)->push_back(
        unknown_key{std::move(path), offset, line});
  }

  error too_large(std::size_t size) const {
    error err(error_code::input_too_large, {}, 0, 1,
              "input of " + std::to_string(size) + " bytes is larger than the limit of " +
                  std::to_string(options_.max_input_size));
    err.set_column(1);
    return err;
  }

  /// The 1-based column of byte `offset` of `text` in its line, in bytes.
  static std::size_t column_of(std::string_view text, std::size_t offset) noexcept {
    std::size_t start = offset < text.size() ? offset : text.size();
    while (start > 0 && text[start - 1] != '\n') --start;
    return offset - start + 1;
  }

  void reserve_copy(std::size_t size) {
    if (size + simdjson::SIMDJSON_PADDING <= copy_capacity_) return;
    copy_capacity_ = std::max(size + simdjson::SIMDJSON_PADDING, copy_capacity_ * 2);
    copy_.reset(new char[copy_capacity_]);
  }

  parse_options options_;
  simdjson::ondemand::parser ondemand_;
  std::unique_ptr<char[]> copy_;
  std::size_t copy_capacity_ = 0;
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
