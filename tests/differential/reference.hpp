// tests/differential/reference.hpp: an independent reader of livesend-session-summary-v3, for
// differential tests. It shares no code with the library's reader: the JSON text is read by
// nlohmann::json's SAX parser into a tree of its own, and the contract
// (docs/contract/session-summary-v3.md) is mapped onto livesend::event by the tables and rules
// below, written from the contract. Only the output types (livesend::event and its parts) and
// livesend::parse_timestamp (timestamps only) are reused.
//
// Where nlohmann::json and the contract differ, the reference compensates (each place is marked
// "nlohmann:"):
// - a number too large for a double (1e400, 400 digits): nlohmann stops with error 406 even in
//   raw and unknown values, where the contract accepts any JSON number; the reference hands
//   nlohmann a same-length zero in its place and keeps the number's text;
// - numbers: nlohmann gives integers as int64/uint64 and falls back to a double for bigger ones;
//   the reference keeps every number's text as written instead (found by a scan of its own that
//   pairs the n-th number token with nlohmann's n-th number callback) and reads `int` and `num`
//   from that text;
// - duplicate keys: nlohmann's DOM keeps the last silently and forgets the order of keys that
//   differ in case; the reference's SAX tree keeps every member in order, and applies the
//   contract's rule itself (every occurrence is read and must be valid; the last one's value is
//   kept);
// - nesting depth: nlohmann has no limit; the reference measures the depth of every value and
//   stops building its tree past max_tree_depth (such a document is rejected as too deep);
// - invalid UTF-8, control characters, bad escapes and lone surrogates: nlohmann rejects them as
//   the contract does, so nothing to compensate (checked by the differential test).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace reference {

// ---- JSON text -> tree ----------------------------------------------------------------------

struct json_member;

/// A JSON value with every object member kept, in order, duplicates included.
struct json_value {
  enum class kind : unsigned char { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool boolean = false;
  std::string text;  ///< string: its bytes, unescaped; number: its text as written
  /// Of an object. A vector of a struct declared after (not of std::pair<std::string,
  /// json_value>, which needs json_value complete here: clang with libstdc++ refuses it).
  std::vector<json_member> members;
  std::vector<json_value> items;
  std::size_t depth = 0;  ///< nesting: 0 for a scalar, 1 for a container holding only scalars
};

/// An object member: its key (unescaped) and its value.
struct json_member {
  std::string key;
  json_value value;
};

/// The deepest nesting the tree builder accepts; deeper documents are rejected (the contract's
/// deepest path plus any sane raw depth is far below).
inline constexpr std::size_t max_tree_depth = 4096;

namespace detail {

/// The text of every number token outside strings, in order. Meaningful for valid JSON only.
inline std::vector<std::pair<std::size_t, std::size_t>> number_tokens(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> tokens;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = i;
      while (i < text.size() &&
             (text[i] == '-' || text[i] == '+' || text[i] == '.' || text[i] == 'e' ||
              text[i] == 'E' || (text[i] >= '0' && text[i] <= '9'))) {
        ++i;
      }
      tokens.emplace_back(start, i - start);
    } else {
      ++i;
    }
  }
  return tokens;
}

/// True for the JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
inline bool is_json_number(std::string_view t) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

inline bool overflows_double(const std::string& number) {
  const double d = std::strtod(number.c_str(), nullptr);
  return d == HUGE_VAL || d == -HUGE_VAL;
}

/// Builds a json_value tree from nlohmann's SAX events.
class tree_builder {
 public:
  using json = nlohmann::json;

  tree_builder(std::vector<std::string> numbers) : numbers_(std::move(numbers)) {}

