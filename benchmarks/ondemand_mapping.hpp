// benchmarks/ondemand_mapping.hpp: the hand-written simdjson On-Demand mapping, the contender
// "a user would write instead of livesend" (issue #12), into livesend's model in both flavours:
// livesend::event (S = std::string, owning) and livesend::event_view (S = std::string_view: the
// strings point into simdjson's string buffer, raw values into the input, valid until the next
// parse, the same lifetime as livesend's view).
//
// Written the way simdjson's documentation advises, without livesend's internal tricks:
// - a function per record type, with one `for (field : object)` loop;
// - the raw key (`field.key()`, in the input, not unescaped) dispatched by a `switch` on its
//   length, then one byte, then one memcmp; only a key that matches nothing there (other ASCII
//   case, or an escape) is unescaped (`field.unescaped_key()`) and looked up
//   ASCII-case-insensitively, as the contract reads keys; unknown keys are skipped (On-Demand skips
//   their values);
// - values with `is_null()` (optional members), `get_string()`, `get_int64()`, `get_double()`,
//   `get_bool()`; timestamps with livesend's parser (livesend::detail::parse_timestamp, the
//   no-allocation form the DOM peers' mapping uses too), DateTime.MinValue in an optional
//   timestamp read as no value, as livesend does; raw JSON members as their text (`raw_json()` of
//   the array or object, `raw_json_token()` of a scalar), whitespace trimmed;
// - a required member missing fails the parse, an absent optional member is reset, `version`
//   must be one of the two values livesend reads, nothing may follow the event;
// - the target is reused: strings assigned in place, optionals re-engaged in place, arrays read
//   over the elements already there (as the DOM peers' mapping does), so that a steady stream
//   allocates only where an element or an optional is new or a string grows.
// It builds no error messages: a record it cannot read is just `false`.
//
// The key switches were written out from livesend::schema<T>::fields (model.hpp); the enum of
// each type lists its fields in that order, and `<type>_keys` spells their keys.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/json_text.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace bench {
namespace ondemand_mapping_detail {

namespace od = simdjson::ondemand;

// ---- Helpers --------------------------------------------------------------------------------

/// The bytes of a raw key of the literal's length equal the literal (the length is checked
/// before: the switch on it).
template <std::size_t N>
bool same(const char* key, const char (&literal)[N]) noexcept {
  return std::memcmp(key, literal, N - 1) == 0;
}

template <class E>
constexpr std::uint64_t bit(E field) noexcept {
  return std::uint64_t{1} << static_cast<unsigned>(field);
}

/// The length of a raw key (from just after its opening quote to its closing quote); 0 when it
/// holds an escape, which only the unescaped lookup can match.
inline std::size_t raw_key_length(const char* raw) noexcept {
  const char* end = raw;
  while (*end != '"' && *end != '\\') ++end;  // a valid key ends with a quote
  return *end == '"' ? static_cast<std::size_t>(end - raw) : 0;
}

/// The index of `key` in `keys`, ASCII-case-insensitively; N when it is none of them.
template <std::size_t N>
std::size_t find_key_ignoring_case(std::string_view key, const std::string_view (&keys)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (livesend::detail::iequals_ascii(keys[i], key)) return i;
  }
  return N;
}

inline void set_text(std::string& out, std::string_view text) {
  out.assign(text.data(), text.size());
}
inline void set_text(std::string_view& out, std::string_view text) { out = text; }

// ---- Values ---------------------------------------------------------------------------------

inline bool get(od::value& v, std::string& out) {
  std::string_view text;
  if (v.get_string().get(text) != simdjson::SUCCESS) return false;
  out.assign(text.data(), text.size());
  return true;
}

inline bool get(od::value& v, std::string_view& out) {
  return v.get_string().get(out) == simdjson::SUCCESS;  // in the parser's string buffer
}

inline bool get(od::value& v, std::int64_t& out) {
  return v.get_int64().get(out) == simdjson::SUCCESS;
}

inline bool get(od::value& v, double& out) { return v.get_double().get(out) == simdjson::SUCCESS; }

inline bool get(od::value& v, bool& out) { return v.get_bool().get(out) == simdjson::SUCCESS; }

inline bool get(od::value& v, livesend::timestamp& out) {
  std::string_view text;
  if (v.get_string().get(text) != simdjson::SUCCESS) return false;
  return livesend::detail::parse_timestamp(text, out) == nullptr;
}

/// A raw JSON member: its text as it is in the input, without the whitespace around it. A
/// required one may not be null.
template <class S>
bool get(od::value& v, livesend::basic_raw_json<S>& out) {
  od::json_type type{};
  if (v.type().get(type) != simdjson::SUCCESS) return false;
  std::string_view text;
  switch (type) {
    case od::json_type::array: {
      od::array array;
      if (v.get_array().get(array) != simdjson::SUCCESS) return false;
      if (array.raw_json().get(text) != simdjson::SUCCESS) return false;
      break;
    }
    case od::json_type::object: {
      od::object object;
      if (v.get_object().get(object) != simdjson::SUCCESS) return false;
      if (object.raw_json().get(text) != simdjson::SUCCESS) return false;
      break;
    }
    case od::json_type::null:
      return false;
    default:
      text = v.raw_json_token();  // a scalar: the token and the whitespace after it
      break;
  }
  set_text(out.json, livesend::detail::trim_json_space(text));
  return true;
}

