// livesend/model.hpp: the value types of livesend-session-summary-v3, in two flavours from one
// definition, and the one table per type that spells each member's JSON key.
//
// Every type is a template over its string type:
// - `std::string` gives the owning flavour (`event`, `page`, ...): safe to keep and move.
// - `std::string_view` gives the borrowed view (`event_view`, `page_view`, ...): zero-copy; its
//   strings point into the parser's buffers and into the input, and stay valid until that parser
//   parses again (and while the input lives).
// `to_owning(view)` turns a view into an owning value.
//
// Threads: the values are plain data (no shared state): a value may be read from many threads
// at once, and written by one at a time, like a std::vector.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "livesend/detail/json_text.hpp"
#include "livesend/detail/schema.hpp"
#include "livesend/timestamp.hpp"

namespace livesend {

/// A JSON value the contract does not model (`raw` fields): its JSON text, kept as it appeared
/// in the input (without surrounding whitespace), so nothing is lost. Two raw values are equal
/// when their texts are equal once whitespace outside strings is ignored.
template <class String>
struct basic_raw_json {
  String json;  ///< the value's JSON text, e.g. `[]` or `{"a":1}`
};
using raw_json = basic_raw_json<std::string>;
using raw_json_view = basic_raw_json<std::string_view>;

/// `Content.LibraryContent`. The vendor does not document it: every member is optional.
template <class String>
struct basic_library_content {
  std::optional<String> id;
  std::optional<String> id_global;
  std::optional<String> teamsite_id;
  std::optional<String> teamsite_id_global;
  std::optional<String> version_id;
  std::optional<String> version_id_global;
};

/// An item of `Link.Content[]` and `ContentSession.Content`. Every member is optional.
template <class String>
struct basic_content {
  std::optional<String> id;
  std::optional<String> id_global;
  std::optional<String> name;
  std::optional<basic_raw_json<String>> pages;
  std::optional<String> quick_access_path;
  std::optional<String> repository;
  std::optional<std::int64_t> total_pages;
  std::optional<String> type;
  std::optional<String> version_id;
  std::optional<String> version_id_global;
  std::optional<basic_library_content<String>> library_content;
  std::optional<String> content_profile_id;
  std::optional<std::vector<String>> content_profile_path;
};

/// `LivesendSessionSummary.Link`: the LiveSend link the viewer opened.
template <class String>
struct basic_link {
  bool allow_download = false;
  std::vector<String> download_formats_setting;
  std::vector<basic_content<String>> content;
  bool is_landing_page_customized = false;
  bool is_livesend_experience = false;
  timestamp created_at;
  String created_by;
  timestamp expires_at;
  bool has_password = false;
  String id;
  bool is_live = false;
  bool is_separate_send = false;
  timestamp modified_at;
  String normalized_id;
  String notification_mode;
  basic_raw_json<String> tags;
  String url_path;
  std::optional<basic_raw_json<String>> download_formats;
  std::optional<String> id_global;
  std::optional<String> normalized_id_global;
};

/// `data.LivesendSessionSummary`.
template <class String>
struct basic_session_summary {
  basic_link<String> link;
  std::optional<basic_raw_json<String>> tracking_parameters;
};

/// `data.ClientDetails`: the viewer's device and place.
template <class String>
struct basic_client_details {
  String browser;
  String browser_version;
  String city;
  String country;
  String device_type;
  String ip_address;
  std::optional<String> locale;
  String operating_system;
  String operating_system_version;
  String product_area;
  std::optional<String> application;
  String session_id;
  double geolocation_latitude = 0;
  double geolocation_longitude = 0;
  String state;
  String application_type;
};

/// An item of `ContentSession.Pages[]`: one page the viewer looked at.
template <class String>
struct basic_page {
  std::int64_t duration_milliseconds = 0;
  std::optional<timestamp> started_at;  ///< null, absent or DateTime.MinValue: no value
  std::optional<timestamp> ended_at;    ///< null, absent or DateTime.MinValue: no value
  std::int64_t page_index = 0;
  String thumbnail_image_url;
};

/// An item of `data.ContentSessions[]`: one content item the viewer opened.
template <class String>
struct basic_content_session {
  std::vector<basic_page<String>> pages;
  std::int64_t total_pages = 0;
  std::int64_t total_pages_viewed = 0;
  String id;
  basic_content<String> content;
  std::int64_t download_count = 0;
  std::int64_t duration_seconds = 0;
  timestamp session_ended_at;
  timestamp session_started_at;
  String session_type;
  bool was_downloaded = false;
  bool was_viewed = false;
  std::optional<basic_raw_json<String>> download_formats;
};

/// An item of `data.Participants[]`: a viewer.
template <class String>
struct basic_participant {
  basic_raw_json<String> context;
  String interaction_id;
  String email;
  std::optional<String> user_id;
  String user_type;
  String user_login_type;
};

/// The event's `data` object.
template <class String>
struct basic_data {
  String interaction_id;
  std::optional<String> delivery_option_name;
  timestamp interaction_occurred_at;
  std::optional<String> delivery_option_id_global;
  std::optional<String> delivery_option_id;
  std::optional<String> user_id;
  std::optional<String> interaction_id_global;
  std::optional<String> action_type;
  basic_client_details<String> client_details;
  std::optional<basic_raw_json<String>> recipients;
  std::optional<String> interaction_group;
  std::optional<String> action;
  std::optional<basic_raw_json<String>> links;
  std::optional<String> user_id_global;
  std::optional<String> email;
  std::optional<String> status;
  basic_session_summary<String> livesend_session_summary;
  std::vector<basic_content_session<String>> content_sessions;
  String details_url;
  std::vector<basic_participant<String>> participants;
  timestamp session_ended_at;
  String session_id;
  timestamp session_started_at;
  std::int64_t total_content = 0;
  std::int64_t total_content_downloaded = 0;
  std::int64_t total_content_viewed = 0;
  std::int64_t total_duration_seconds = 0;
  std::int64_t landing_page_duration_seconds = 0;
};

/// The webhook event: the wrapper around `data`.
template <class String>
struct basic_event {
  String application;
  basic_data<String> data;
  String id;       ///< the delivery's dedupe key (Seismic delivers at least once)
  String version;  ///< `livesend-session-summary-v3` or `livesend-session-summary-enriched-v3`
  timestamp occurred_at;
  String tenant_id;
  String tenant_name;
  std::optional<String> product_area;
};

using library_content = basic_library_content<std::string>;
using content = basic_content<std::string>;
using link = basic_link<std::string>;
using session_summary = basic_session_summary<std::string>;
using client_details = basic_client_details<std::string>;
using page = basic_page<std::string>;
using content_session = basic_content_session<std::string>;
using participant = basic_participant<std::string>;
using data = basic_data<std::string>;
using event = basic_event<std::string>;

using library_content_view = basic_library_content<std::string_view>;
using content_view = basic_content<std::string_view>;
using link_view = basic_link<std::string_view>;
using session_summary_view = basic_session_summary<std::string_view>;
using client_details_view = basic_client_details<std::string_view>;
using page_view = basic_page<std::string_view>;
using content_session_view = basic_content_session<std::string_view>;
using participant_view = basic_participant<std::string_view>;
using data_view = basic_data<std::string_view>;
using event_view = basic_event<std::string_view>;

/// The two `version` values this library reads.
inline constexpr std::string_view version_v3 = "livesend-session-summary-v3";
inline constexpr std::string_view version_enriched_v3 = "livesend-session-summary-enriched-v3";

/// The rule of `version` (`allowed<version_values>` in its schema row): the two values above;
/// any other is `unsupported_version`.
inline constexpr value_list<2> version_values = {{version_v3, version_enriched_v3},
                                                 error_code::unsupported_version};

// ---------------------------------------------------------------------------------------------
// The schema: one table per type, the only place where JSON keys are spelled, and where each
// field's rules are (`field_def`, `field`, the rules and the primary template `schema<T>` are in
// detail/schema.hpp):
// - personal data (masked by write_json with write_options::redact): the e-mail addresses
//   (`data.Email`, `Participants[].Email`), the viewer's IP address (`ClientDetails.IpAddress`),
//   the precise coordinates (`ClientDetails.GeolocationLatitude`/`Longitude`), and every raw
//   value, as the contract does not model them and any may hold addresses (`Recipients`,
//   `Participants[].Context`, `Links`, `TrackingParameters`, `Tags`, `DownloadFormats`, `Pages`);
// - allowed values: `version` (version_values).
// ---------------------------------------------------------------------------------------------

template <class S>
struct schema<basic_library_content<S>> {
  using T = basic_library_content<S>;
  static constexpr std::string_view name = "LibraryContent";
  static constexpr auto fields = std::make_tuple(
      field("Id", &T::id), field("IdGlobal", &T::id_global), field("TeamsiteId", &T::teamsite_id),
      field("TeamsiteIdGlobal", &T::teamsite_id_global), field("VersionId", &T::version_id),
      field("VersionIdGlobal", &T::version_id_global));
};

template <class S>
struct schema<basic_content<S>> {
  using T = basic_content<S>;
  static constexpr std::string_view name = "Content";
  static constexpr auto fields = std::make_tuple(
      field("Id", &T::id), field("IdGlobal", &T::id_global), field("Name", &T::name),
      field("Pages", &T::pages, personal::raw), field("QuickAccessPath", &T::quick_access_path),
      field("Repository", &T::repository), field("TotalPages", &T::total_pages),
      field("Type", &T::type), field("VersionId", &T::version_id),
      field("VersionIdGlobal", &T::version_id_global), field("LibraryContent", &T::library_content),
      field("ContentProfileId", &T::content_profile_id),
      field("ContentProfilePath", &T::content_profile_path));
};

template <class S>
struct schema<basic_link<S>> {
  using T = basic_link<S>;
  static constexpr std::string_view name = "Link";
  static constexpr auto fields = std::make_tuple(
      field("AllowDownload", &T::allow_download),
      field("DownloadFormatsSetting", &T::download_formats_setting), field("Content", &T::content),
      field("IsLandingPageCustomized", &T::is_landing_page_customized),
      field("IsLivesendExperience", &T::is_livesend_experience), field("CreatedAt", &T::created_at),
      field("CreatedBy", &T::created_by), field("ExpiresAt", &T::expires_at),
      field("HasPassword", &T::has_password), field("Id", &T::id), field("IsLive", &T::is_live),
      field("IsSeparateSend", &T::is_separate_send), field("ModifiedAt", &T::modified_at),
      field("NormalizedId", &T::normalized_id), field("NotificationMode", &T::notification_mode),
      field("Tags", &T::tags, personal::raw), field("UrlPath", &T::url_path),
      field("DownloadFormats", &T::download_formats, personal::raw),
      field("IdGlobal", &T::id_global), field("NormalizedIdGlobal", &T::normalized_id_global));
};

template <class S>
struct schema<basic_session_summary<S>> {
  using T = basic_session_summary<S>;
  static constexpr std::string_view name = "SessionSummary";
  static constexpr auto fields = std::make_tuple(
      field("Link", &T::link), field("TrackingParameters", &T::tracking_parameters, personal::raw));
};

template <class S>
struct schema<basic_client_details<S>> {
  using T = basic_client_details<S>;
  static constexpr std::string_view name = "ClientDetails";
  static constexpr auto fields = std::make_tuple(
      field("Browser", &T::browser), field("BrowserVersion", &T::browser_version),
      field("City", &T::city), field("Country", &T::country), field("DeviceType", &T::device_type),
      field("IpAddress", &T::ip_address, personal::ip_address), field("Locale", &T::locale),
      field("OperatingSystem", &T::operating_system),
      field("OperatingSystemVersion", &T::operating_system_version),
      field("ProductArea", &T::product_area), field("Application", &T::application),
      field("SessionId", &T::session_id),
      field("GeolocationLatitude", &T::geolocation_latitude, personal::coordinate),
      field("GeolocationLongitude", &T::geolocation_longitude, personal::coordinate),
      field("State", &T::state), field("ApplicationType", &T::application_type));
};

template <class S>
struct schema<basic_page<S>> {
  using T = basic_page<S>;
  static constexpr std::string_view name = "Page";
  static constexpr auto fields = std::make_tuple(
      field("DurationMilliseconds", &T::duration_milliseconds), field("StartedAt", &T::started_at),
      field("EndedAt", &T::ended_at), field("PageIndex", &T::page_index),
      field("ThumbnailImageUrl", &T::thumbnail_image_url));
};

template <class S>
struct schema<basic_content_session<S>> {
  using T = basic_content_session<S>;
  static constexpr std::string_view name = "ContentSession";
  static constexpr auto fields = std::make_tuple(
      field("Pages", &T::pages), field("TotalPages", &T::total_pages),
      field("TotalPagesViewed", &T::total_pages_viewed), field("Id", &T::id),
      field("Content", &T::content), field("DownloadCount", &T::download_count),
      field("DurationSeconds", &T::duration_seconds), field("SessionEndedAt", &T::session_ended_at),
      field("SessionStartedAt", &T::session_started_at), field("SessionType", &T::session_type),
      field("WasDownloaded", &T::was_downloaded), field("WasViewed", &T::was_viewed),
      field("DownloadFormats", &T::download_formats, personal::raw));
};

template <class S>
struct schema<basic_participant<S>> {
  using T = basic_participant<S>;
  static constexpr std::string_view name = "Participant";
  static constexpr auto fields = std::make_tuple(
      field("Context", &T::context, personal::raw), field("InteractionId", &T::interaction_id),
      field("Email", &T::email, personal::email), field("UserId", &T::user_id),
      field("UserType", &T::user_type), field("UserLoginType", &T::user_login_type));
};

template <class S>
struct schema<basic_data<S>> {
  using T = basic_data<S>;
  static constexpr std::string_view name = "Data";
  static constexpr auto fields = std::make_tuple(
      field("InteractionId", &T::interaction_id),
      field("DeliveryOptionName", &T::delivery_option_name),
      field("InteractionOccurredAt", &T::interaction_occurred_at),
      field("DeliveryOptionIdGlobal", &T::delivery_option_id_global),
      field("DeliveryOptionId", &T::delivery_option_id), field("UserId", &T::user_id),
      field("InteractionIdGlobal", &T::interaction_id_global), field("ActionType", &T::action_type),
      field("ClientDetails", &T::client_details),
      field("Recipients", &T::recipients, personal::raw),
      field("InteractionGroup", &T::interaction_group), field("Action", &T::action),
      field("Links", &T::links, personal::raw), field("UserIdGlobal", &T::user_id_global),
      field("Email", &T::email, personal::email), field("Status", &T::status),
      field("LivesendSessionSummary", &T::livesend_session_summary),
      field("ContentSessions", &T::content_sessions), field("DetailsUrl", &T::details_url),
      field("Participants", &T::participants), field("SessionEndedAt", &T::session_ended_at),
      field("SessionId", &T::session_id), field("SessionStartedAt", &T::session_started_at),
      field("TotalContent", &T::total_content),
      field("TotalContentDownloaded", &T::total_content_downloaded),
      field("TotalContentViewed", &T::total_content_viewed),
      field("TotalDurationSeconds", &T::total_duration_seconds),
      field("LandingPageDurationSeconds", &T::landing_page_duration_seconds));
};

template <class S>
struct schema<basic_event<S>> {
  using T = basic_event<S>;
  static constexpr std::string_view name = "Event";
  static constexpr auto fields =
      std::make_tuple(field("application", &T::application), field("data", &T::data),
                      field("id", &T::id), field("version", &T::version, allowed<version_values>),
                      field("occurredAt", &T::occurred_at), field("tenantId", &T::tenant_id),
                      field("tenantName", &T::tenant_name), field("productArea", &T::product_area));
};

namespace detail {

template <class M>
struct element_of {
  using type = M;
};
template <class M>
struct element_of<std::optional<M>> : element_of<M> {};
template <class M>
struct element_of<std::vector<M>> : element_of<M> {};

template <class T>
struct is_raw_json : std::false_type {};
template <class S>
struct is_raw_json<basic_raw_json<S>> : std::true_type {};

/// Does every rule of T's rows, and of the records inside, fit its member's type? An e-mail or
/// IP address is a str, a coordinate a num, `raw` a raw value; allowed values are for a str that
/// is not personal (an error quotes the value outside them).
template <class T>
constexpr bool rules_fit() noexcept {
  bool ok = true;
  for_each_field<T>([&](const auto& def) {
    using M = std::remove_reference_t<decltype(std::declval<T&>().*(def.member))>;
    using U = typename element_of<M>::type;
    constexpr bool is_str = std::is_same_v<U, std::string> || std::is_same_v<U, std::string_view>;
    switch (def.personal_kind) {
      case personal::none:
        break;
      case personal::email:
      case personal::ip_address:
        ok = ok && is_str;
        break;
      case personal::coordinate:
        ok = ok && std::is_same_v<U, double>;
        break;
      case personal::raw:
        ok = ok && is_raw_json<U>::value;
        break;
    }
    if (def.allowed_values_rule.count != 0) {
      ok = ok && is_str && !is_optional<M>::value && def.personal_kind == personal::none;
    }
    if constexpr (is_record_v<U>) ok = ok && rules_fit<U>();
  });
  return ok;
}

static_assert(rules_fit<basic_event<std::string>>() && rules_fit<basic_event<std::string_view>>(),
              "a schema row's rule does not fit its member's type");

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Equality and view -> owning conversion (the traits over the schema: detail/schema.hpp).
// ---------------------------------------------------------------------------------------------

namespace detail {

template <class T>
bool equal_values(const T& a, const T& b);

template <class S>
bool equal_values(const basic_raw_json<S>& a, const basic_raw_json<S>& b);

template <class T>
bool equal_values(const std::optional<T>& a, const std::optional<T>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || equal_values(*a, *b);
}

template <class T>
bool equal_values(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!equal_values(a[i], b[i])) return false;
  }
  return true;
}

template <class S>
bool equal_values(const basic_raw_json<S>& a, const basic_raw_json<S>& b) {
  return same_json_text(a.json, b.json);
}

template <class T>
bool equal_values(const T& a, const T& b) {
  if constexpr (is_record_v<T>) {
    bool same = true;
    for_each_field<T>(
        [&](const auto& def) { same = same && equal_values(a.*(def.member), b.*(def.member)); });
    return same;
  } else {
    return a == b;
  }
}

// View -> owning, into an existing value so that its capacity is reused.
inline void assign_owning(std::string& dst, std::string_view src) { dst.assign(src); }
template <class T,
          std::enable_if_t<std::is_arithmetic_v<T> || std::is_same_v<T, timestamp>, int> = 0>
void assign_owning(T& dst, const T& src) {
  dst = src;
}
template <class D, class S>
void assign_owning(basic_raw_json<D>& dst, const basic_raw_json<S>& src) {
  assign_owning(dst.json, src.json);
}
template <class D, class S>
void assign_owning(std::optional<D>& dst, const std::optional<S>& src);
template <class D, class S>
void assign_owning(std::vector<D>& dst, const std::vector<S>& src);
template <template <class> class R, std::enable_if_t<is_record_v<R<std::string>>, int> = 0>
void assign_owning(R<std::string>& dst, const R<std::string_view>& src);

template <class D, class S>
void assign_owning(std::optional<D>& dst, const std::optional<S>& src) {
  if (!src) {
    dst.reset();
    return;
  }
  if (!dst) dst.emplace();
  assign_owning(*dst, *src);
}

template <class D, class S>
void assign_owning(std::vector<D>& dst, const std::vector<S>& src) {
  dst.resize(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) assign_owning(dst[i], src[i]);
}

template <template <class> class R, std::size_t... I>
void assign_record(R<std::string>& dst, const R<std::string_view>& src, std::index_sequence<I...>) {
  (assign_owning(dst.*(std::get<I>(schema<R<std::string>>::fields).member),
                 src.*(std::get<I>(schema<R<std::string_view>>::fields).member)),
   ...);
}

template <template <class> class R, std::enable_if_t<is_record_v<R<std::string>>, int>>
void assign_owning(R<std::string>& dst, const R<std::string_view>& src) {
  assign_record(dst, src, std::make_index_sequence<field_count<R<std::string>>>{});
}

}  // namespace detail