  bool null() { return scalar(json_value{}); }
  bool boolean(bool b) {
    json_value v;
    v.type = json_value::kind::boolean;
    v.boolean = b;
    return scalar(std::move(v));
  }
  bool number_integer(json::number_integer_t) { return number(); }
  bool number_unsigned(json::number_unsigned_t) { return number(); }
  bool number_float(json::number_float_t, const json::string_t&) { return number(); }
  bool string(json::string_t& s) {
    json_value v;
    v.type = json_value::kind::string;
    v.text = std::move(s);
    return scalar(std::move(v));
  }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return open(json_value::kind::object); }
  bool key(json::string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json_value::kind::array); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_ = e.what();
    error_position_ = position;
    return false;
  }

  json_value& root() { return root_; }
  const std::string& error() const { return error_; }
  bool too_deep() const { return too_deep_; }

 private:
  bool number() {
    json_value v;
    v.type = json_value::kind::number;
    if (next_number_ >= numbers_.size()) throw std::logic_error("reference: number tokens");
    v.text = numbers_[next_number_++];
    return scalar(std::move(v));
  }

  // Places a finished value into its parent (or as the root).
  json_value& place(json_value&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return root_;
    }
    json_value& parent = *stack_.back();
    if (parent.type == json_value::kind::object) {
      parent.members.push_back(json_member{std::move(key_), std::move(v)});
      return parent.members.back().value;
    }
    parent.items.push_back(std::move(v));
    return parent.items.back();
  }

  bool scalar(json_value&& v) {
    place(std::move(v));
    return true;
  }

  bool open(json_value::kind type) {
    if (stack_.size() >= max_tree_depth) {
      too_deep_ = true;
      return false;
    }
    json_value v;
    v.type = type;
    v.depth = 1;
    stack_.push_back(&place(std::move(v)));
    return true;
  }

  bool close() {
    json_value* done = stack_.back();
    stack_.pop_back();
    if (!stack_.empty() && stack_.back()->depth < done->depth + 1) {
      stack_.back()->depth = done->depth + 1;
    }
    return true;
  }

  std::vector<std::string> numbers_;
  std::size_t next_number_ = 0;
  json_value root_;
  std::vector<json_value*> stack_;  // pointers stay valid: a parent grows only while open
  std::string key_;
  std::string error_;
  std::size_t error_position_ = 0;
  bool too_deep_ = false;
};

}  // namespace detail

/// The outcome of reading a JSON text: a tree, or why not.
struct json_read {
  bool ok = false;
  bool too_deep = false;  ///< nested deeper than max_tree_depth
  std::string error;      ///< nlohmann's message when not ok
  json_value value;
};

/// Reads exactly one JSON value (RFC 8259, strict), whitespace around it allowed.
inline json_read read_json(std::string_view input) {
  json_read out;
  // nlohmann: a number that overflows a double stops it (error 406); give it a same-length zero
  // instead (`0e000`), and keep every number's text.
  std::string text(input);
  std::vector<std::string> numbers;
  for (const auto& [start, length] : detail::number_tokens(input)) {
    numbers.emplace_back(input.substr(start, length));
    if (detail::is_json_number(numbers.back()) && detail::overflows_double(numbers.back())) {
      text.replace(start, length, "0e" + std::string(length - 2, '0'));
    }
  }
  detail::tree_builder builder(std::move(numbers));
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                   nlohmann::json::input_format_t::json,
                                   /*strict=*/true, /*ignore_comments=*/false);
  } catch (const std::logic_error& e) {  // the number scan and nlohmann disagree: not JSON
    out.error = e.what();
    return out;
  }
  out.too_deep = builder.too_deep();
  if (!ok) {
    out.error = builder.too_deep() ? std::string("too deep") : builder.error();
    return out;
  }
  out.ok = true;
  out.value = std::move(builder.root());
  return out;
}

/// The canonical text of a value: no whitespace, strings escaped in one way (`"`, `\`, control
/// characters; every other byte as is), numbers as written, members in order.
inline void write_canonical(const json_value& v, std::string& out) {
  switch (v.type) {
    case json_value::kind::null:
      out += "null";
      break;
    case json_value::kind::boolean:
      out += v.boolean ? "true" : "false";
      break;
    case json_value::kind::number:
      out += v.text;
      break;
    case json_value::kind::string: {
      out += '"';
      for (const char c : v.text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
          out += '\\';
          out += c;
        } else if (u < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 15];
        } else {
          out += c;
        }
      }
      out += '"';
      break;
    }
    case json_value::kind::array:
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i != 0) out += ',';
        write_canonical(v.items[i], out);
      }
      out += ']';
      break;
    case json_value::kind::object:
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i != 0) out += ',';
        json_value key;
        key.type = json_value::kind::string;
        key.text = v.members[i].key;
        write_canonical(key, out);
        out += ':';
        write_canonical(v.members[i].value, out);
      }
      out += '}';
      break;
  }
}

inline std::string canonical(const json_value& v) {
  std::string out;
  write_canonical(v, out);
  return out;
}

/// The canonical text of a JSON text (for comparing raw values); the text itself when it does
/// not read.
inline std::string canonical(std::string_view json) {
  json_read r = read_json(json);
  return r.ok ? canonical(r.value) : std::string(json);
}

// ---- The contract: its types, as tables -----------------------------------------------------