// The records (below) and arrays are declared here, so that the templates for optionals and
// arrays see them.
template <class S>
bool get(od::value& v, livesend::basic_library_content<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_content<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_link<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_session_summary<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_client_details<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_page<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_content_session<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_participant<S>& out);
template <class S>
bool get(od::value& v, livesend::basic_data<S>& out);

template <class T>
bool get(od::value& v, std::vector<T>& out);

/// An optional member: null disengages it; a value is read into it (re-engaged in place). An
/// optional timestamp holding DateTime.MinValue has no value, as livesend reads it.
template <class T>
bool get(od::value& v, std::optional<T>& out) {
  bool null = false;
  if (v.is_null().get(null) != simdjson::SUCCESS) return false;
  if (null) {
    out.reset();
    return true;
  }
  if (!out) out.emplace();
  if (!get(v, *out)) return false;
  if constexpr (std::is_same_v<T, livesend::timestamp>) {
    if (out->is_unset()) out.reset();
  }
  return true;
}

/// An array: read over the elements already there (their strings and vectors keep their
/// capacity), one emplaced per item past them, the rest dropped at the end.
template <class T>
bool get(od::value& v, std::vector<T>& out) {
  od::array array;
  if (v.get_array().get(array) != simdjson::SUCCESS) return false;
  std::size_t count = 0;
  for (auto item_result : array) {
    od::value item;
    if (std::move(item_result).get(item) != simdjson::SUCCESS) return false;
    if (count == out.size()) out.emplace_back();
    if (!get(item, out[count])) return false;
    ++count;
  }
  out.resize(count);
  return true;
}

// ---- Records --------------------------------------------------------------------------------
// Per type: its fields, the raw-key switch, and the loop over an object's fields.

// ---- library_content -----------------------------------------------------------------------
enum class library_content_field {
  id,
  id_global,
  teamsite_id,
  teamsite_id_global,
  version_id,
  version_id_global,
  none
};
inline constexpr std::string_view library_content_keys[] = {
    "Id", "IdGlobal", "TeamsiteId", "TeamsiteIdGlobal", "VersionId", "VersionIdGlobal"};

