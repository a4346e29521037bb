// tests/test_parse.cpp: parse.hpp on the seed fixture: every field, both flavours, the entry
// points and the parser's reuse.
#include "livesend/parse.hpp"

#include <string>

#include "catch.hpp"
#include "support.hpp"

using livesend::timestamp;

namespace {

timestamp ts(std::string_view text) {
  auto r = livesend::parse_timestamp(text);
  REQUIRE(r.has_value());
  return *r;
}

// Every field of the seed, for either flavour.
template <class S>
void check_seed(const livesend::basic_event<S>& ev) {
  CHECK(ev.application == "Web");
  CHECK(ev.id == "e40bbaab-f86e-e62b-d3c9-5104734edb18");
  CHECK(ev.version == "livesend-session-summary-v3");
  CHECK(ev.occurred_at == ts("2024-07-14T14:03:52.679592Z"));
  CHECK(ev.occurred_at.unix_micros() == 1720965832679592);
  CHECK(ev.tenant_id == "79caac86-4242-401f-bf63-4505f609dd22");
  CHECK(ev.tenant_name == "demo");
  REQUIRE(ev.product_area.has_value());
  CHECK(*ev.product_area == "Livesend");

  const auto& d = ev.data;
  CHECK(d.interaction_id == "89214603-0be5-4f78-86e3-fba72bdef6c3");
  CHECK_FALSE(d.delivery_option_name.has_value());
  CHECK(d.interaction_occurred_at.is_unset());  // "0001-01-01T00:00:00"
  CHECK_FALSE(d.delivery_option_id_global.has_value());
  CHECK_FALSE(d.delivery_option_id.has_value());
  CHECK_FALSE(d.user_id.has_value());
  CHECK_FALSE(d.interaction_id_global.has_value());
  CHECK_FALSE(d.action_type.has_value());
  CHECK_FALSE(d.recipients.has_value());
  CHECK_FALSE(d.interaction_group.has_value());
  CHECK_FALSE(d.action.has_value());
  CHECK_FALSE(d.links.has_value());
  CHECK_FALSE(d.user_id_global.has_value());
  CHECK_FALSE(d.email.has_value());
  CHECK_FALSE(d.status.has_value());
  CHECK(d.details_url == "");
  CHECK(d.session_ended_at == ts("2024-07-14T14:03:45Z"));  // "07/14/2024 14:03:45"
  CHECK(d.session_id == "3c7327f5-a699-45fc-823e-7e4bf6eef271");
  CHECK(d.session_started_at == ts("2024-07-14T13:47:38Z"));
  CHECK(d.total_content == 1);
  CHECK(d.total_content_downloaded == 0);
  CHECK(d.total_content_viewed == 0);
  CHECK(d.total_duration_seconds == 966);
  CHECK(d.landing_page_duration_seconds == 0);

  const auto& c = d.client_details;
  CHECK(c.browser == "edge");
  CHECK(c.browser_version == "Edge.126.0.0");
  CHECK(c.city == "Charlotte");
  CHECK(c.country == "United States");
  CHECK(c.device_type == "pc");
  CHECK(c.ip_address == "");
  CHECK_FALSE(c.locale.has_value());
  CHECK(c.operating_system == "windows");
  CHECK(c.operating_system_version == "Windows 11");
  CHECK(c.product_area == "livesendviewer");
  CHECK_FALSE(c.application.has_value());
  CHECK(c.session_id == "3c7327f5-a699-42fc-823e-7e4bf6eef271");
  CHECK(c.geolocation_latitude == 15.2316);
  CHECK(c.geolocation_longitude == -10.8428);
  CHECK(c.state == "North Carolina");
  CHECK(c.application_type == "unknown");

  const auto& link = d.livesend_session_summary.link;
  CHECK_FALSE(d.livesend_session_summary.tracking_parameters.has_value());
  CHECK(link.allow_download == false);
  CHECK(link.download_formats_setting.empty());
  REQUIRE(link.content.size() == 1);
  {
    const auto& ct = link.content[0];
    CHECK_FALSE(ct.id.has_value());
    CHECK_FALSE(ct.id_global.has_value());
    CHECK(ct.name == S("Demo Content"));
    CHECK_FALSE(ct.pages.has_value());
    CHECK_FALSE(ct.quick_access_path.has_value());
    CHECK(ct.repository == S("doccenter"));
    CHECK(ct.total_pages == 0);
    CHECK(ct.type == S("file"));
    CHECK_FALSE(ct.version_id.has_value());
    CHECK_FALSE(ct.version_id_global.has_value());
    REQUIRE(ct.library_content.has_value());
    CHECK(ct.library_content->id == S("dec49f1b-f423-48d8-9b33-23a9c79e8abd"));
    CHECK_FALSE(ct.library_content->id_global.has_value());
    CHECK(ct.library_content->teamsite_id == S("b9c95f7d-1822-4a68-8372-b61dd4635dfc"));
    CHECK_FALSE(ct.library_content->teamsite_id_global.has_value());
    CHECK(ct.library_content->version_id == S("5a7fa5ec-f49c-45c3-878d-433b382f56fc"));
    CHECK_FALSE(ct.library_content->version_id_global.has_value());
    CHECK(ct.content_profile_id == S("32e410ed-f546-42a0-b87a-7d7cd4faad86"));
    REQUIRE(ct.content_profile_path.has_value());
    REQUIRE(ct.content_profile_path->size() == 1);
    CHECK((*ct.content_profile_path)[0] == "ADP GlobalView Payroll");
  }
  CHECK(link.is_landing_page_customized == false);
  CHECK(link.is_livesend_experience == false);
  CHECK(link.created_at == ts("2024-07-11T01:29:58.898593Z"));
  CHECK(link.created_by == "1dc45f37-e35f-4fc9-8d36-9dd02339bd89");
  CHECK(link.expires_at == ts("2025-07-11T00:00:00Z"));
  CHECK(link.has_password == false);
  CHECK(link.id == "c070ee8a-9a21-0972-dc87-2c95f141561c");
  CHECK(link.is_live == true);
  CHECK(link.is_separate_send == true);
  CHECK(link.modified_at.is_unset());  // "0001-01-01T00:00:00Z"
  CHECK(link.normalized_id == "c070ee8a-9a21-0972-dc87-2c95f141561c");
  CHECK(link.notification_mode == "summary");
  CHECK(link.tags.json == "[]");
  CHECK(link.url_path == "");
  CHECK_FALSE(link.download_formats.has_value());
  CHECK_FALSE(link.id_global.has_value());
  CHECK_FALSE(link.normalized_id_global.has_value());

  REQUIRE(d.content_sessions.size() == 1);
  const auto& cs = d.content_sessions[0];
  REQUIRE(cs.pages.size() == 1);
  CHECK(cs.pages[0].duration_milliseconds == 0);
  CHECK_FALSE(cs.pages[0].started_at.has_value());
  CHECK_FALSE(cs.pages[0].ended_at.has_value());
  CHECK(cs.pages[0].page_index == 1);
  CHECK(cs.pages[0].thumbnail_image_url == "");
  CHECK(cs.total_pages == 1);
  CHECK(cs.total_pages_viewed == 0);
  CHECK(cs.id == "4ce059a8-88bc-7825-ab0c-24173a97ef70");
  CHECK(cs.content.name == S("Demo Content"));
  CHECK(cs.content.repository == S("doccenter"));
  CHECK(cs.content.total_pages == 0);
  CHECK(cs.content.type == S("file"));
  REQUIRE(cs.content.library_content.has_value());
  CHECK(cs.content.library_content->id == S("dec49f1b-f421-48d8-9b33-23a9c79e8abd"));
  CHECK(cs.content.library_content->teamsite_id == S("b9c15f7d-1822-4a68-8372-b61dd4635dfc"));
  CHECK(cs.content.library_content->version_id == S("5a1fa5ec-f49c-45c3-878d-433b382f56fc"));
  REQUIRE(cs.content.content_profile_path.has_value());
  REQUIRE(cs.content.content_profile_path->size() == 1);
  CHECK((*cs.content.content_profile_path)[0] == "Demo Content");
  CHECK(cs.download_count == 0);
  CHECK(cs.duration_seconds == 0);
  CHECK(cs.session_ended_at == ts("2024-07-14T14:03:45Z"));
  CHECK(cs.session_started_at == ts("2024-07-14T13:47:38Z"));
  CHECK(cs.session_type == "pages");
  CHECK(cs.was_downloaded == false);
  CHECK(cs.was_viewed == false);
  CHECK_FALSE(cs.download_formats.has_value());

  REQUIRE(d.participants.size() == 1);
  const auto& p = d.participants[0];
  CHECK(p.context.json == "[]");
  CHECK(p.interaction_id == "89294603-0be5-4f78-86e3-fba72bdef6c3");
  CHECK(p.email == "[email protected]");
  CHECK_FALSE(p.user_id.has_value());
  CHECK(p.user_type == "Buyer");
  CHECK(p.user_login_type == "Seismic");
}

}  // namespace