/// The contract's field types: str, int, num, bool, ts, raw, a record, [str], [record]; plus
/// `version` (a str with two allowed values).
enum class kind : unsigned char {
  str,
  version,
  integer,
  number,
  boolean,
  ts,
  raw,
  record,
  str_array,
  record_array
};

struct shape;

struct field_shape {
  const char* key;
  kind type;
  bool optional;
  const shape* record = nullptr;  ///< for record and record_array
};

struct shape {
  const char* name;
  std::vector<field_shape> fields;

  /// The index of `key` (ASCII-case-insensitively), or fields.size().
  std::size_t find(std::string_view key) const {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string_view k = fields[i].key;
      if (k.size() != key.size()) continue;
      bool same = true;
      for (std::size_t j = 0; j < k.size() && same; ++j) {
        char a = k[j], b = key[j];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        same = a == b;
      }
      if (same) return i;
    }
    return fields.size();
  }

  /// The index of a key spelled exactly as in the contract; throws when there is none (a typo
  /// in the reference itself).
  std::size_t at(std::string_view key) const {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (key == fields[i].key) return i;
    }
    throw std::logic_error("reference: no field " + std::string(key) + " in " + name);
  }
};

// Written from docs/contract/session-summary-v3.md, section by section, in the contract's order.
inline const shape library_content_shape{"LibraryContent",
                                         {{"Id", kind::str, true},
                                          {"IdGlobal", kind::str, true},
                                          {"TeamsiteId", kind::str, true},
                                          {"TeamsiteIdGlobal", kind::str, true},
                                          {"VersionId", kind::str, true},
                                          {"VersionIdGlobal", kind::str, true}}};

inline const shape content_shape{"Content",
                                 {{"Id", kind::str, true},
                                  {"IdGlobal", kind::str, true},
                                  {"Name", kind::str, true},
                                  {"Pages", kind::raw, true},
                                  {"QuickAccessPath", kind::str, true},
                                  {"Repository", kind::str, true},
                                  {"TotalPages", kind::integer, true},
                                  {"Type", kind::str, true},
                                  {"VersionId", kind::str, true},
                                  {"VersionIdGlobal", kind::str, true},
                                  {"LibraryContent", kind::record, true, &library_content_shape},
                                  {"ContentProfileId", kind::str, true},
                                  {"ContentProfilePath", kind::str_array, true}}};

inline const shape link_shape{"Link",
                              {{"AllowDownload", kind::boolean, false},
                               {"DownloadFormatsSetting", kind::str_array, false},
                               {"Content", kind::record_array, false, &content_shape},
                               {"IsLandingPageCustomized", kind::boolean, false},
                               {"IsLivesendExperience", kind::boolean, false},
                               {"CreatedAt", kind::ts, false},
                               {"CreatedBy", kind::str, false},
                               {"ExpiresAt", kind::ts, false},
                               {"HasPassword", kind::boolean, false},
                               {"Id", kind::str, false},
                               {"IsLive", kind::boolean, false},
                               {"IsSeparateSend", kind::boolean, false},
                               {"ModifiedAt", kind::ts, false},
                               {"NormalizedId", kind::str, false},
                               {"NotificationMode", kind::str, false},
                               {"Tags", kind::raw, false},
                               {"UrlPath", kind::str, false},
                               {"DownloadFormats", kind::raw, true},
                               {"IdGlobal", kind::str, true},
                               {"NormalizedIdGlobal", kind::str, true}}};

inline const shape session_summary_shape{
    "SessionSummary",
    {{"Link", kind::record, false, &link_shape}, {"TrackingParameters", kind::raw, true}}};

inline const shape client_details_shape{"ClientDetails",
                                        {{"Browser", kind::str, false},
                                         {"BrowserVersion", kind::str, false},
                                         {"City", kind::str, false},
                                         {"Country", kind::str, false},
                                         {"DeviceType", kind::str, false},
                                         {"IpAddress", kind::str, false},
                                         {"Locale", kind::str, true},
                                         {"OperatingSystem", kind::str, false},
                                         {"OperatingSystemVersion", kind::str, false},
                                         {"ProductArea", kind::str, false},
                                         {"Application", kind::str, true},
                                         {"SessionId", kind::str, false},
                                         {"GeolocationLatitude", kind::number, false},
                                         {"GeolocationLongitude", kind::number, false},
                                         {"State", kind::str, false},
                                         {"ApplicationType", kind::str, false}}};

inline const shape page_shape{"Page",
                              {{"DurationMilliseconds", kind::integer, false},
                               {"StartedAt", kind::ts, true},
                               {"EndedAt", kind::ts, true},
                               {"PageIndex", kind::integer, false},
                               {"ThumbnailImageUrl", kind::str, false}}};