/// The field a raw key names: its length, then one byte, then one compare.
inline library_content_field library_content_key(const char* key, std::size_t length) noexcept {
  using f = library_content_field;
  switch (length) {
    case 2:
      return same(key, "Id") ? f::id : f::none;
    case 8:
      return same(key, "IdGlobal") ? f::id_global : f::none;
    case 9:
      return same(key, "VersionId") ? f::version_id : f::none;
    case 10:
      return same(key, "TeamsiteId") ? f::teamsite_id : f::none;
    case 15:
      return same(key, "VersionIdGlobal") ? f::version_id_global : f::none;
    case 16:
      return same(key, "TeamsiteIdGlobal") ? f::teamsite_id_global : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_library_content<S>& out) {
  using f = library_content_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = library_content_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, library_content_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::id:
        ok = get(value, out.id);
        break;
      case f::id_global:
        ok = get(value, out.id_global);
        break;
      case f::teamsite_id:
        ok = get(value, out.teamsite_id);
        break;
      case f::teamsite_id_global:
        ok = get(value, out.teamsite_id_global);
        break;
      case f::version_id:
        ok = get(value, out.version_id);
        break;
      case f::version_id_global:
        ok = get(value, out.version_id_global);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  if (!(seen & bit(f::id))) out.id.reset();
  if (!(seen & bit(f::id_global))) out.id_global.reset();
  if (!(seen & bit(f::teamsite_id))) out.teamsite_id.reset();
  if (!(seen & bit(f::teamsite_id_global))) out.teamsite_id_global.reset();
  if (!(seen & bit(f::version_id))) out.version_id.reset();
  if (!(seen & bit(f::version_id_global))) out.version_id_global.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_library_content<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- content -------------------------------------------------------------------------------
enum class content_field {
  id,
  id_global,
  name,
  pages,
  quick_access_path,
  repository,
  total_pages,
  type,
  version_id,
  version_id_global,
  library_content,
  content_profile_id,
  content_profile_path,
  none
};
inline constexpr std::string_view content_keys[] = {"Id",
                                                    "IdGlobal",
                                                    "Name",
                                                    "Pages",
                                                    "QuickAccessPath",
                                                    "Repository",
                                                    "TotalPages",
                                                    "Type",
                                                    "VersionId",
                                                    "VersionIdGlobal",
                                                    "LibraryContent",
                                                    "ContentProfileId",
                                                    "ContentProfilePath"};

/// The field a raw key names: its length, then one byte, then one compare.
inline content_field content_key(const char* key, std::size_t length) noexcept {
  using f = content_field;
  switch (length) {
    case 2:
      return same(key, "Id") ? f::id : f::none;
    case 4:
      switch (key[0]) {
        case 'N':
          return same(key, "Name") ? f::name : f::none;
        case 'T':
          return same(key, "Type") ? f::type : f::none;
      }
      return f::none;
    case 5:
      return same(key, "Pages") ? f::pages : f::none;
    case 8:
      return same(key, "IdGlobal") ? f::id_global : f::none;
    case 9:
      return same(key, "VersionId") ? f::version_id : f::none;
    case 10:
      switch (key[0]) {
        case 'R':
          return same(key, "Repository") ? f::repository : f::none;
        case 'T':
          return same(key, "TotalPages") ? f::total_pages : f::none;
      }
      return f::none;
    case 14:
      return same(key, "LibraryContent") ? f::library_content : f::none;
    case 15:
      switch (key[0]) {
        case 'Q':
          return same(key, "QuickAccessPath") ? f::quick_access_path : f::none;
        case 'V':
          return same(key, "VersionIdGlobal") ? f::version_id_global : f::none;
      }
      return f::none;
    case 16:
      return same(key, "ContentProfileId") ? f::content_profile_id : f::none;
    case 18:
      return same(key, "ContentProfilePath") ? f::content_profile_path : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_content<S>& out) {
  using f = content_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = content_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, content_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::id:
        ok = get(value, out.id);
        break;
      case f::id_global:
        ok = get(value, out.id_global);
        break;
      case f::name:
        ok = get(value, out.name);
        break;
      case f::pages:
        ok = get(value, out.pages);
        break;
      case f::quick_access_path:
        ok = get(value, out.quick_access_path);
        break;
      case f::repository:
        ok = get(value, out.repository);
        break;
      case f::total_pages:
        ok = get(value, out.total_pages);
        break;
      case f::type:
        ok = get(value, out.type);
        break;
      case f::version_id:
        ok = get(value, out.version_id);
        break;
      case f::version_id_global:
        ok = get(value, out.version_id_global);
        break;
      case f::library_content:
        ok = get(value, out.library_content);
        break;
      case f::content_profile_id:
        ok = get(value, out.content_profile_id);
        break;
      case f::content_profile_path:
        ok = get(value, out.content_profile_path);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  if (!(seen & bit(f::id))) out.id.reset();
  if (!(seen & bit(f::id_global))) out.id_global.reset();
  if (!(seen & bit(f::name))) out.name.reset();
  if (!(seen & bit(f::pages))) out.pages.reset();
  if (!(seen & bit(f::quick_access_path))) out.quick_access_path.reset();
  if (!(seen & bit(f::repository))) out.repository.reset();
  if (!(seen & bit(f::total_pages))) out.total_pages.reset();
  if (!(seen & bit(f::type))) out.type.reset();
  if (!(seen & bit(f::version_id))) out.version_id.reset();
  if (!(seen & bit(f::version_id_global))) out.version_id_global.reset();
  if (!(seen & bit(f::library_content))) out.library_content.reset();
  if (!(seen & bit(f::content_profile_id))) out.content_profile_id.reset();
  if (!(seen & bit(f::content_profile_path))) out.content_profile_path.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_content<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- link ----------------------------------------------------------------------------------
enum class link_field {
  allow_download,
  download_formats_setting,
  content,
  is_landing_page_customized,
  is_livesend_experience,
  created_at,
  created_by,
  expires_at,
  has_password,
  id,
  is_live,
  is_separate_send,
  modified_at,
  normalized_id,
  notification_mode,
  tags,
  url_path,
  download_formats,
  id_global,
  normalized_id_global,
  none
};
inline constexpr std::string_view link_keys[] = {"AllowDownload",
                                                 "DownloadFormatsSetting",
                                                 "Content",
                                                 "IsLandingPageCustomized",
                                                 "IsLivesendExperience",
                                                 "CreatedAt",
                                                 "CreatedBy",
                                                 "ExpiresAt",
                                                 "HasPassword",
                                                 "Id",
                                                 "IsLive",
                                                 "IsSeparateSend",
                                                 "ModifiedAt",
                                                 "NormalizedId",
                                                 "NotificationMode",
                                                 "Tags",
                                                 "UrlPath",
                                                 "DownloadFormats",
                                                 "IdGlobal",
                                                 "NormalizedIdGlobal"};

/// The field a raw key names: its length, then one byte, then one compare.
inline link_field link_key(const char* key, std::size_t length) noexcept {
  using f = link_field;
  switch (length) {
    case 2:
      return same(key, "Id") ? f::id : f::none;
    case 4:
      return same(key, "Tags") ? f::tags : f::none;
    case 6:
      return same(key, "IsLive") ? f::is_live : f::none;
    case 7:
      switch (key[0]) {
        case 'C':
          return same(key, "Content") ? f::content : f::none;
        case 'U':
          return same(key, "UrlPath") ? f::url_path : f::none;
      }
      return f::none;
    case 8:
      return same(key, "IdGlobal") ? f::id_global : f::none;
    case 9:
      switch (key[0]) {
        case 'C':
          if (same(key, "CreatedAt")) return f::created_at;
          return same(key, "CreatedBy") ? f::created_by : f::none;
        case 'E':
          return same(key, "ExpiresAt") ? f::expires_at : f::none;
      }
      return f::none;
    case 10:
      return same(key, "ModifiedAt") ? f::modified_at : f::none;
    case 11:
      return same(key, "HasPassword") ? f::has_password : f::none;
    case 12:
      return same(key, "NormalizedId") ? f::normalized_id : f::none;
    case 13:
      return same(key, "AllowDownload") ? f::allow_download : f::none;
    case 14:
      return same(key, "IsSeparateSend") ? f::is_separate_send : f::none;
    case 15:
      return same(key, "DownloadFormats") ? f::download_formats : f::none;
    case 16:
      return same(key, "NotificationMode") ? f::notification_mode : f::none;
    case 18:
      return same(key, "NormalizedIdGlobal") ? f::normalized_id_global : f::none;
    case 20:
      return same(key, "IsLivesendExperience") ? f::is_livesend_experience : f::none;
    case 22:
      return same(key, "DownloadFormatsSetting") ? f::download_formats_setting : f::none;
    case 23:
      return same(key, "IsLandingPageCustomized") ? f::is_landing_page_customized : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_link<S>& out) {
  using f = link_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = link_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, link_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::allow_download:
        ok = get(value, out.allow_download);
        break;
      case f::download_formats_setting:
        ok = get(value, out.download_formats_setting);
        break;
      case f::content:
        ok = get(value, out.content);
        break;
      case f::is_landing_page_customized:
        ok = get(value, out.is_landing_page_customized);
        break;
      case f::is_livesend_experience:
        ok = get(value, out.is_livesend_experience);
        break;
      case f::created_at:
        ok = get(value, out.created_at);
        break;
      case f::created_by:
        ok = get(value, out.created_by);
        break;
      case f::expires_at:
        ok = get(value, out.expires_at);
        break;
      case f::has_password:
        ok = get(value, out.has_password);
        break;
      case f::id:
        ok = get(value, out.id);
        break;
      case f::is_live:
        ok = get(value, out.is_live);
        break;
      case f::is_separate_send:
        ok = get(value, out.is_separate_send);
        break;
      case f::modified_at:
        ok = get(value, out.modified_at);
        break;
      case f::normalized_id:
        ok = get(value, out.normalized_id);
        break;
      case f::notification_mode:
        ok = get(value, out.notification_mode);
        break;
      case f::tags:
        ok = get(value, out.tags);
        break;
      case f::url_path:
        ok = get(value, out.url_path);
        break;
      case f::download_formats:
        ok = get(value, out.download_formats);
        break;
      case f::id_global:
        ok = get(value, out.id_global);
        break;
      case f::normalized_id_global:
        ok = get(value, out.normalized_id_global);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required =
      bit(f::allow_download) | bit(f::download_formats_setting) | bit(f::content) |
      bit(f::is_landing_page_customized) | bit(f::is_livesend_experience) | bit(f::created_at) |
      bit(f::created_by) | bit(f::expires_at) | bit(f::has_password) | bit(f::id) |
      bit(f::is_live) | bit(f::is_separate_send) | bit(f::modified_at) | bit(f::normalized_id) |
      bit(f::notification_mode) | bit(f::tags) | bit(f::url_path);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::download_formats))) out.download_formats.reset();
  if (!(seen & bit(f::id_global))) out.id_global.reset();
  if (!(seen & bit(f::normalized_id_global))) out.normalized_id_global.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_link<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- session_summary -----------------------------------------------------------------------
enum class session_summary_field { link, tracking_parameters, none };
inline constexpr std::string_view session_summary_keys[] = {"Link", "TrackingParameters"};

/// The field a raw key names: its length, then one byte, then one compare.
inline session_summary_field session_summary_key(const char* key, std::size_t length) noexcept {
  using f = session_summary_field;
  switch (length) {
    case 4:
      return same(key, "Link") ? f::link : f::none;
    case 18:
      return same(key, "TrackingParameters") ? f::tracking_parameters : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_session_summary<S>& out) {
  using f = session_summary_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = session_summary_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, session_summary_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::link:
        ok = get(value, out.link);
        break;
      case f::tracking_parameters:
        ok = get(value, out.tracking_parameters);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required = bit(f::link);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::tracking_parameters))) out.tracking_parameters.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_session_summary<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- client_details ------------------------------------------------------------------------
enum class client_details_field {
  browser,
  browser_version,
  city,
  country,
  device_type,
  ip_address,
  locale,
  operating_system,
  operating_system_version,
  product_area,
  application,
  session_id,
  geolocation_latitude,
  geolocation_longitude,
  state,
  application_type,
  none
};
inline constexpr std::string_view client_details_keys[] = {"Browser",
                                                           "BrowserVersion",
                                                           "City",
                                                           "Country",
                                                           "DeviceType",
                                                           "IpAddress",
                                                           "Locale",
                                                           "OperatingSystem",
                                                           "OperatingSystemVersion",
                                                           "ProductArea",
                                                           "Application",
                                                           "SessionId",
                                                           "GeolocationLatitude",
                                                           "GeolocationLongitude",
                                                           "State",
                                                           "ApplicationType"};

/// The field a raw key names: its length, then one byte, then one compare.
inline client_details_field client_details_key(const char* key, std::size_t length) noexcept {
  using f = client_details_field;
  switch (length) {
    case 4:
      return same(key, "City") ? f::city : f::none;
    case 5:
      return same(key, "State") ? f::state : f::none;
    case 6:
      return same(key, "Locale") ? f::locale : f::none;
    case 7:
      switch (key[0]) {
        case 'B':
          return same(key, "Browser") ? f::browser : f::none;
        case 'C':
          return same(key, "Country") ? f::country : f::none;
      }
      return f::none;
    case 9:
      switch (key[0]) {
        case 'I':
          return same(key, "IpAddress") ? f::ip_address : f::none;
        case 'S':
          return same(key, "SessionId") ? f::session_id : f::none;
      }
      return f::none;
    case 10:
      return same(key, "DeviceType") ? f::device_type : f::none;
    case 11:
      switch (key[0]) {
        case 'P':
          return same(key, "ProductArea") ? f::product_area : f::none;
        case 'A':
          return same(key, "Application") ? f::application : f::none;
      }
      return f::none;
    case 14:
      return same(key, "BrowserVersion") ? f::browser_version : f::none;
    case 15:
      switch (key[0]) {
        case 'O':
          return same(key, "OperatingSystem") ? f::operating_system : f::none;
        case 'A':
          return same(key, "ApplicationType") ? f::application_type : f::none;
      }
      return f::none;
    case 19:
      return same(key, "GeolocationLatitude") ? f::geolocation_latitude : f::none;
    case 20:
      return same(key, "GeolocationLongitude") ? f::geolocation_longitude : f::none;
    case 22:
      return same(key, "OperatingSystemVersion") ? f::operating_system_version : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_client_details<S>& out) {
  using f = client_details_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = client_details_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, client_details_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::browser:
        ok = get(value, out.browser);
        break;
      case f::browser_version:
        ok = get(value, out.browser_version);
        break;
      case f::city:
        ok = get(value, out.city);
        break;
      case f::country:
        ok = get(value, out.country);
        break;
      case f::device_type:
        ok = get(value, out.device_type);
        break;
      case f::ip_address:
        ok = get(value, out.ip_address);
        break;
      case f::locale:
        ok = get(value, out.locale);
        break;
      case f::operating_system:
        ok = get(value, out.operating_system);
        break;
      case f::operating_system_version:
        ok = get(value, out.operating_system_version);
        break;
      case f::product_area:
        ok = get(value, out.product_area);
        break;
      case f::application:
        ok = get(value, out.application);
        break;
      case f::session_id:
        ok = get(value, out.session_id);
        break;
      case f::geolocation_latitude:
        ok = get(value, out.geolocation_latitude);
        break;
      case f::geolocation_longitude:
        ok = get(value, out.geolocation_longitude);
        break;
      case f::state:
        ok = get(value, out.state);
        break;
      case f::application_type:
        ok = get(value, out.application_type);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required = bit(f::browser) | bit(f::browser_version) | bit(f::city) |
                                     bit(f::country) | bit(f::device_type) | bit(f::ip_address) |
                                     bit(f::operating_system) | bit(f::operating_system_version) |
                                     bit(f::product_area) | bit(f::session_id) |
                                     bit(f::geolocation_latitude) | bit(f::geolocation_longitude) |
                                     bit(f::state) | bit(f::application_type);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::locale))) out.locale.reset();
  if (!(seen & bit(f::application))) out.application.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_client_details<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- page ----------------------------------------------------------------------------------
enum class page_field {
  duration_milliseconds,
  started_at,
  ended_at,
  page_index,
  thumbnail_image_url,
  none
};
inline constexpr std::string_view page_keys[] = {"DurationMilliseconds", "StartedAt", "EndedAt",
                                                 "PageIndex", "ThumbnailImageUrl"};

/// The field a raw key names: its length, then one byte, then one compare.
inline page_field page_key(const char* key, std::size_t length) noexcept {
  using f = page_field;
  switch (length) {
    case 7:
      return same(key, "EndedAt") ? f::ended_at : f::none;
    case 9:
      switch (key[0]) {
        case 'S':
          return same(key, "StartedAt") ? f::started_at : f::none;
        case 'P':
          return same(key, "PageIndex") ? f::page_index : f::none;
      }
      return f::none;
    case 17:
      return same(key, "ThumbnailImageUrl") ? f::thumbnail_image_url : f::none;
    case 20:
      return same(key, "DurationMilliseconds") ? f::duration_milliseconds : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_page<S>& out) {
  using f = page_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = page_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, page_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::duration_milliseconds:
        ok = get(value, out.duration_milliseconds);
        break;
      case f::started_at:
        ok = get(value, out.started_at);
        break;
      case f::ended_at:
        ok = get(value, out.ended_at);
        break;
      case f::page_index:
        ok = get(value, out.page_index);
        break;
      case f::thumbnail_image_url:
        ok = get(value, out.thumbnail_image_url);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required =
      bit(f::duration_milliseconds) | bit(f::page_index) | bit(f::thumbnail_image_url);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::started_at))) out.started_at.reset();
  if (!(seen & bit(f::ended_at))) out.ended_at.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_page<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- content_session -----------------------------------------------------------------------