/// Field-by-field equality of two values of the same record type. Raw JSON compares its text
/// with whitespace outside strings ignored.
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
bool operator==(const T& a, const T& b) {
  return detail::equal_values(a, b);
}
template <class T, std::enable_if_t<detail::is_record_v<T>, int> = 0>
bool operator!=(const T& a, const T& b) {
  return !detail::equal_values(a, b);
}
template <class S>
bool operator==(const basic_raw_json<S>& a, const basic_raw_json<S>& b) {
  return detail::equal_values(a, b);
}
template <class S>
bool operator!=(const basic_raw_json<S>& a, const basic_raw_json<S>& b) {
  return !detail::equal_values(a, b);
}

/// Copies a borrowed view into an owning value, reusing `dst`'s memory where it can (no heap
/// allocation when dst already holds strings and arrays at least as large).
template <template <class> class R, std::enable_if_t<detail::is_record_v<R<std::string>>, int> = 0>
void assign(R<std::string>& dst, const R<std::string_view>& src) {
  detail::assign_owning(dst, src);
}

/// A new owning value with the same content as the view.
template <template <class> class R, std::enable_if_t<detail::is_record_v<R<std::string>>, int> = 0>
R<std::string> to_owning(const R<std::string_view>& src) {
  R<std::string> dst;
  detail::assign_owning(dst, src);
  return dst;
}

}  // namespace livesend