inline const shape content_session_shape{"ContentSession",
                                         {{"Pages", kind::record_array, false, &page_shape},
                                          {"TotalPages", kind::integer, false},
                                          {"TotalPagesViewed", kind::integer, false},
                                          {"Id", kind::str, false},
                                          {"Content", kind::record, false, &content_shape},
                                          {"DownloadCount", kind::integer, false},
                                          {"DurationSeconds", kind::integer, false},
                                          {"SessionEndedAt", kind::ts, false},
                                          {"SessionStartedAt", kind::ts, false},
                                          {"SessionType", kind::str, false},
                                          {"WasDownloaded", kind::boolean, false},
                                          {"WasViewed", kind::boolean, false},
                                          {"DownloadFormats", kind::raw, true}}};

inline const shape participant_shape{"Participant",
                                     {{"Context", kind::raw, false},
                                      {"InteractionId", kind::str, false},
                                      {"Email", kind::str, false},
                                      {"UserId", kind::str, true},
                                      {"UserType", kind::str, false},
                                      {"UserLoginType", kind::str, false}}};

// The contract lists Data in two columns; this is the left column, then the right one.
inline const shape data_shape{
    "Data",
    {{"InteractionId", kind::str, false},
     {"DeliveryOptionName", kind::str, true},
     {"InteractionOccurredAt", kind::ts, false},
     {"DeliveryOptionIdGlobal", kind::str, true},
     {"DeliveryOptionId", kind::str, true},
     {"UserId", kind::str, true},
     {"InteractionIdGlobal", kind::str, true},
     {"ActionType", kind::str, true},
     {"ClientDetails", kind::record, false, &client_details_shape},
     {"Recipients", kind::raw, true},
     {"InteractionGroup", kind::str, true},
     {"Action", kind::str, true},
     {"Links", kind::raw, true},
     {"Email", kind::str, true},
     {"LivesendSessionSummary", kind::record, false, &session_summary_shape},
     {"ContentSessions", kind::record_array, false, &content_session_shape},
     {"DetailsUrl", kind::str, false},
     {"Participants", kind::record_array, false, &participant_shape},
     {"SessionEndedAt", kind::ts, false},
     {"SessionId", kind::str, false},
     {"SessionStartedAt", kind::ts, false},
     {"TotalContent", kind::integer, false},
     {"TotalContentDownloaded", kind::integer, false},
     {"TotalContentViewed", kind::integer, false},
     {"TotalDurationSeconds", kind::integer, false},
     {"LandingPageDurationSeconds", kind::integer, false},
     {"UserIdGlobal", kind::str, true},
     {"Status", kind::str, true}}};

inline const shape event_shape{"Event",
                               {{"application", kind::str, false},
                                {"occurredAt", kind::ts, false},
                                {"data", kind::record, false, &data_shape},
                                {"tenantId", kind::str, false},
                                {"id", kind::str, false},
                                {"tenantName", kind::str, false},
                                {"version", kind::version, false},
                                {"productArea", kind::str, true}}};

// ---- Tree -> typed values, by the contract's rules -------------------------------------------

/// A value read by the contract's rules. `present` is false for an optional that is absent or
/// null, and for an optional timestamp that is DateTime.MinValue.
struct typed {
  bool present = false;
  std::string str;
  std::int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  livesend::timestamp ts;
  std::string raw;            ///< canonical text
  std::vector<typed> fields;  ///< record: one per field of its shape, in the shape's order
  std::vector<typed> items;   ///< arrays
  const shape* of = nullptr;  ///< record: its shape

  const typed& operator[](std::string_view key) const { return fields.at(of->at(key)); }
};

struct options {
  std::size_t max_raw_depth = 64;
  bool null_timestamp_is_unset = false;
};

/// What the reference makes of an input.
struct outcome {
  bool ok = false;
  bool valid_json = false;  ///< the input is one JSON value (RFC 8259) within max_tree_depth
  livesend::error_code code = livesend::error_code::ok;
  std::string path;                  ///< for field-level errors
  std::vector<std::string> missing;  ///< missing_field: every missing field of that object
  std::string detail;                ///< why, for people
  livesend::event event;             ///< when ok
};