TEST_CASE("the seed fixture, owning flavour: every field", "[parse][seed]") {
  livesend::parser parser;
  livesend::event ev;
  const auto err = parser.parse(test::seed(), ev);
  INFO(err.to_string());
  REQUIRE(err.ok());
  check_seed(ev);
}

TEST_CASE("the seed fixture, view flavour: every field", "[parse][seed]") {
  livesend::parser parser;
  livesend::event_view ev;
  const auto err = parser.parse(test::seed(), ev);
  INFO(err.to_string());
  REQUIRE(err.ok());
  check_seed(ev);
}

TEST_CASE("owning and view give the same values", "[parse][flavours]") {
  livesend::parser owning_parser;
  livesend::parser view_parser;
  livesend::event owned;
  livesend::event_view view;
  REQUIRE(owning_parser.parse(test::seed(), owned).ok());
  REQUIRE(view_parser.parse(test::seed(), view).ok());
  CHECK(livesend::to_owning(view) == owned);
  livesend::event assigned;
  livesend::assign(assigned, view);
  CHECK(assigned == owned);
}

TEST_CASE("every entry point reads the seed alike", "[parse][api]") {
  livesend::parser parser;
  livesend::event by_view;
  REQUIRE(parser.parse(std::string_view(test::seed()), by_view).ok());

  const simdjson::padded_string padded(test::seed());
  livesend::event by_padded;
  REQUIRE(parser.parse(padded, by_padded).ok());
  CHECK(by_padded == by_view);

  livesend::event by_padded_view;
  REQUIRE(parser.parse(simdjson::padded_string_view(padded), by_padded_view).ok());
  CHECK(by_padded_view == by_view);

  auto one_shot = livesend::parse_event(test::seed());
  REQUIRE(one_shot.has_value());
  CHECK(*one_shot == by_view);

  auto by_result = parser.parse(test::seed());
  REQUIRE(by_result);
  CHECK(by_result.value() == by_view);

  CHECK(livesend::parse_or_throw(test::seed()) == by_view);
  CHECK_THROWS_AS(livesend::parse_or_throw("{}"), livesend::parse_error);
  try {
    (void)livesend::parse_or_throw("[]");
  } catch (const livesend::parse_error& e) {
    CHECK(e.error().code() == livesend::error_code::not_an_object);
  }
}