enum class content_session_field {
  pages,
  total_pages,
  total_pages_viewed,
  id,
  content,
  download_count,
  duration_seconds,
  session_ended_at,
  session_started_at,
  session_type,
  was_downloaded,
  was_viewed,
  download_formats,
  none
};
inline constexpr std::string_view content_session_keys[] = {"Pages",
                                                            "TotalPages",
                                                            "TotalPagesViewed",
                                                            "Id",
                                                            "Content",
                                                            "DownloadCount",
                                                            "DurationSeconds",
                                                            "SessionEndedAt",
                                                            "SessionStartedAt",
                                                            "SessionType",
                                                            "WasDownloaded",
                                                            "WasViewed",
                                                            "DownloadFormats"};

/// The field a raw key names: its length, then one byte, then one compare.
inline content_session_field content_session_key(const char* key, std::size_t length) noexcept {
  using f = content_session_field;
  switch (length) {
    case 2:
      return same(key, "Id") ? f::id : f::none;
    case 5:
      return same(key, "Pages") ? f::pages : f::none;
    case 7:
      return same(key, "Content") ? f::content : f::none;
    case 9:
      return same(key, "WasViewed") ? f::was_viewed : f::none;
    case 10:
      return same(key, "TotalPages") ? f::total_pages : f::none;
    case 11:
      return same(key, "SessionType") ? f::session_type : f::none;
    case 13:
      switch (key[0]) {
        case 'D':
          return same(key, "DownloadCount") ? f::download_count : f::none;
        case 'W':
          return same(key, "WasDownloaded") ? f::was_downloaded : f::none;
      }
      return f::none;
    case 14:
      return same(key, "SessionEndedAt") ? f::session_ended_at : f::none;
    case 15:
      switch (key[1]) {
        case 'u':
          return same(key, "DurationSeconds") ? f::duration_seconds : f::none;
        case 'o':
          return same(key, "DownloadFormats") ? f::download_formats : f::none;
      }
      return f::none;
    case 16:
      switch (key[0]) {
        case 'T':
          return same(key, "TotalPagesViewed") ? f::total_pages_viewed : f::none;
        case 'S':
          return same(key, "SessionStartedAt") ? f::session_started_at : f::none;
      }
      return f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_content_session<S>& out) {
  using f = content_session_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = content_session_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, content_session_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::pages:
        ok = get(value, out.pages);
        break;
      case f::total_pages:
        ok = get(value, out.total_pages);
        break;
      case f::total_pages_viewed:
        ok = get(value, out.total_pages_viewed);
        break;
      case f::id:
        ok = get(value, out.id);
        break;
      case f::content:
        ok = get(value, out.content);
        break;
      case f::download_count:
        ok = get(value, out.download_count);
        break;
      case f::duration_seconds:
        ok = get(value, out.duration_seconds);
        break;
      case f::session_ended_at:
        ok = get(value, out.session_ended_at);
        break;
      case f::session_started_at:
        ok = get(value, out.session_started_at);
        break;
      case f::session_type:
        ok = get(value, out.session_type);
        break;
      case f::was_downloaded:
        ok = get(value, out.was_downloaded);
        break;
      case f::was_viewed:
        ok = get(value, out.was_viewed);
        break;
      case f::download_formats:
        ok = get(value, out.download_formats);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required =
      bit(f::pages) | bit(f::total_pages) | bit(f::total_pages_viewed) | bit(f::id) |
      bit(f::content) | bit(f::download_count) | bit(f::duration_seconds) |
      bit(f::session_ended_at) | bit(f::session_started_at) | bit(f::session_type) |
      bit(f::was_downloaded) | bit(f::was_viewed);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::download_formats))) out.download_formats.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_content_session<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- participant ---------------------------------------------------------------------------