namespace detail {

/// `text`, a JSON number, as an int64 when its value is an integer that fits; else why not.
/// Exact: the digits and the exponent are combined as decimal text, never through a double.
inline livesend::error_code exact_int64(const std::string& text, std::int64_t& out) {
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  std::string digits;  // significand digits, integer part then fraction
  long long exponent = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) digits += text[i];
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      digits += text[i];
      --exponent;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg_exp = false;
    if (text[i] == '+' || text[i] == '-') neg_exp = text[i++] == '-';
    long long e = 0;
    for (; i < text.size(); ++i) {
      if (e < 1000000000) e = e * 10 + (text[i] - '0');
    }
    exponent += neg_exp ? -e : e;
  }
  // Strip leading zeros, then move trailing zeros into the exponent.
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    out = 0;
    return livesend::error_code::ok;
  }
  digits.erase(0, first);
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent < 0) return livesend::error_code::out_of_range;  // a fraction
  if (static_cast<long long>(digits.size()) + exponent > 19)
    return livesend::error_code::out_of_range;
  digits.append(static_cast<std::size_t>(exponent), '0');
  const std::string limit = negative ? "9223372036854775808" : "9223372036854775807";
  if (digits.size() == 19 && digits > limit) return livesend::error_code::out_of_range;
  std::uint64_t magnitude = 0;
  for (const char c : digits) magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
  out = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return livesend::error_code::ok;
}

class mapper {
 public:
  explicit mapper(const options& o) : options_(o) {}

  bool record(const json_value& v, const shape& s, typed& out) {
    if (v.type != json_value::kind::object) return type_error(v);
    out.present = true;
    out.of = &s;
    out.fields.assign(s.fields.size(), typed{});
    std::vector<bool> seen(s.fields.size(), false);
    for (const auto& [key, value] : v.members) {
      const std::size_t index = s.find(key);
      if (index == s.fields.size()) {
        // Unknown: skipped, but still bounded in depth.
        path_.push_back({false, key});
        const bool ok = depth_ok(value);
        path_.pop_back();
        if (!ok) return false;
        continue;
      }
      // The last occurrence wins, and every occurrence is read (so must be valid).
      seen[index] = true;
      out.fields[index] = typed{};
      path_.push_back({false, s.fields[index].key});
      const bool ok = field(value, s.fields[index], out.fields[index]);
      path_.pop_back();
      if (!ok) return false;
    }
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < s.fields.size(); ++i) {
      if (!seen[i] && !s.fields[i].optional) {
        path_.push_back({false, s.fields[i].key});
        missing.push_back(render());
        path_.pop_back();
      }
    }
    if (!missing.empty()) {
      fail(livesend::error_code::missing_field, "required field is missing");
      failure_.path = missing.front();
      failure_.missing = std::move(missing);
      return false;
    }
    return true;
  }

  outcome& failure() { return failure_; }

 private:
  bool field(const json_value& v, const field_shape& f, typed& out) {
    if (v.type == json_value::kind::null) {
      if (f.optional) return true;  // null: no value
      if (f.type == kind::ts && options_.null_timestamp_is_unset) {
        out.present = true;
        out.ts = livesend::timestamp::unset();
        return true;
      }
      return fail(livesend::error_code::null_field, "is null, but the field is required");
    }
    if (!value(v, f.type, f.record, out)) return false;
    // DateTime.MinValue in an optional timestamp means no value.
    if (f.type == kind::ts && f.optional && out.ts.is_unset()) out.present = false;
    return true;
  }

  bool value(const json_value& v, kind type, const shape* record_shape, typed& out) {
    out.present = true;
    switch (type) {
      case kind::str:
      case kind::version:
        if (v.type != json_value::kind::string) return type_error(v);
        out.str = v.text;
        if (type == kind::version && out.str != livesend::version_v3 &&
            out.str != livesend::version_enriched_v3) {
          return fail(livesend::error_code::unsupported_version, "unsupported version");
        }
        return true;
      case kind::integer: {
        if (v.type != json_value::kind::number) return type_error(v);
        const livesend::error_code code = exact_int64(v.text, out.integer);
        if (code != livesend::error_code::ok) return fail(code, "not an int64: " + v.text);
        return true;
      }
      case kind::number:
        if (v.type != json_value::kind::number) return type_error(v);
        out.number = std::strtod(v.text.c_str(), nullptr);
        if (out.number == HUGE_VAL || out.number == -HUGE_VAL) {
          return fail(livesend::error_code::out_of_range, "does not fit a double: " + v.text);
        }
        return true;
      case kind::boolean:
        if (v.type != json_value::kind::boolean) return type_error(v);
        out.boolean = v.boolean;
        return true;
      case kind::ts: {
        if (v.type != json_value::kind::string) return type_error(v);
        const livesend::result<livesend::timestamp> ts = livesend::parse_timestamp(v.text);
        if (!ts) return fail(livesend::error_code::invalid_timestamp, ts.error().message());
        out.ts = *ts;
        return true;
      }
      case kind::raw:
        if (!depth_ok(v)) return false;
        out.raw = canonical(v);
        return true;
      case kind::record:
        return record(v, *record_shape, out);
      case kind::str_array:
      case kind::record_array: {
        if (v.type != json_value::kind::array) return type_error(v);
        out.items.assign(v.items.size(), typed{});
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          path_.push_back({true, "[" + std::to_string(i) + "]"});
          const json_value& item = v.items[i];
          const bool ok =
              item.type == json_value::kind::null
                  ? fail(livesend::error_code::null_field, "is null, but the field is required")
                  : value(item, type == kind::str_array ? kind::str : kind::record, record_shape,
                          out.items[i]);
          path_.pop_back();
          if (!ok) return false;
        }
        return true;
      }
    }
    return false;
  }

  bool depth_ok(const json_value& v) {
    if (v.depth <= options_.max_raw_depth) return true;
    return fail(livesend::error_code::depth_exceeded,
                "nested " + std::to_string(v.depth) + " levels deep");
  }

  bool type_error(const json_value& v) {
    if (v.type == json_value::kind::null) {
      return fail(livesend::error_code::null_field, "is null, but the field is required");
    }
    return fail(livesend::error_code::wrong_type, "wrong type");
  }

  bool fail(livesend::error_code code, std::string detail) {
    failure_.code = code;
    failure_.path = render();
    failure_.detail = std::move(detail);
    return false;
  }

  std::string render() const {
    std::string out;
    for (const auto& [is_index, segment] : path_) {
      if (!out.empty() && !is_index) out += '.';
      out += segment;
    }
    return out;
  }

  const options& options_;
  std::vector<std::pair<bool, std::string>> path_;  // (an array index?, its text)
  outcome failure_;
};