TEST_CASE("a parser reused across events resets what the next event lacks", "[parse][reuse]") {
  livesend::parser parser;
  livesend::event ev;
  const std::string rich =
      test::replace_once(test::seed_with("\"Email\": null", "\"Email\": \"[email protected]\""),
                         "\"ContentSessions\": [",
                         "\"ContentSessions\": [" + test::minified(R"({
        "Pages": [{"DurationMilliseconds": 5, "PageIndex": 1, "ThumbnailImageUrl": "u"},
                  {"DurationMilliseconds": 6, "PageIndex": 2, "ThumbnailImageUrl": "v"}],
        "TotalPages": 2, "TotalPagesViewed": 2, "Id": "x", "Content": {},
        "DownloadCount": 1, "DurationSeconds": 3, "SessionEndedAt": "2024-07-14T14:03:45Z",
        "SessionStartedAt": "2024-07-14T13:47:38Z", "SessionType": "pages",
        "WasDownloaded": true, "WasViewed": true, "DownloadFormats": ["pdf"]})") +
                             ",");
  REQUIRE(parser.parse(rich, ev).ok());
  REQUIRE(ev.data.email == std::optional<std::string>("[email protected]"));
  REQUIRE(ev.data.content_sessions.size() == 2);
  CHECK(ev.data.content_sessions[0].pages.size() == 2);
  CHECK(ev.data.content_sessions[0].download_formats.has_value());

  REQUIRE(parser.parse(test::seed(), ev).ok());
  check_seed(ev);  // nothing of the richer event is left behind

  livesend::event fresh;
  REQUIRE(parser.parse(test::seed(), fresh).ok());
  CHECK(ev == fresh);
}

TEST_CASE("a failed parse leaves an error, not a crash, and the parser works after",
          "[parse][reuse]") {
  livesend::parser parser;
  livesend::event ev;
  CHECK(parser.parse(std::string_view("{\"a\":"), ev).code() == livesend::error_code::syntax_error);
  CHECK(parser.parse(test::seed(), ev).ok());
  check_seed(ev);
}

TEST_CASE("the input-size limit", "[parse][limits]") {
  livesend::parse_options options;
  options.max_input_size = 100;
  livesend::parser parser(options);
  livesend::event ev;
  const auto err = parser.parse(test::seed(), ev);
  CHECK(err.code() == livesend::error_code::input_too_large);
  CHECK(err.path().empty());
  CHECK(err.message().find("limit of 100") != std::string::npos);
}
