// fuzz/fuzz_event.cpp: one event from arbitrary bytes, read with both flavours.
//
// Properties checked on every input:
// - the owning and the view flavour accept and reject alike, with the same error, and
//   to_owning(view) == owning;
// - an error is well formed: a code, a message, an offset within the input and its line, a path
//   exactly when the error is about a field; a message never longer than a quoted excerpt;
// - a parser and a value reused after another event (and after a failed parse) read the same as
//   fresh ones;
// - what parses is valid JSON, and its normalized JSON parses back (null timestamps read as
//   unset) to the same value and prints the same text again;
// - with report_unknown_keys, the outcome is the same and each key is located in the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "livesend/livesend.hpp"
#include "support/model_diff.hpp"

namespace {

// A valid event with every kind of member filled, so that a value reused after it has strings,
// arrays and optionals to keep or reset.
constexpr std::string_view warm_event = R"({"application":"Web","data":{
"InteractionId":"i-1","DeliveryOptionName":"Email","InteractionOccurredAt":"2024-07-14T13:47:38Z",
"DeliveryOptionIdGlobal":"g","DeliveryOptionId":"d","UserId":"u","InteractionIdGlobal":"ig",
"ActionType":"a","ClientDetails":{"Browser":"edge","BrowserVersion":"1","City":"Lyon",
"Country":"France","DeviceType":"pc","IpAddress":"192.0.2.7","Locale":"fr-FR",
"OperatingSystem":"windows","OperatingSystemVersion":"11","ProductArea":"p","Application":"x",
"SessionId":"s","GeolocationLatitude":45.75,"GeolocationLongitude":4.85,"State":"ARA",
"ApplicationType":"web"},"Recipients":["a@example.com"],"InteractionGroup":"g","Action":"view",
"Links":{"k":[1,2]},"UserIdGlobal":"ug","Email":"jane.doe@example.com","Status":"done",
"LivesendSessionSummary":{"Link":{"AllowDownload":true,"DownloadFormatsSetting":["pdf","docx"],
"Content":[{"Id":"c","IdGlobal":"cg","Name":"Deck","Pages":[1],"QuickAccessPath":"q",
"Repository":"r","TotalPages":3,"Type":"file","VersionId":"v","VersionIdGlobal":"vg",
"LibraryContent":{"Id":"l","IdGlobal":"lg","TeamsiteId":"t","TeamsiteIdGlobal":"tg",
"VersionId":"lv","VersionIdGlobal":"lvg"},"ContentProfileId":"cp","ContentProfilePath":["a","b"]},
{"Name":"Second"}],"IsLandingPageCustomized":true,"IsLivesendExperience":true,
"CreatedAt":"2024-07-11T01:29:58.898593Z","CreatedBy":"me","ExpiresAt":"7/14/2025 2:03:45 PM",
"HasPassword":true,"Id":"link","IsLive":true,"IsSeparateSend":false,
"ModifiedAt":"2024-07-12T00:00:00+02:00","NormalizedId":"n","NotificationMode":"each",
"Tags":["t1",{"x":null}],"UrlPath":"/x","DownloadFormats":["pdf"],"IdGlobal":"lig",
"NormalizedIdGlobal":"nig"},"TrackingParameters":{"utm":"z"}},
"ContentSessions":[{"Pages":[{"DurationMilliseconds":61000,"StartedAt":"2024-07-14T13:48:00Z",
"EndedAt":"2024-07-14T13:49:01Z","PageIndex":1,"ThumbnailImageUrl":"https://t/1"},
{"DurationMilliseconds":5,"StartedAt":null,"EndedAt":"0001-01-01T00:00:00Z","PageIndex":2,
"ThumbnailImageUrl":""}],"TotalPages":3,"TotalPagesViewed":2,"Id":"cs1","Content":{"Name":"Deck",
"LibraryContent":{"Id":"l"},"ContentProfilePath":[]},"DownloadCount":2,"DurationSeconds":66,
"SessionEndedAt":"2024-07-14T14:03:45Z","SessionStartedAt":"2024-07-14T13:47:38Z",
"SessionType":"pages","WasDownloaded":true,"WasViewed":true,"DownloadFormats":["pdf"]},
{"Pages":[],"TotalPages":0,"TotalPagesViewed":0,"Id":"cs2","Content":{},"DownloadCount":0,
"DurationSeconds":0,"SessionEndedAt":"0001-01-01T00:00:00","SessionStartedAt":"07/14/2024 14:03:45",
"SessionType":"url","WasDownloaded":false,"WasViewed":false}],"DetailsUrl":"https://d",
"Participants":[{"Context":{"c":1},"InteractionId":"i","Email":"jane.doe@example.com",
"UserId":"u1","UserType":"Buyer","UserLoginType":"Seismic"},{"Context":[],"InteractionId":"i2",
"Email":"","UserType":"Viewer","UserLoginType":"Anonymous"}],
"SessionEndedAt":"2024-07-14T14:03:45Z","SessionId":"s","SessionStartedAt":"2024-07-14T13:47:38Z",
"TotalContent":2,"TotalContentDownloaded":1,"TotalContentViewed":2,"TotalDurationSeconds":966,
"LandingPageDurationSeconds":12},"id":"e-1","version":"livesend-session-summary-enriched-v3",
"occurredAt":"2024-07-14T14:03:52.679592+00:00","tenantId":"t","tenantName":"demo",
"productArea":"Livesend"})";

