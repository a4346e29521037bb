// livesend/error.hpp: error codes, the error value and result<T>.
//
// Threads: `error` and `result<T>` are plain values (no shared state): copy or move them
// between threads freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "livesend/detail/config.hpp"

namespace livesend {

/// What went wrong. `ok` is the only value that is not an error.
enum class error_code : std::uint8_t {
  ok = 0,
  syntax_error,         ///< malformed JSON (offset and line say where)
  invalid_utf8,         ///< the bytes are not valid UTF-8 (offset says where)
  not_an_object,        ///< the top-level value is not a JSON object
  trailing_content,     ///< something follows the event's closing brace
  empty_input,          ///< no JSON value at all
  missing_field,        ///< a required field is absent (path names it)
  null_field,           ///< a required field is null (path names it)
  wrong_type,           ///< a field holds the wrong JSON type (path names it)
  out_of_range,         ///< a number does not fit (int64, double) or has a fraction
  invalid_timestamp,    ///< a timestamp in no accepted form, or a date that does not exist
  unsupported_version,  ///< `version` is not one this library reads
  depth_exceeded,       ///< nesting deeper than the parser's limit
  input_too_large,      ///< the input is larger than the parser's limit
};

/// The lower_snake name of a code, e.g. "missing_field".
constexpr std::string_view to_string(error_code code) noexcept {
  switch (code) {
    case error_code::ok:
      return "ok";
    case error_code::syntax_error:
      return "syntax_error";
    case error_code::invalid_utf8:
      return "invalid_utf8";
    case error_code::not_an_object:
      return "not_an_object";
    case error_code::trailing_content:
      return "trailing_content";
    case error_code::empty_input:
      return "empty_input";
    case error_code::missing_field:
      return "missing_field";
    case error_code::null_field:
      return "null_field";
    case error_code::wrong_type:
      return "wrong_type";
    case error_code::out_of_range:
      return "out_of_range";
    case error_code::invalid_timestamp:
      return "invalid_timestamp";
    case error_code::unsupported_version:
      return "unsupported_version";
    case error_code::depth_exceeded:
      return "depth_exceeded";
    case error_code::input_too_large:
      return "input_too_large";
  }
  return "unknown";
}

/// True for the codes that describe the JSON text itself rather than a field: such an error
/// has an empty path and is located by its byte offset and line.
constexpr bool is_syntax_level(error_code code) noexcept {
  switch (code) {
    case error_code::syntax_error:
    case error_code::invalid_utf8:
    case error_code::not_an_object:
    case error_code::trailing_content:
    case error_code::empty_input:
    case error_code::input_too_large:
      return true;
    default:
      return false;
  }
}

/// The outcome of a parse: `ok()` or a code with where and why.
///
/// - `path()`: the field, spelled as the contract spells it, from the event root, e.g.
///   `data.ContentSessions[0].Pages[2].PageIndex`; empty for syntax-level errors.
/// - `offset()`: the byte offset in the input where the parser stood (0-based).
/// - `line()`: the 1-based line of that offset.
/// - `column()`: the 1-based column of that offset in its line, counted in bytes (0 when not
///   known: an error made by hand, or a webhook's).
/// - `message()`: a sentence a person can act on. It never repeats a whole field value.
///
/// Converts to `true` when it holds an error, like `std::error_code`. An `ok` error owns no
/// memory; the strings are built only on the failure path.
class [[nodiscard]] error {
 public:
  error() noexcept = default;
  error(error_code code, std::string path, std::size_t offset, std::size_t line,
        std::string message)
      : code_(code),
        offset_(offset),
        line_(line),
        path_(std::move(path)),
        message_(std::move(message)) {}

  bool ok() const noexcept { return code_ == error_code::ok; }
  explicit operator bool() const noexcept { return !ok(); }

  error_code code() const noexcept { return code_; }
  const std::string& path() const noexcept { return path_; }
  std::size_t offset() const noexcept { return offset_; }
  std::size_t line() const noexcept { return line_; }
  std::size_t column() const noexcept { return column_; }
  const std::string& message() const noexcept { return message_; }

  /// Moves the location by a record's place in a larger buffer (used by streams).
  void rebase(std::size_t offset_delta, std::size_t line_delta) noexcept {
    offset_ += offset_delta;
    line_ += line_delta;
  }

  /// Sets the column (parser::parse computes it, on the failure path only).
  void set_column(std::size_t column) noexcept { column_ = column; }

  /// `PATH: message` for field errors, `offset N: message` for syntax-level ones.
  std::string to_string() const {
    std::string out;
    if (ok()) return "ok";
    if (path_.empty()) {
      out = "offset " + std::to_string(offset_);
    } else {
      out = path_;
    }
    out += ": ";
    out += message_;
    return out;
  }

  friend bool operator==(const error& a, const error& b) noexcept {
    return a.code_ == b.code_ && a.offset_ == b.offset_ && a.line_ == b.line_ &&
           a.column_ == b.column_ && a.path_ == b.path_ && a.message_ == b.message_;
  }
  friend bool operator!=(const error& a, const error& b) noexcept { return !(a == b); }

 private:
  error_code code_ = error_code::ok;
  std::size_t offset_ = 0;
  std::size_t line_ = 0;
  std::size_t column_ = 0;
  std::string path_;
  std::string message_;
};

#if LIVESEND_EXCEPTIONS
/// Thrown by the throwing convenience API (`parse_or_throw`, `result::value()`).
class parse_error : public std::runtime_error {
 public:
  explicit parse_error(livesend::error err)
      : std::runtime_error(err.to_string()), error_(std::move(err)) {}
  const livesend::error& error() const noexcept { return error_; }

 private:
  livesend::error error_;
};
#endif

namespace detail {
[[noreturn]] inline void fail_access(const error& err) {
#if LIVESEND_EXCEPTIONS
  throw parse_error(err);
#else
  (void)err;
  std::abort();
#endif
}
}  // namespace detail

/// A value or the error that prevented it. `value()` on an error throws `parse_error`
/// (or aborts when built without exceptions); check `has_value()` first in no-exception code.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  result(livesend::error err) : error_(std::move(err)) {}  // NOLINT: implicit by design

  bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    if (!value_) detail::fail_access(error_);
    return *value_;
  }
  const T& value() const& {
    if (!value_) detail::fail_access(error_);
    return *value_;
  }
  T&& value() && {
    if (!value_) detail::fail_access(error_);
    return std::move(*value_);
  }
  T& operator*() & noexcept { return *value_; }
  const T& operator*() const& noexcept { return *value_; }
  T* operator->() noexcept { return &*value_; }
  const T* operator->() const noexcept { return &*value_; }

  /// The error; `ok()` when a value is held.
  const livesend::error& error() const& noexcept { return error_; }

 private:
  std::optional<T> value_;
  livesend::error error_;
};

}  // namespace livesend