// ---- Typed values -> livesend::event ----------------------------------------------------------

inline std::optional<std::string> opt_str(const typed& t) {
  return t.present ? std::optional<std::string>(t.str) : std::nullopt;
}
inline std::optional<livesend::raw_json> opt_raw(const typed& t) {
  return t.present ? std::optional<livesend::raw_json>(livesend::raw_json{t.raw}) : std::nullopt;
}
inline std::optional<livesend::timestamp> opt_ts(const typed& t) {
  return t.present ? std::optional<livesend::timestamp>(t.ts) : std::nullopt;
}
inline std::vector<std::string> strings(const typed& t) {
  std::vector<std::string> out;
  for (const typed& item : t.items) out.push_back(item.str);
  return out;
}

inline livesend::content to_content(const typed& t) {
  livesend::content c;
  c.id = opt_str(t["Id"]);
  c.id_global = opt_str(t["IdGlobal"]);
  c.name = opt_str(t["Name"]);
  c.pages = opt_raw(t["Pages"]);
  c.quick_access_path = opt_str(t["QuickAccessPath"]);
  c.repository = opt_str(t["Repository"]);
  if (t["TotalPages"].present) c.total_pages = t["TotalPages"].integer;
  c.type = opt_str(t["Type"]);
  c.version_id = opt_str(t["VersionId"]);
  c.version_id_global = opt_str(t["VersionIdGlobal"]);
  if (const typed& l = t["LibraryContent"]; l.present) {
    livesend::library_content lc;
    lc.id = opt_str(l["Id"]);
    lc.id_global = opt_str(l["IdGlobal"]);
    lc.teamsite_id = opt_str(l["TeamsiteId"]);
    lc.teamsite_id_global = opt_str(l["TeamsiteIdGlobal"]);
    lc.version_id = opt_str(l["VersionId"]);
    lc.version_id_global = opt_str(l["VersionIdGlobal"]);
    c.library_content = lc;
  }
  c.content_profile_id = opt_str(t["ContentProfileId"]);
  if (t["ContentProfilePath"].present) c.content_profile_path = strings(t["ContentProfilePath"]);
  return c;
}

