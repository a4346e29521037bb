// tests/differential/compare.hpp: one input read by both flavours of livesend and by the
// reference reader (reference.hpp), and where they disagree: on accept or reject; on what they
// accept, value for value (the first field that differs, tests/support/model_diff.hpp); where
// the input is valid JSON and the reference rejects it for a field, on the error's code and path.
// Used by the differential test and by the replay of the fuzzers' findings.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "differential/reference.hpp"
#include "livesend/livesend.hpp"
#include "support/model_diff.hpp"

namespace differential {

using livesend::error_code;

inline bool is_field_level(error_code code) {
  switch (code) {
    case error_code::missing_field:
    case error_code::null_field:
    case error_code::wrong_type:
    case error_code::out_of_range:
    case error_code::invalid_timestamp:
    case error_code::unsupported_version:
    case error_code::depth_exceeded:
    case error_code::not_an_object:
      return true;
    default:
      return false;
  }
}

inline std::string show_error(const livesend::error& e) {
  return std::string(livesend::to_string(e.code())) + " [" + e.to_string() + "]";
}

struct verdict {
  std::string mismatch;  ///< empty when livesend and the reference agree
  bool accepted = false;
  bool field_error_compared = false;
};

/// Reads `input` with both flavours and the reference; says where they disagree.
inline verdict compare(std::string_view input, const livesend::parse_options& options = {}) {
  verdict v;
  livesend::parser parser(options);
  livesend::event ev;
  const livesend::error err = parser.parse(input, ev);
  livesend::parser view_parser(options);
  livesend::event_view view;
  const livesend::error view_err = view_parser.parse(input, view);
  if (!(err == view_err)) {
    v.mismatch = "owning " + show_error(err) + " but view " + show_error(view_err);
    return v;
  }
  if (err) {
    if (err.offset() > input.size() ||
        err.line() != livesend::detail::line_of(input, err.offset()) || err.message().empty()) {
      v.mismatch = "malformed error " + show_error(err);
      return v;
    }
  } else if (!(livesend::to_owning(view) == ev)) {
    v.mismatch = "to_owning(view) differs from the owning flavour";
    return v;
  }

  reference::options ro;
  ro.max_raw_depth = options.max_raw_depth;
  ro.null_timestamp_is_unset = options.null_timestamp_is_unset;
  const reference::outcome ref = reference::read_event(input, ro);
  v.accepted = ref.ok;
  if (ref.ok != err.ok()) {
    v.mismatch = err.ok() ? "livesend accepts, the reference rejects: " +
                                std::string(livesend::to_string(ref.code)) + " at " + ref.path +
                                " (" + ref.detail + ")"
                          : "the reference accepts, livesend rejects: " + show_error(err);
    return v;
  }
  if (ref.ok) {
    const livesend::event mine = reference::canonical_raw(ev);
    if (const auto diff = test::first_difference(ref.event, mine)) {
      v.mismatch = "different values at " + diff->path + ": livesend " + diff->actual +
                   ", the reference " + diff->expected;
    }
    return v;
  }
  if (!ref.valid_json || !is_field_level(ref.code)) return v;  // both reject: enough
  v.field_error_compared = true;
  const bool same_path =
      ref.code == error_code::missing_field
          ? std::find(ref.missing.begin(), ref.missing.end(), err.path()) != ref.missing.end()
          : err.path() == ref.path;
  if (err.code() != ref.code || !same_path) {
    v.mismatch = "livesend " + show_error(err) + " but the reference " +
                 std::string(livesend::to_string(ref.code)) + " at '" + ref.path + "' (" +
                 ref.detail + ")";
  }
  return v;
}

/// The input, cut and escaped for a failure message.
inline std::string excerpt(std::string_view input) {
  return livesend::detail::quote_for_message(input, 4000);
}

}  // namespace differential