/// Where two values differ (tests/support/model_diff.hpp), for a failure message.
std::string where(const livesend::event& expected, const livesend::event& actual) {
  const auto diff = test::first_difference(expected, actual);
  return diff ? diff->path + ": " + diff->expected + " against " + diff->actual : "equal";
}

std::string describe(const livesend::error& err) {
  return err.ok() ? std::string("ok")
                  : std::string(livesend::to_string(err.code())) + " at offset " +
                        std::to_string(err.offset()) + " line " + std::to_string(err.line()) +
                        ": " + err.to_string();
}

bool is_field_level(livesend::error_code code) {
  switch (code) {
    case livesend::error_code::missing_field:
    case livesend::error_code::null_field:
    case livesend::error_code::wrong_type:
    case livesend::error_code::out_of_range:
    case livesend::error_code::invalid_timestamp:
    case livesend::error_code::unsupported_version:
      return true;
    default:
      return false;
  }
}

void check_error_shape(std::string_view input, const livesend::error& err) {
  FUZZ_CHECK(err.code() != livesend::error_code::ok, describe(err));
  FUZZ_CHECK(!err.message().empty(), describe(err));
  FUZZ_CHECK(err.offset() <= input.size(), describe(err));
  FUZZ_CHECK(err.line() == livesend::detail::line_of(input, err.offset()), describe(err));
  if (livesend::is_syntax_level(err.code())) FUZZ_CHECK(err.path().empty(), describe(err));
  if (is_field_level(err.code())) FUZZ_CHECK(!err.path().empty(), describe(err));
  // A message quotes at most 40 bytes of the input (4 chars per escaped byte), never a value.
  FUZZ_CHECK(err.message().size() <= 320, describe(err));
}