inline livesend::event to_event(const typed& t) {
  livesend::event ev;
  ev.application = t["application"].str;
  ev.id = t["id"].str;
  ev.version = t["version"].str;
  ev.occurred_at = t["occurredAt"].ts;
  ev.tenant_id = t["tenantId"].str;
  ev.tenant_name = t["tenantName"].str;
  ev.product_area = opt_str(t["productArea"]);

  const typed& d = t["data"];
  livesend::data& data = ev.data;
  data.interaction_id = d["InteractionId"].str;
  data.delivery_option_name = opt_str(d["DeliveryOptionName"]);
  data.interaction_occurred_at = d["InteractionOccurredAt"].ts;
  data.delivery_option_id_global = opt_str(d["DeliveryOptionIdGlobal"]);
  data.delivery_option_id = opt_str(d["DeliveryOptionId"]);
  data.user_id = opt_str(d["UserId"]);
  data.interaction_id_global = opt_str(d["InteractionIdGlobal"]);
  data.action_type = opt_str(d["ActionType"]);
  const typed& c = d["ClientDetails"];
  livesend::client_details& cd = data.client_details;
  cd.browser = c["Browser"].str;
  cd.browser_version = c["BrowserVersion"].str;
  cd.city = c["City"].str;
  cd.country = c["Country"].str;
  cd.device_type = c["DeviceType"].str;
  cd.ip_address = c["IpAddress"].str;
  cd.locale = opt_str(c["Locale"]);
  cd.operating_system = c["OperatingSystem"].str;
  cd.operating_system_version = c["OperatingSystemVersion"].str;
  cd.product_area = c["ProductArea"].str;
  cd.application = opt_str(c["Application"]);
  cd.session_id = c["SessionId"].str;
  cd.geolocation_latitude = c["GeolocationLatitude"].number;
  cd.geolocation_longitude = c["GeolocationLongitude"].number;
  cd.state = c["State"].str;
  cd.application_type = c["ApplicationType"].str;
  data.recipients = opt_raw(d["Recipients"]);
  data.interaction_group = opt_str(d["InteractionGroup"]);
  data.action = opt_str(d["Action"]);
  data.links = opt_raw(d["Links"]);
  data.user_id_global = opt_str(d["UserIdGlobal"]);
  data.email = opt_str(d["Email"]);
  data.status = opt_str(d["Status"]);

  const typed& s = d["LivesendSessionSummary"];
  const typed& l = s["Link"];
  livesend::link& link = data.livesend_session_summary.link;
  link.allow_download = l["AllowDownload"].boolean;
  link.download_formats_setting = strings(l["DownloadFormatsSetting"]);
  for (const typed& item : l["Content"].items) link.content.push_back(to_content(item));
  link.is_landing_page_customized = l["IsLandingPageCustomized"].boolean;
  link.is_livesend_experience = l["IsLivesendExperience"].boolean;
  link.created_at = l["CreatedAt"].ts;
  link.created_by = l["CreatedBy"].str;
  link.expires_at = l["ExpiresAt"].ts;
  link.has_password = l["HasPassword"].boolean;
  link.id = l["Id"].str;
  link.is_live = l["IsLive"].boolean;
  link.is_separate_send = l["IsSeparateSend"].boolean;
  link.modified_at = l["ModifiedAt"].ts;
  link.normalized_id = l["NormalizedId"].str;
  link.notification_mode = l["NotificationMode"].str;
  link.tags = livesend::raw_json{l["Tags"].raw};
  link.url_path = l["UrlPath"].str;
  link.download_formats = opt_raw(l["DownloadFormats"]);
  link.id_global = opt_str(l["IdGlobal"]);
  link.normalized_id_global = opt_str(l["NormalizedIdGlobal"]);
  data.livesend_session_summary.tracking_parameters = opt_raw(s["TrackingParameters"]);

  for (const typed& cs : d["ContentSessions"].items) {
    livesend::content_session out;
    for (const typed& p : cs["Pages"].items) {
      livesend::page page;
      page.duration_milliseconds = p["DurationMilliseconds"].integer;
      page.started_at = opt_ts(p["StartedAt"]);
      page.ended_at = opt_ts(p["EndedAt"]);
      page.page_index = p["PageIndex"].integer;
      page.thumbnail_image_url = p["ThumbnailImageUrl"].str;
      out.pages.push_back(page);
    }
    out.total_pages = cs["TotalPages"].integer;
    out.total_pages_viewed = cs["TotalPagesViewed"].integer;
    out.id = cs["Id"].str;
    out.content = to_content(cs["Content"]);
    out.download_count = cs["DownloadCount"].integer;
    out.duration_seconds = cs["DurationSeconds"].integer;
    out.session_ended_at = cs["SessionEndedAt"].ts;
    out.session_started_at = cs["SessionStartedAt"].ts;
    out.session_type = cs["SessionType"].str;
    out.was_downloaded = cs["WasDownloaded"].boolean;
    out.was_viewed = cs["WasViewed"].boolean;
    out.download_formats = opt_raw(cs["DownloadFormats"]);
    data.content_sessions.push_back(out);
  }
  data.details_url = d["DetailsUrl"].str;
  for (const typed& p : d["Participants"].items) {
    livesend::participant out;
    out.context = livesend::raw_json{p["Context"].raw};
    out.interaction_id = p["InteractionId"].str;
    out.email = p["Email"].str;
    out.user_id = opt_str(p["UserId"]);
    out.user_type = p["UserType"].str;
    out.user_login_type = p["UserLoginType"].str;
    data.participants.push_back(out);
  }
  data.session_ended_at = d["SessionEndedAt"].ts;
  data.session_id = d["SessionId"].str;
  data.session_started_at = d["SessionStartedAt"].ts;
  data.total_content = d["TotalContent"].integer;
  data.total_content_downloaded = d["TotalContentDownloaded"].integer;
  data.total_content_viewed = d["TotalContentViewed"].integer;
  data.total_duration_seconds = d["TotalDurationSeconds"].integer;
  data.landing_page_duration_seconds = d["LandingPageDurationSeconds"].integer;
  return ev;
}

}  // namespace detail