enum class participant_field {
  context,
  interaction_id,
  email,
  user_id,
  user_type,
  user_login_type,
  none
};
inline constexpr std::string_view participant_keys[] = {
    "Context", "InteractionId", "Email", "UserId", "UserType", "UserLoginType"};

/// The field a raw key names: its length, then one byte, then one compare.
inline participant_field participant_key(const char* key, std::size_t length) noexcept {
  using f = participant_field;
  switch (length) {
    case 5:
      return same(key, "Email") ? f::email : f::none;
    case 6:
      return same(key, "UserId") ? f::user_id : f::none;
    case 7:
      return same(key, "Context") ? f::context : f::none;
    case 8:
      return same(key, "UserType") ? f::user_type : f::none;
    case 13:
      switch (key[0]) {
        case 'I':
          return same(key, "InteractionId") ? f::interaction_id : f::none;
        case 'U':
          return same(key, "UserLoginType") ? f::user_login_type : f::none;
      }
      return f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_participant<S>& out) {
  using f = participant_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = participant_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, participant_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::context:
        ok = get(value, out.context);
        break;
      case f::interaction_id:
        ok = get(value, out.interaction_id);
        break;
      case f::email:
        ok = get(value, out.email);
        break;
      case f::user_id:
        ok = get(value, out.user_id);
        break;
      case f::user_type:
        ok = get(value, out.user_type);
        break;
      case f::user_login_type:
        ok = get(value, out.user_login_type);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required = bit(f::context) | bit(f::interaction_id) | bit(f::email) |
                                     bit(f::user_type) | bit(f::user_login_type);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::user_id))) out.user_id.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_participant<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- data ----------------------------------------------------------------------------------