const livesend::event& warm_value() {
  static const livesend::event value = [] {
    livesend::parser p;
    livesend::event ev;
    FUZZ_CHECK(!p.parse(warm_event, ev), "the warm-up event does not parse");
    return ev;
  }();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Both flavours, fresh parsers and values.
  livesend::parser owning_parser;
  livesend::event owning;
  const livesend::error err = owning_parser.parse(input, owning);
  livesend::parser view_parser;
  livesend::event_view view;
  const livesend::error view_err = view_parser.parse(input, view);
  FUZZ_CHECK(err == view_err, "owning: " + describe(err) + "\nview: " + describe(view_err));

  // A byte order mark before the event is skipped (RFC 8259 allows it; check_json does not).
  const livesend::detail::json_check syntax =
      livesend::detail::check_json(input.substr(livesend::detail::bom_size(input)), 1024);
  if (err) {
    check_error_shape(input, err);
    // A syntax error is check_json's own, at its offset: the reader and the check agree.
    if (err.code() == livesend::error_code::syntax_error ||
        err.code() == livesend::error_code::invalid_utf8 ||
        err.code() == livesend::error_code::trailing_content) {
      FUZZ_CHECK(syntax.code == err.code() &&
                     syntax.offset + livesend::detail::bom_size(input) == err.offset(),
                 describe(err) + "\ncheck_json: " + syntax.message + " at " +
                     std::to_string(syntax.offset));
    }
  } else {
    // Only valid JSON is accepted.
    FUZZ_CHECK(syntax.ok(), std::string("accepted, but check_json says: ") + syntax.message +
                                " at " + std::to_string(syntax.offset));
    const livesend::event from_view = livesend::to_owning(view);
    FUZZ_CHECK(from_view == owning,
               "to_owning(view) differs from the owning parse at " + where(owning, from_view));
    const std::string json = livesend::to_json(owning);
    FUZZ_CHECK(livesend::to_json(view) == json, "the view writes other JSON than the owning");

    livesend::parse_options normalized;
    normalized.null_timestamp_is_unset = true;
    livesend::parser again(normalized);
    livesend::event round;
    const livesend::error round_err = again.parse(json, round);
    FUZZ_CHECK(!round_err,
               "normalized JSON does not parse back: " + describe(round_err) + "\njson: " + json);
    FUZZ_CHECK(round == owning, "normalized JSON parses back to another value at " +
                                    where(owning, round) + "\njson: " + json);
    FUZZ_CHECK(livesend::to_json(round) == json, "to_json is not a fixed point\njson: " + json);
  }

  // A parser and values reused after a full event read the input as fresh ones do; after the
  // input (good or bad) they read the full event as fresh ones do.
  {
    livesend::parser reused_parser;
    livesend::event reused;
    livesend::event_view reused_view;
    FUZZ_CHECK(!reused_parser.parse(warm_event, reused), "warm-up");
    FUZZ_CHECK(!reused_parser.parse(warm_event, reused_view), "warm-up");
    const livesend::error again_err = reused_parser.parse(input, reused);
    FUZZ_CHECK(again_err == err,
               "reused owning: " + describe(again_err) + "\nfresh: " + describe(err));
    if (!err) {
      FUZZ_CHECK(reused == owning,
                 "a reused owning value reads the input differently at " + where(owning, reused));
    }
    const livesend::error again_view_err = reused_parser.parse(input, reused_view);
    FUZZ_CHECK(again_view_err == err,
               "reused view: " + describe(again_view_err) + "\nfresh: " + describe(err));
    if (!err) {
      FUZZ_CHECK(livesend::to_owning(reused_view) == owning,
                 "a reused view reads the input differently");
    }
    FUZZ_CHECK(!reused_parser.parse(warm_event, reused), "the warm-up event after the input");
    FUZZ_CHECK(reused == warm_value(),
               "a value reused after the input reads the warm-up event "
               "differently");
    FUZZ_CHECK(!reused_parser.parse(warm_event, reused_view), "the warm-up event after the input");
    FUZZ_CHECK(livesend::to_owning(reused_view) == warm_value(),
               "a view reused after the input reads the warm-up event differently");
  }

  // Unknown keys reported: same outcome, every key located at its opening quote.
  {
    livesend::parse_options report;
    report.report_unknown_keys = true;
    livesend::parser reporting(report);
    livesend::event_view ev;
    const livesend::error report_err = reporting.parse(input, ev);
    FUZZ_CHECK(report_err == err,
               "with report_unknown_keys: " + describe(report_err) + "\nwithout: " + describe(err));
    for (const livesend::unknown_key& key : reporting.unknown_keys()) {
      FUZZ_CHECK(key.offset < input.size() && input[key.offset] == '"',
                 "unknown key " + key.path + " at offset " + std::to_string(key.offset));
      FUZZ_CHECK(key.line == livesend::detail::line_of(input, key.offset), key.path);
      // The path ends with the key as written, which may be empty (`"": 1` at the top).
      FUZZ_CHECK(!key.path.empty() || input.substr(key.offset, 2) == "\"\"",
                 "an unknown key without a path at offset " + std::to_string(key.offset));
    }
  }
  return 0;
}