/// Reads one event by the contract. A field-level failure names the first problem in document
/// order (for missing fields: every missing field of the first object that lacks some).
namespace detail {

/// The contract's precedence (issue 14): a body of another version says so whatever its key
/// order. When reading the event failed on a field, the top-level `version` (its last
/// occurrence) decides first: absent, null, not a string or not one of the two v3 versions, that
/// is the error; a v3 version leaves the first error.
inline void version_first(const json_value& root, outcome& out) {
  if (out.path == "version") return;
  const json_value* version = nullptr;
  for (const auto& [key, value] : root.members) {
    if (event_shape.find(key) == event_shape.at("version")) version = &value;
  }
  const auto set = [&](livesend::error_code code, const char* why) {
    out.code = code;
    out.path = "version";
    out.missing = {"version"};
    out.detail = why;
  };
  if (version == nullptr) return set(livesend::error_code::missing_field, "no version");
  if (version->type == json_value::kind::null) {
    return set(livesend::error_code::null_field, "null version");
  }
  if (version->type != json_value::kind::string) {
    return set(livesend::error_code::wrong_type, "version not a string");
  }
  if (version->text != livesend::version_v3 && version->text != livesend::version_enriched_v3) {
    set(livesend::error_code::unsupported_version, "unsupported version");
  }
}

}  // namespace detail

inline outcome read_event(std::string_view input, const options& o = {}) {
  json_read json = read_json(input);
  if (!json.ok) {
    outcome out;
    out.code =
        json.too_deep ? livesend::error_code::depth_exceeded : livesend::error_code::syntax_error;
    out.detail = json.error;
    return out;
  }
  detail::mapper mapper(o);
  typed root;
  if (json.value.type != json_value::kind::object) {
    outcome out;
    out.valid_json = true;
    out.code = livesend::error_code::not_an_object;
    return out;
  }
  if (!mapper.record(json.value, event_shape, root)) {
    outcome out = std::move(mapper.failure());
    out.valid_json = true;
    detail::version_first(json.value, out);
    return out;
  }
  outcome out;
  out.ok = true;
  out.valid_json = true;
  out.event = detail::to_event(root);
  return out;
}

/// `ev` with every raw value's text made canonical, so that two events read from texts that
/// differ only in whitespace or escapes inside raw values compare equal.
inline livesend::event canonical_raw(livesend::event ev) {
  const auto fix = [](livesend::raw_json& r) { r.json = canonical(std::string_view(r.json)); };
  const auto fix_opt = [&](std::optional<livesend::raw_json>& r) {
    if (r) fix(*r);
  };
  const auto fix_content = [&](livesend::content& c) { fix_opt(c.pages); };
  fix_opt(ev.data.recipients);
  fix_opt(ev.data.links);
  livesend::link& link = ev.data.livesend_session_summary.link;
  for (livesend::content& c : link.content) fix_content(c);
  fix(link.tags);
  fix_opt(link.download_formats);
  fix_opt(ev.data.livesend_session_summary.tracking_parameters);
  for (livesend::content_session& cs : ev.data.content_sessions) {
    fix_content(cs.content);
    fix_opt(cs.download_formats);
  }
  for (livesend::participant& p : ev.data.participants) fix(p.context);
  return ev;
}

}  // namespace reference