enum class data_field {
  interaction_id,
  delivery_option_name,
  interaction_occurred_at,
  delivery_option_id_global,
  delivery_option_id,
  user_id,
  interaction_id_global,
  action_type,
  client_details,
  recipients,
  interaction_group,
  action,
  links,
  user_id_global,
  email,
  status,
  livesend_session_summary,
  content_sessions,
  details_url,
  participants,
  session_ended_at,
  session_id,
  session_started_at,
  total_content,
  total_content_downloaded,
  total_content_viewed,
  total_duration_seconds,
  landing_page_duration_seconds,
  none
};
inline constexpr std::string_view data_keys[] = {"InteractionId",
                                                 "DeliveryOptionName",
                                                 "InteractionOccurredAt",
                                                 "DeliveryOptionIdGlobal",
                                                 "DeliveryOptionId",
                                                 "UserId",
                                                 "InteractionIdGlobal",
                                                 "ActionType",
                                                 "ClientDetails",
                                                 "Recipients",
                                                 "InteractionGroup",
                                                 "Action",
                                                 "Links",
                                                 "UserIdGlobal",
                                                 "Email",
                                                 "Status",
                                                 "LivesendSessionSummary",
                                                 "ContentSessions",
                                                 "DetailsUrl",
                                                 "Participants",
                                                 "SessionEndedAt",
                                                 "SessionId",
                                                 "SessionStartedAt",
                                                 "TotalContent",
                                                 "TotalContentDownloaded",
                                                 "TotalContentViewed",
                                                 "TotalDurationSeconds",
                                                 "LandingPageDurationSeconds"};

