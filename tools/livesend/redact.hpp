// tools/livesend/redact.hpp: --redact for the commands that do not write JSON (summary): a
// member's value masked by the rule of its schema row, with the library's masks (json uses
// livesend::write_options::redact directly).
//
// What is personal, and how it is masked, is the library's (livesend/model.hpp marks the rows,
// livesend/write.hpp masks them): e-mail addresses keep their first letter and domain, IP
// addresses their network, coordinates one decimal, raw values have their addresses masked.
#pragma once

#include <string>
#include <string_view>

#include "livesend/livesend.hpp"

namespace livesend_cli {

/// The text of the str member `Member` as --redact shows it, masked as its schema row says
/// (unchanged when the row marks nothing), written into `scratch`.
template <auto Member>
std::string_view redacted(std::string_view text, std::string& scratch) {
  scratch.clear();
  livesend::append_redacted(scratch, livesend::personal_of<Member>, text);
  return scratch;
}

/// The num member `Member` (a coordinate) as --redact shows it.
template <auto Member>
double redacted(double value) {
  static_assert(livesend::personal_of<Member> == livesend::personal::coordinate,
                "only coordinates are masked numbers");
  return livesend::redact_coordinate(value);
}

}  // namespace livesend_cli