/// The field a raw key names: its length, then one byte, then one compare.
inline data_field data_key(const char* key, std::size_t length) noexcept {
  using f = data_field;
  switch (length) {
    case 5:
      switch (key[0]) {
        case 'L':
          return same(key, "Links") ? f::links : f::none;
        case 'E':
          return same(key, "Email") ? f::email : f::none;
      }
      return f::none;
    case 6:
      switch (key[0]) {
        case 'U':
          return same(key, "UserId") ? f::user_id : f::none;
        case 'A':
          return same(key, "Action") ? f::action : f::none;
        case 'S':
          return same(key, "Status") ? f::status : f::none;
      }
      return f::none;
    case 9:
      return same(key, "SessionId") ? f::session_id : f::none;
    case 10:
      switch (key[0]) {
        case 'A':
          return same(key, "ActionType") ? f::action_type : f::none;
        case 'R':
          return same(key, "Recipients") ? f::recipients : f::none;
        case 'D':
          return same(key, "DetailsUrl") ? f::details_url : f::none;
      }
      return f::none;
    case 12:
      switch (key[0]) {
        case 'U':
          return same(key, "UserIdGlobal") ? f::user_id_global : f::none;
        case 'P':
          return same(key, "Participants") ? f::participants : f::none;
        case 'T':
          return same(key, "TotalContent") ? f::total_content : f::none;
      }
      return f::none;
    case 13:
      switch (key[0]) {
        case 'I':
          return same(key, "InteractionId") ? f::interaction_id : f::none;
        case 'C':
          return same(key, "ClientDetails") ? f::client_details : f::none;
      }
      return f::none;
    case 14:
      return same(key, "SessionEndedAt") ? f::session_ended_at : f::none;
    case 15:
      return same(key, "ContentSessions") ? f::content_sessions : f::none;
    case 16:
      switch (key[0]) {
        case 'D':
          return same(key, "DeliveryOptionId") ? f::delivery_option_id : f::none;
        case 'I':
          return same(key, "InteractionGroup") ? f::interaction_group : f::none;
        case 'S':
          return same(key, "SessionStartedAt") ? f::session_started_at : f::none;
      }
      return f::none;
    case 18:
      switch (key[0]) {
        case 'D':
          return same(key, "DeliveryOptionName") ? f::delivery_option_name : f::none;
        case 'T':
          return same(key, "TotalContentViewed") ? f::total_content_viewed : f::none;
      }
      return f::none;
    case 19:
      return same(key, "InteractionIdGlobal") ? f::interaction_id_global : f::none;
    case 20:
      return same(key, "TotalDurationSeconds") ? f::total_duration_seconds : f::none;
    case 21:
      return same(key, "InteractionOccurredAt") ? f::interaction_occurred_at : f::none;
    case 22:
      switch (key[0]) {
        case 'D':
          return same(key, "DeliveryOptionIdGlobal") ? f::delivery_option_id_global : f::none;
        case 'L':
          return same(key, "LivesendSessionSummary") ? f::livesend_session_summary : f::none;
        case 'T':
          return same(key, "TotalContentDownloaded") ? f::total_content_downloaded : f::none;
      }
      return f::none;
    case 26:
      return same(key, "LandingPageDurationSeconds") ? f::landing_page_duration_seconds : f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_data<S>& out) {
  using f = data_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = data_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, data_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::interaction_id:
        ok = get(value, out.interaction_id);
        break;
      case f::delivery_option_name:
        ok = get(value, out.delivery_option_name);
        break;
      case f::interaction_occurred_at:
        ok = get(value, out.interaction_occurred_at);
        break;
      case f::delivery_option_id_global:
        ok = get(value, out.delivery_option_id_global);
        break;
      case f::delivery_option_id:
        ok = get(value, out.delivery_option_id);
        break;
      case f::user_id:
        ok = get(value, out.user_id);
        break;
      case f::interaction_id_global:
        ok = get(value, out.interaction_id_global);
        break;
      case f::action_type:
        ok = get(value, out.action_type);
        break;
      case f::client_details:
        ok = get(value, out.client_details);
        break;
      case f::recipients:
        ok = get(value, out.recipients);
        break;
      case f::interaction_group:
        ok = get(value, out.interaction_group);
        break;
      case f::action:
        ok = get(value, out.action);
        break;
      case f::links:
        ok = get(value, out.links);
        break;
      case f::user_id_global:
        ok = get(value, out.user_id_global);
        break;
      case f::email:
        ok = get(value, out.email);
        break;
      case f::status:
        ok = get(value, out.status);
        break;
      case f::livesend_session_summary:
        ok = get(value, out.livesend_session_summary);
        break;
      case f::content_sessions:
        ok = get(value, out.content_sessions);
        break;
      case f::details_url:
        ok = get(value, out.details_url);
        break;
      case f::participants:
        ok = get(value, out.participants);
        break;
      case f::session_ended_at:
        ok = get(value, out.session_ended_at);
        break;
      case f::session_id:
        ok = get(value, out.session_id);
        break;
      case f::session_started_at:
        ok = get(value, out.session_started_at);
        break;
      case f::total_content:
        ok = get(value, out.total_content);
        break;
      case f::total_content_downloaded:
        ok = get(value, out.total_content_downloaded);
        break;
      case f::total_content_viewed:
        ok = get(value, out.total_content_viewed);
        break;
      case f::total_duration_seconds:
        ok = get(value, out.total_duration_seconds);
        break;
      case f::landing_page_duration_seconds:
        ok = get(value, out.landing_page_duration_seconds);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required =
      bit(f::interaction_id) | bit(f::interaction_occurred_at) | bit(f::client_details) |
      bit(f::livesend_session_summary) | bit(f::content_sessions) | bit(f::details_url) |
      bit(f::participants) | bit(f::session_ended_at) | bit(f::session_id) |
      bit(f::session_started_at) | bit(f::total_content) | bit(f::total_content_downloaded) |
      bit(f::total_content_viewed) | bit(f::total_duration_seconds) |
      bit(f::landing_page_duration_seconds);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::delivery_option_name))) out.delivery_option_name.reset();
  if (!(seen & bit(f::delivery_option_id_global))) out.delivery_option_id_global.reset();
  if (!(seen & bit(f::delivery_option_id))) out.delivery_option_id.reset();
  if (!(seen & bit(f::user_id))) out.user_id.reset();
  if (!(seen & bit(f::interaction_id_global))) out.interaction_id_global.reset();
  if (!(seen & bit(f::action_type))) out.action_type.reset();
  if (!(seen & bit(f::recipients))) out.recipients.reset();
  if (!(seen & bit(f::interaction_group))) out.interaction_group.reset();
  if (!(seen & bit(f::action))) out.action.reset();
  if (!(seen & bit(f::links))) out.links.reset();
  if (!(seen & bit(f::user_id_global))) out.user_id_global.reset();
  if (!(seen & bit(f::email))) out.email.reset();
  if (!(seen & bit(f::status))) out.status.reset();
  return true;
}

template <class S>
bool get(od::value& v, livesend::basic_data<S>& out) {
  od::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) return false;
  return get_fields(object, out);
}

// ---- event ---------------------------------------------------------------------------------
enum class event_field {
  application,
  data,
  id,
  version,
  occurred_at,
  tenant_id,
  tenant_name,
  product_area,
  none
};
inline constexpr std::string_view event_keys[] = {
    "application", "data", "id", "version", "occurredAt", "tenantId", "tenantName", "productArea"};

/// The field a raw key names: its length, then one byte, then one compare.
inline event_field event_key(const char* key, std::size_t length) noexcept {
  using f = event_field;
  switch (length) {
    case 2:
      return same(key, "id") ? f::id : f::none;
    case 4:
      return same(key, "data") ? f::data : f::none;
    case 7:
      return same(key, "version") ? f::version : f::none;
    case 8:
      return same(key, "tenantId") ? f::tenant_id : f::none;
    case 10:
      switch (key[0]) {
        case 'o':
          return same(key, "occurredAt") ? f::occurred_at : f::none;
        case 't':
          return same(key, "tenantName") ? f::tenant_name : f::none;
      }
      return f::none;
    case 11:
      switch (key[0]) {
        case 'a':
          return same(key, "application") ? f::application : f::none;
        case 'p':
          return same(key, "productArea") ? f::product_area : f::none;
      }
      return f::none;
  }
  return f::none;
}

template <class S>
bool get_fields(od::object& object, livesend::basic_event<S>& out) {
  using f = event_field;
  std::uint64_t seen = 0;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    f which = f::none;
    const char* raw = field.key().raw();
    if (const std::size_t length = raw_key_length(raw)) which = event_key(raw, length);
    if (which == f::none) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
      which = static_cast<f>(find_key_ignoring_case(key, event_keys));
      if (which == f::none) continue;  // an unknown key: its value is skipped
    }
    seen |= bit(which);
    od::value& value = field.value();
    bool ok = false;
    switch (which) {
      case f::application:
        ok = get(value, out.application);
        break;
      case f::data:
        ok = get(value, out.data);
        break;
      case f::id:
        ok = get(value, out.id);
        break;
      case f::version:
        ok = get(value, out.version);
        break;
      case f::occurred_at:
        ok = get(value, out.occurred_at);
        break;
      case f::tenant_id:
        ok = get(value, out.tenant_id);
        break;
      case f::tenant_name:
        ok = get(value, out.tenant_name);
        break;
      case f::product_area:
        ok = get(value, out.product_area);
        break;
      case f::none:
        break;
    }
    if (!ok) return false;
  }
  constexpr std::uint64_t required = bit(f::application) | bit(f::data) | bit(f::id) |
                                     bit(f::version) | bit(f::occurred_at) | bit(f::tenant_id) |
                                     bit(f::tenant_name);
  if ((seen & required) != required) return false;
  if (!(seen & bit(f::product_area))) out.product_area.reset();
  return true;
}

}  // namespace ondemand_mapping_detail

/// The mapping with its reused simdjson parser: one per thread, like livesend::parser.
class ondemand_mapping {
 public:
  /// Reads one event from a padded record into `out` (owning or view); false when it cannot.
  template <class S>
  bool parse(simdjson::padded_string_view json, livesend::basic_event<S>& out) {
    namespace od = simdjson::ondemand;
    od::document doc;
    if (parser_.iterate(json).get(doc) != simdjson::SUCCESS) return false;
    od::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS) return false;
    if (!ondemand_mapping_detail::get_fields(object, out)) return false;
    // Nothing may follow the event (simdjson 3.0 has no document::at_end(): a location there is).
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) return false;
    return out.version == livesend::version_v3 || out.version == livesend::version_enriched_v3;
  }

 private:
  simdjson::ondemand::parser parser_;
};

}  // namespace bench
