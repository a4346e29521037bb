// benchmarks/corpus_gen.cpp: writes the benchmark corpus, deterministically (fixed seeds, the
// tests' PRNG of tests/support/random.hpp, no floating-point formatting that depends on the
// platform). The JSON text is written with tests/support/json_writer.hpp.
//
//   livesend_corpus --seed <seed-session-summary-v3.json> --out <dir>
//
// writes into <dir>:
//   seed.json       the seed fixture, byte for byte (workload "seed")
//   large.json      one large event: 20 content sessions, about 800 pages (workload "large")
//   stream.ndjson   10,000 mixed events, one per line (workload "stream")
//   shuffled.ndjson the same events written with the same choices, but every object's members
//                   in a random order and about half of the keys with the ASCII case of their
//                   first letter flipped, as the contract allows (workload "shuffled")
//   stats.json      what the corpus holds (counts of events, pages, timestamp forms, ...)
//
// Each event is first built as a livesend::event (the ground truth), then written as JSON with
// the variety of real traffic: keys in the contract's exact case, sometimes shuffled; optional
// values null or absent; every timestamp form of the contract (ISO 8601 with or without zone,
// 1 to 7 fraction digits, offsets, the .NET general format with and without AM/PM, and the
// DateTime.MinValue sentinel in its several spellings); non-ASCII text, raw and \u-escaped;
// escapes; a few unknown keys; minified or with extra spaces (within the record's one line).
// Every record is then parsed back with livesend and compared with its ground truth: the
// generator fails, naming the field, if they differ.
//
// Constraints that keep the peers (DOM libraries mapped to the same model) comparable, and that
// the benchmark's equality check relies on:
// - keys use the contract's exact case (peers match keys case-sensitively);
// - raw values (Tags, Context, Recipients, ...) hold no floating-point numbers and their objects
//   list keys in sorted order, so that any library's re-serialization equals the input modulo
//   whitespace (nlohmann::json keeps object keys sorted);
// - floating-point numbers have at most 7 significant digits (every parser reads them exactly);
// - no duplicate keys.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "livesend/livesend.hpp"
#include "support/json_writer.hpp"
#include "support/model_diff.hpp"
#include "support/random.hpp"

namespace {

using test::rng;

// ---- What the corpus holds (stats.json) ----------------------------------------------------

std::map<std::string, std::size_t> stats;

void count(const std::string& what, std::size_t n = 1) { stats[what] += n; }

// ---- Building events (the ground truth) ----------------------------------------------------

using livesend::timestamp;
constexpr std::int64_t micros_per_second = 1000000;

std::string uuid(rng& r) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += hex[r.below(16)];
  }
  return out;
}

/// An instant in 2023-2025; its microseconds are zero, whole milliseconds or anything.
timestamp instant(rng& r) {
  const std::int64_t start = livesend::detail::days_from_civil(2023, 1, 1) * 86400;
  const std::int64_t seconds = start + r.between(0, 3 * 365 * 86400);
  std::int64_t micros = 0;
  const auto kind = r.below(10);
  if (kind >= 4 && kind < 6) micros = r.between(0, 999) * 1000;
  if (kind >= 6) micros = r.between(0, 999999);
  return timestamp::from_unix_micros(seconds * micros_per_second + micros);
}

/// An instant `min_s` to `max_s` seconds after `t`.
timestamp after(rng& r, timestamp t, std::int64_t min_s, std::int64_t max_s) {
  const std::int64_t base = t.is_unset() ? instant(r).unix_micros() : t.unix_micros();
  return timestamp::from_unix_micros(base + r.between(min_s, max_s) * micros_per_second +
                                     r.between(0, 999) * 1000);
}

timestamp instant_or_unset(rng& r, unsigned unset_percent) {
  return r.chance(unset_percent) ? timestamp::unset() : instant(r);
}

template <class T>
std::optional<T> maybe(rng& r, unsigned percent, T value) {
  if (r.chance(percent)) return value;
  return std::nullopt;
}

std::optional<std::string> maybe_uuid(rng& r, unsigned percent) {
  if (r.chance(percent)) return uuid(r);
  return std::nullopt;
}

/// A double with 4 decimals read from its text, as any JSON parser reads it.
double coordinate(rng& r, std::int64_t max_abs_ten_thousandths) {
  const std::int64_t v = r.between(-max_abs_ten_thousandths, max_abs_ten_thousandths);
  const std::int64_t a = v < 0 ? -v : v;
  char text[32];
  std::snprintf(text, sizeof text, "%s%lld.%04lld", v < 0 ? "-" : "",
                static_cast<long long>(a / 10000), static_cast<long long>(a % 10000));
  return std::strtod(text, nullptr);
}

// Texts of real traffic: ASCII, accented, CJK, Cyrillic, emoji, and characters that JSON escapes.
const std::array<std::string_view, 16> content_names = {
    "Demo Content",
    "Q3 Pricing Overview.pptx",
    "Pr\xC3\xA9sentation produit 2024",
    "Roadmap \xE2\x80\x94 \xC3\x9C"
    "bersicht f\xC3\xBCr Kunden",
    "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x82\xAA\xE3\x83\x95\xE3\x82\xA3\xE3\x82\xB9\xE8\xB3\x87\xE6\x96"
    "\x99",
    "Case study: \"Acme\" rollout",
    "\xD0\x9E\xD0\xB1\xD0\xB7\xD0\xBE\xD1\x80 "
    "\xD0\xBF\xD1\x80\xD0\xBE\xD0\xB4\xD1\x83\xD0\xBA\xD1\x82\xD0\xB0",
    "Launch deck \xF0\x9F\x9A\x80 v2",
    "Security whitepaper (SOC 2)",
    "Line one\nLine two",
    "C:\\Shares\\Sales\\Decks\\intro.pdf",
    "Tab\tseparated\tname",
    "ADP GlobalView Payroll",
    "Onboarding guide",
    "Wealth management \xE2\x80\x93 Europe",
    "Caf\xC3\xA9 & cr\xC3\xA8me 50% off",
};
const std::array<std::string_view, 12> cities = {
    "Charlotte",
    "S\xC3\xA3o Paulo",
    "Z\xC3\xBCrich",
    "M\xC3\xBCnchen",
    "Krak\xC3\xB3w",
    "T\xC5\x8Dky\xC5\x8D",
    "Montr\xC3\xA9"
    "al",
    "Reykjav\xC3\xADk",
    "New York",
    "London",
    "\xE5\x8C\x97\xE4\xBA\xAC",
    "Austin",
};
const std::array<std::string_view, 8> countries = {
    "United States", "Brazil", "Switzerland", "Germany",
    "Poland",        "Japan",  "Canada",      "C\xC3\xB4te d'Ivoire",
};
const std::array<std::string_view, 6> states = {
    "North Carolina", "S\xC3\xA3o Paulo", "Z\xC3\xBCrich", "Bavaria", "Texas", "",
};
const std::array<std::string_view, 8> tenant_names = {
    "demo",
    "acme-corp",
    "M\xC3\xBCller & S\xC3\xB6hne GmbH",
    "\xE5\x8C\x97\xE4\xBA\xAC\xE5\x88\x86\xE5\x85\xAC\xE5\x8F\xB8",
    "O'Reilly \"Media\"",
    "globex",
    "initech",
    "Umbrella/EMEA",
};
const std::array<std::string_view, 5> browsers = {"edge", "chrome", "safari", "firefox", "opera"};
const std::array<std::string_view, 4> device_types = {"pc", "mobile", "tablet", "unknown"};
const std::array<std::string_view, 4> systems = {"windows", "macos", "ios", "android"};
const std::array<std::string_view, 5> system_versions = {"Windows 11", "Windows 10", "macOS 14.5",
                                                         "iOS 17.5.1", "Android 14"};
const std::array<std::string_view, 5> locales = {"en-US", "fr-FR", "de-DE", "ja-JP", "pt-BR"};
const std::array<std::string_view, 4> emails = {
    "[email protected]",
    "jos\xC3\xA9.garc\xC3\xAD"
    "[email protected]",
    "[email protected]",
    "\xE5\xB1\xB1\xE7\x94\xB0@example.jp",
};

std::string email_for(rng& r) {
  std::string e(r.pick(emails));
  if (r.chance(50)) e.insert(0, std::to_string(r.below(1000)) + ".");
  return e;
}

/// Raw values: no floating-point numbers, object keys sorted (see the file comment).
std::string raw_tags(rng& r) {
  static const std::array<std::string_view, 4> tags = {
      "[]", "[\"q3\",\"enterprise\"]", "[\"renewal\"]",
      "[ \"emea\" , \"pipeline\", \"t\xC3\xA9l\xC3\xA9"
      "com\" ]"};
  return std::string(r.pick(tags));
}

std::string raw_context(rng& r) {
  if (r.chance(60)) return "[]";
  std::string out = "[{\"Key\":\"Department\",\"Value\":\"Finance\"}";
  if (r.chance(50)) out += ",{\"Key\":\"Region\",\"Value\":\"\xC3\x8Ele-de-France\"}";
  out += "]";
  return out;
}

std::string raw_recipients(rng& r) {
  std::string out = "[";
  const auto n = r.between(1, 3);
  for (std::int64_t i = 0; i < n; ++i) {
    if (i != 0) out += ",";
    out += "{\"Email\":\"" + email_for(r) + "\",\"IsPrimary\":" + (i == 0 ? "true" : "false") +
           ",\"Name\":\"" + std::string(r.pick(cities)) +
           " contact\",\"Seq\":" + std::to_string(i) + "}";
  }
  return out + "]";
}

livesend::content make_content(rng& r) {
  livesend::content c;
  c.id = maybe_uuid(r, 60);
  c.id_global = maybe_uuid(r, 20);
  if (r.chance(90)) c.name = std::string(r.pick(content_names));
  if (r.chance(10)) c.pages = livesend::raw_json{"[1,2,3,5,8]"};
  if (r.chance(20)) c.quick_access_path = "/Shared/Sales/" + uuid(r).substr(0, 8);
  static const std::array<std::string_view, 3> repositories = {"doccenter", "library", "workspace"};
  if (r.chance(85)) c.repository = std::string(r.pick(repositories));
  if (r.chance(80)) c.total_pages = r.between(0, 120);
  static const std::array<std::string_view, 3> types = {"file", "url", "video"};
  if (r.chance(90)) c.type = std::string(r.pick(types));
  c.version_id = maybe_uuid(r, 40);
  c.version_id_global = maybe_uuid(r, 15);
  if (r.chance(70)) {
    livesend::library_content lc;
    lc.id = maybe_uuid(r, 90);
    lc.id_global = maybe_uuid(r, 20);
    lc.teamsite_id = maybe_uuid(r, 90);
    lc.teamsite_id_global = maybe_uuid(r, 20);
    lc.version_id = maybe_uuid(r, 90);
    lc.version_id_global = maybe_uuid(r, 20);
    c.library_content = lc;
  }
  c.content_profile_id = maybe_uuid(r, 60);
  if (r.chance(60)) {
    std::vector<std::string> path;
    const auto n = r.between(0, 3);
    for (std::int64_t i = 0; i < n; ++i) path.emplace_back(r.pick(content_names));
    c.content_profile_path = path;
  }
  return c;
}

livesend::page make_page(rng& r, std::int64_t index, timestamp session_start) {
  livesend::page p;
  p.duration_milliseconds = r.between(0, 600000);
  p.page_index = index;
  // StartedAt/EndedAt: a real instant most of the time; else null, absent or DateTime.MinValue
  // (all three read as no value; the writer picks the spelling).
  if (r.chance(70)) {
    const timestamp start = after(r, session_start, 0, 3600);
    p.started_at = start;
    if (r.chance(90)) p.ended_at = after(r, start, 0, 600);
  }
  p.thumbnail_image_url = r.chance(10) ? std::string()
                                       : "https://cdn.seismic.com/thumbnails/" + uuid(r) + "/p" +
                                             std::to_string(index) +
                                             ".png?size=small&v=" + std::to_string(r.below(9));
  count("pages");
  return p;
}

livesend::content_session make_session(rng& r, std::int64_t pages) {
  livesend::content_session s;
  s.session_started_at = instant(r);
  s.session_ended_at = after(r, s.session_started_at, 1, 7200);
  for (std::int64_t i = 0; i < pages; ++i) {
    s.pages.push_back(make_page(r, r.chance(90) ? i + 1 : r.between(0, 200), s.session_started_at));
  }
  s.total_pages = pages + r.between(0, 20);
  s.total_pages_viewed = pages;
  s.id = uuid(r);
  s.content = make_content(r);
  s.was_downloaded = r.chance(15);
  s.download_count = s.was_downloaded ? r.between(1, 5) : 0;
  s.duration_seconds = r.between(0, 7200);
  static const std::array<std::string_view, 3> types = {"pages", "video", "url"};
  s.session_type = std::string(r.pick(types));
  s.was_viewed = pages > 0;
  if (r.chance(15)) s.download_formats = livesend::raw_json{r.chance(50) ? "[\"pdf\"]" : "[]"};
  count("content_sessions");
  return s;
}

/// Number of content sessions of a mixed-traffic event: mostly one or two, up to 20.
std::int64_t session_count(rng& r) {
  const auto u = r.below(100);
  if (u < 8) return 0;
  if (u < 58) return 1;
  if (u < 78) return 2;
  if (u < 91) return r.between(3, 5);
  if (u < 98) return r.between(6, 10);
  return r.between(11, 20);
}

/// Number of pages of a content session: mostly a few, up to 60.
std::int64_t page_count(rng& r) {
  const auto u = r.below(100);
  if (u < 8) return 0;
  if (u < 62) return r.between(1, 5);
  if (u < 90) return r.between(6, 15);
  if (u < 98) return r.between(16, 30);
  return r.between(31, 60);
}

template <class PageCount>
livesend::event make_event(rng& r, std::int64_t sessions, PageCount&& pages_of_session) {
  livesend::event ev;
  static const std::array<std::string_view, 4> applications = {"Web", "Web", "Mobile", "Outlook"};
  ev.application = std::string(r.pick(applications));
  ev.id = uuid(r);
  ev.version = std::string(r.chance(85) ? livesend::version_v3 : livesend::version_enriched_v3);
  ev.occurred_at = instant(r);
  ev.tenant_id = uuid(r);
  ev.tenant_name = std::string(r.pick(tenant_names));
  if (r.chance(70)) ev.product_area = "Livesend";

  livesend::data& d = ev.data;
  d.interaction_id = uuid(r);
  static const std::array<std::string_view, 3> delivery = {"Email", "LiveSend link", "Teams chat"};
  if (r.chance(30)) d.delivery_option_name = std::string(r.pick(delivery));
  d.interaction_occurred_at = instant_or_unset(r, 50);
  d.delivery_option_id_global = maybe_uuid(r, 20);
  d.delivery_option_id = maybe_uuid(r, 20);
  d.user_id = maybe_uuid(r, 40);
  d.interaction_id_global = maybe_uuid(r, 20);
  if (r.chance(30)) d.action_type = r.chance(50) ? "View" : "Download";

  livesend::client_details& c = d.client_details;
  c.browser = std::string(r.pick(browsers));
  c.browser_version = c.browser + "." + std::to_string(r.between(90, 127)) + ".0." +
                      std::to_string(r.between(0, 9));
  c.city = std::string(r.pick(cities));
  c.country = std::string(r.pick(countries));
  c.device_type = std::string(r.pick(device_types));
  const auto ip = r.below(3);
  c.ip_address = ip == 0 ? std::string()
                 : ip == 1
                     ? std::to_string(r.between(1, 254)) + "." + std::to_string(r.between(0, 255)) +
                           "." + std::to_string(r.between(0, 255)) + "." +
                           std::to_string(r.between(1, 254))
                     : "2001:db8::" + std::to_string(r.between(1, 9999));
  if (r.chance(40)) c.locale = std::string(r.pick(locales));
  c.operating_system = std::string(r.pick(systems));
  c.operating_system_version = std::string(r.pick(system_versions));
  c.product_area = "livesendviewer";
  if (r.chance(20)) c.application = "LiveSend Viewer";
  c.session_id = uuid(r);
  c.geolocation_latitude = r.chance(5) ? 0 : coordinate(r, 900000);
  c.geolocation_longitude = r.chance(5) ? 0 : coordinate(r, 1800000);
  c.state = std::string(r.pick(states));
  c.application_type = r.chance(80) ? "unknown" : "browser";

  if (r.chance(30)) d.recipients = livesend::raw_json{raw_recipients(r)};
  if (r.chance(20)) d.interaction_group = "group-" + std::to_string(r.below(50));
  if (r.chance(25)) d.action = r.chance(50) ? "Viewed" : "Opened";
  if (r.chance(20)) {
    d.links = livesend::raw_json{"[{\"Id\":\"" + uuid(r) + "\",\"Url\":\"https://ls.example.com/" +
                                 uuid(r).substr(0, 8) + "\"}]"};
  }
  d.user_id_global = maybe_uuid(r, 15);
  if (r.chance(50)) d.email = email_for(r);
  if (r.chance(40)) d.status = r.chance(50) ? "Completed" : "Active";

  livesend::link& l = d.livesend_session_summary.link;
  l.allow_download = r.chance(40);
  static const std::array<std::string_view, 3> formats = {"original", "pdf", "pptx"};
  for (std::int64_t i = 0, n = r.between(0, 3); i < n; ++i) {
    l.download_formats_setting.emplace_back(formats[static_cast<std::size_t>(i)]);
  }
  for (std::int64_t i = 0, n = r.between(1, 3); i < n; ++i) l.content.push_back(make_content(r));
  l.is_landing_page_customized = r.chance(30);
  l.is_livesend_experience = r.chance(50);
  l.created_at = instant(r);
  l.created_by = uuid(r);
  l.expires_at = after(r, l.created_at, 86400, 400 * 86400);
  l.has_password = r.chance(10);
  l.id = uuid(r);
  l.is_live = r.chance(90);
  l.is_separate_send = r.chance(50);
  l.modified_at = instant_or_unset(r, 60);
  l.normalized_id = l.id;
  static const std::array<std::string_view, 3> modes = {"summary", "each", "none"};
  l.notification_mode = std::string(r.pick(modes));
  l.tags = livesend::raw_json{raw_tags(r)};
  l.url_path = r.chance(50) ? std::string() : "/ls/" + uuid(r).substr(0, 12);
  if (r.chance(20)) l.download_formats = livesend::raw_json{"[\"pdf\",\"original\"]"};
  l.id_global = maybe_uuid(r, 20);
  l.normalized_id_global = maybe_uuid(r, 20);
  if (r.chance(20)) {
    d.livesend_session_summary.tracking_parameters =
        livesend::raw_json{"{\"utm_campaign\":\"spring-" + std::to_string(r.below(30)) +
                           "\",\"utm_medium\":null,\"utm_source\":\"email\"}"};
  }

  for (std::int64_t i = 0; i < sessions; ++i)
    d.content_sessions.push_back(make_session(r, pages_of_session(r)));
  d.details_url =
      r.chance(50) ? std::string() : "https://app.seismic.com/livesend/details/" + uuid(r);
  for (std::int64_t i = 0, n = r.between(1, 4); i < n; ++i) {
    livesend::participant p;
    p.context = livesend::raw_json{raw_context(r)};
    p.interaction_id = uuid(r);
    p.email = email_for(r);
    p.user_id = maybe_uuid(r, 30);
    static const std::array<std::string_view, 3> user_types = {"Buyer", "Seller", "Internal"};
    p.user_type = std::string(r.pick(user_types));
    static const std::array<std::string_view, 3> logins = {"Seismic", "Anonymous", "SSO"};
    p.user_login_type = std::string(r.pick(logins));
    d.participants.push_back(p);
  }
  d.session_started_at = instant(r);
  d.session_ended_at = after(r, d.session_started_at, 1, 7200);
  d.session_id = uuid(r);
  d.total_content = static_cast<std::int64_t>(d.content_sessions.size());
  d.total_content_downloaded = 0;
  for (const auto& s : d.content_sessions) d.total_content_downloaded += s.was_downloaded;
  d.total_content_viewed = r.between(0, d.total_content);
  d.total_duration_seconds = r.between(0, 20000);
  d.landing_page_duration_seconds = r.between(0, 600);
  return ev;
}

// ---- Writing events as JSON with the variety of real traffic -------------------------------

struct style {
  bool spaced = false;          ///< extra spaces (and tabs) around ':' and ','
  bool shuffled = false;        ///< keys of every object in random order
  bool omit_nulls = false;      ///< optional values without a value are mostly left out
  unsigned unknown_keys = 0;    ///< percent of objects that get an unknown key
  unsigned escape_unicode = 0;  ///< percent of non-ASCII strings written with \u escapes
  rng* reorder = nullptr;       ///< also reorders every object and flips key initials from it
};

class writer {
 public:
  writer(rng& r, style s) : r_(r), s_(s), json_(r, json_style_of(s)) {}

  std::string event(const livesend::event& ev) {
    const std::size_t escapes_before = json_.non_ascii_escapes();
    std::string out;
    record(out, ev);
    const std::size_t escapes = json_.non_ascii_escapes() - escapes_before;
    if (escapes != 0) count("strings_with_unicode_escapes", escapes);
    return out;
  }

 private:
  static test::json_style json_style_of(const style& s) {
    test::json_style j;
    j.space = s.spaced ? 100 : 0;  // extra spaces (and tabs) around ':' and ','
    j.shuffle_keys = s.shuffled;
    j.escape_non_ascii = s.escape_unicode;
    j.escape_solidus = 10;  // .NET serializers often write "\/"
    j.reorder = s.reorder;
    j.flip_key_initial = 50;  // only with reorder
    return j;
  }

  static void digits(std::string& out, std::int64_t value, int width) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(value));
    out += buf;
  }

  /// One of the spellings of DateTime.MinValue (all read as unset).
  void unset_timestamp(std::string& out) {
    static const std::array<std::string_view, 6> forms = {
        "0001-01-01T00:00:00",       "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000",
        "0001-01-01T00:00:00+00:00", "1/1/0001 12:00:00 AM", "01/01/0001 00:00:00"};
    const auto i = r_.below(forms.size());
    count("timestamps.unset_sentinel");
    count("timestamps.unset_sentinel." + std::to_string(i));
    out += '"';
    out += forms[i];
    out += '"';
  }

  void time_stamp(std::string& out, timestamp t) {
    if (t.is_unset()) {
      unset_timestamp(out);
      return;
    }
    const std::int64_t us = t.unix_micros();
    std::int64_t micros = us % micros_per_second;
    if (micros < 0) micros += micros_per_second;
    out += '"';
    if (micros == 0 && r_.chance(30)) {
      // The .NET general format: "07/14/2024 14:03:45" or "7/14/2024 2:03:45 PM".
      const std::int64_t secs = us / micros_per_second;
      const std::int64_t days = secs / 86400;
      const std::int64_t rem = secs % 86400;
      const auto date = livesend::detail::civil_from_days(days);
      const std::int64_t hour = rem / 3600;
      const bool am_pm = r_.chance(50);
      count(am_pm ? "timestamps.dotnet_ampm" : "timestamps.dotnet_24h");
      const int width = am_pm ? 1 : 2;  // "7/4/2024 2:03:45 PM" or "07/04/2024 14:03:45"
      digits(out, date.month, width);
      out += '/';
      digits(out, date.day, width);
      out += '/';
      digits(out, date.year, 4);
      out += ' ';
      digits(out, am_pm ? (hour % 12 == 0 ? 12 : hour % 12) : hour, width);
      out += ':';
      digits(out, rem / 60 % 60, 2);
      out += ':';
      digits(out, rem % 60, 2);
      if (am_pm) out += hour < 12 ? " AM" : " PM";
      out += '"';
      return;
    }
    // ISO 8601: zone Z, none, or an offset (the text shows local time at that offset).
    static const std::array<int, 7> offsets = {0, -300, 330, 540, -480, 60, -210};
    const auto zone = r_.below(100);
    int offset = 0;
    if (zone >= 70) offset = r_.pick(offsets);
    const std::int64_t local = us + std::int64_t{offset} * 60 * micros_per_second;
    std::int64_t secs = local / micros_per_second;
    if (local % micros_per_second < 0) --secs;
    std::int64_t days = secs / 86400;
    std::int64_t rem = secs % 86400;
    if (rem < 0) {
      rem += 86400;
      --days;
    }
    const auto date = livesend::detail::civil_from_days(days);
    digits(out, date.year, 4);
    out += '-';
    digits(out, date.month, 2);
    out += '-';
    digits(out, date.day, 2);
    out += 'T';
    digits(out, rem / 3600, 2);
    out += ':';
    digits(out, rem / 60 % 60, 2);
    out += ':';
    digits(out, rem % 60, 2);
    // Fraction: as many digits as the microseconds need, or more (up to 7; the 7th is dropped).
    int needed = 0;
    if (micros != 0) {
      needed = 6;
      for (std::int64_t m = micros; m % 10 == 0; m /= 10) --needed;
    }
    int written = needed;
    if (needed == 0) {
      if (r_.chance(30)) written = r_.chance(50) ? 1 : 7;
    } else {
      written = static_cast<int>(r_.between(needed, 7));
    }
    if (written > 0) {
      char six[8];
      std::snprintf(six, sizeof six, "%06lld", static_cast<long long>(micros));
      out += '.';
      out.append(six, static_cast<std::size_t>(std::min(written, 6)));
      if (written == 7) out += static_cast<char>('0' + r_.below(10));
      count("timestamps.iso_fraction_digits_" + std::to_string(written));
    }
    if (zone < 55) {
      out += 'Z';
      count("timestamps.iso_z");
    } else if (zone < 70) {
      count("timestamps.iso_no_zone");
    } else {
      count("timestamps.iso_offset");
      const int a = offset < 0 ? -offset : offset;
      out += offset < 0 ? '-' : '+';
      digits(out, a / 60, 2);
      out += ':';
      digits(out, a % 60, 2);
    }
    out += '"';
  }

  void value(std::string& out, const std::string& s) { json_.string(out, s); }
  void value(std::string& out, std::int64_t i) { out += std::to_string(i); }
  void value(std::string& out, bool b) { out += b ? "true" : "false"; }
  void value(std::string& out, double d) { out += fmt::format("{}", d); }
  void value(std::string& out, timestamp t) { time_stamp(out, t); }
  void value(std::string& out, const livesend::raw_json& raw) { out += raw.json; }

  template <class T>
  void value(std::string& out, const std::vector<T>& items) {
    json_.array(out, items.size(), [&](std::string& o, std::size_t i) { value(o, items[i]); });
  }

  template <class T, std::enable_if_t<livesend::detail::is_record_v<T>, int> = 0>
  void value(std::string& out, const T& rec) {
    record(out, rec);
  }

  /// An unknown key with a value of any shape (the parsers skip it).
  void unknown(std::vector<std::string>& members) {
    static const std::array<std::string_view, 6> keys = {"Timezone", "ExperimentFlags", "TraceId",
                                                         "Score",    "Annotations",     "x-debug"};
    static const std::array<std::string_view, 6> values = {
        "\"Europe/Z\xC3\xBCrich\"",
        "{\"beta\":true,\"ratio\":0.25,\"list\":[1,2.5e3,-7,null]}",
        "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"",
        "3.14159",
        "[{\"note\":\"caf\\u00e9 \\\"quoted\\\"\",\"n\":[[],[{}]]}]",
        "null"};
    std::string m;
    json_.string(m, r_.pick(keys));
    m += ':';
    json_.gap(m);
    m += r_.pick(values);
    members.push_back(std::move(m));
    count("unknown_keys");
  }

  template <class T>
  void record(std::string& out, const T& rec) {
    std::vector<std::string> members;
    livesend::detail::for_each_field<T>([&](const auto& def) {
      const auto& member = rec.*(def.member);
      std::string m;
      json_.key(m, def.key);
      using M = std::decay_t<decltype(member)>;
      if constexpr (livesend::detail::is_optional<M>::value) {
        if (!member) {
          if (s_.omit_nulls && r_.chance(70)) {
            count("optional_values_absent");
            return;
          }
          using V = typename M::value_type;
          if constexpr (std::is_same_v<V, timestamp>) {
            if (r_.chance(30)) {  // DateTime.MinValue in an optional timestamp: no value too
              unset_timestamp(m);
              members.push_back(std::move(m));
              return;
            }
          }
          count("optional_values_null");
          m += "null";
        } else {
          value(m, *member);
        }
      } else {
        value(m, member);
      }
      members.push_back(std::move(m));
    });
    if (s_.unknown_keys != 0 && r_.chance(s_.unknown_keys)) unknown(members);
    json_.object(out, members);
  }

  rng& r_;
  style s_;
  test::json_writer json_;
};

// ---- Output and the round-trip check -------------------------------------------------------

bool write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return static_cast<bool>(out);
}

/// Parses `json` with livesend and compares it with the event it was written from.
bool round_trips(livesend::parser& parser, const std::string& json, const livesend::event& truth,
                 const char* what, std::size_t index) {
  livesend::event parsed;
  if (livesend::error err = parser.parse(json, parsed)) {
    std::fprintf(stderr, "livesend_corpus: %s record %zu does not parse: %s\n  %s\n", what, index,
                 err.to_string().c_str(), json.substr(0, 300).c_str());
    return false;
  }
  if (auto diff = test::first_difference(truth, parsed)) {
    std::fprintf(stderr,
                 "livesend_corpus: %s record %zu reads back differently at %s:\n  written  %s\n"
                 "  read     %s\n",
                 what, index, diff->path.c_str(), diff->expected.c_str(), diff->actual.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string seed_path;
  std::string out_dir;
  std::size_t stream_events = 10000;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seed" && i + 1 < argc) {
      seed_path = argv[++i];
    } else if (arg == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (arg == "--events" && i + 1 < argc) {
      stream_events = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: livesend_corpus --seed FILE --out DIR [--events N]\n");
      return 2;
    }
  }
  if (seed_path.empty() || out_dir.empty()) {
    std::fprintf(stderr, "usage: livesend_corpus --seed FILE --out DIR [--events N]\n");
    return 2;
  }

  livesend::parser parser;

  // (a) The seed fixture, byte for byte.
  std::ifstream seed_file(seed_path, std::ios::binary);
  std::stringstream seed;
  seed << seed_file.rdbuf();
  if (!seed_file || seed.str().empty()) {
    std::fprintf(stderr, "livesend_corpus: cannot read %s\n", seed_path.c_str());
    return 2;
  }
  if (livesend::error err = parser.parse(seed.str(), *std::make_unique<livesend::event>())) {
    std::fprintf(stderr, "livesend_corpus: the seed does not parse: %s\n", err.to_string().c_str());
    return 1;
  }

  // (b) One large event: 20 content sessions of 30 to 50 pages, minified, keys in order.
  rng large_rng(0x4c41524745ULL);  // "LARGE"
  const livesend::event large_event =
      make_event(large_rng, 20, [](rng& r) { return r.between(30, 50); });
  writer large_writer(large_rng, style{});
  const std::string large = large_writer.event(large_event);
  if (!round_trips(parser, large, large_event, "large", 0)) return 1;

  // (c) The stream: mixed traffic, one event per line. stats.json describes this one.
  stats.clear();
  rng stream_rng(0x53545245414dULL);   // "STREAM"
  rng reorder_rng(0x53485546464cULL);  // "SHUFFL"
  std::string stream;
  std::string shuffled;
  for (std::size_t i = 0; i < stream_events; ++i) {
    const livesend::event ev = make_event(stream_rng, session_count(stream_rng), page_count);
    style s;
    s.spaced = stream_rng.chance(25);
    s.shuffled = stream_rng.chance(15);
    s.omit_nulls = stream_rng.chance(30);
    s.unknown_keys = stream_rng.chance(10) ? 5 : 0;
    s.escape_unicode = 20;
    count("events");
    if (s.spaced) count("events_spaced");
    if (s.shuffled) count("events_shuffled");
    if (s.omit_nulls) count("events_omitting_nulls");
    // (d) The same event again for the shuffled workload: the same choices (a copy of the
    // generator as it is now), plus every object reordered and about half of the keys with
    // their first letter's case flipped, from a generator of its own.
    rng same_choices = stream_rng;
    writer w(stream_rng, s);
    const std::string json = w.event(ev);
    if (!round_trips(parser, json, ev, "stream", i)) return 1;
    stream += json;
    stream += '\n';
    style reordered = s;
    reordered.reorder = &reorder_rng;
    writer rw(same_choices, reordered);
    const auto stats_of_stream = stats;  // stats.json describes the stream
    const std::string reordered_json = rw.event(ev);
    stats = stats_of_stream;
    if (reordered_json.size() != json.size() ||
        !round_trips(parser, reordered_json, ev, "shuffled", i)) {
      std::fprintf(stderr, "livesend_corpus: shuffled record %zu is not the stream's rewritten\n",
                   i);
      return 1;
    }
    shuffled += reordered_json;
    shuffled += '\n';
  }

  const std::string dir = out_dir + "/";
  if (!write_file(dir + "seed.json", seed.str()) || !write_file(dir + "large.json", large) ||
      !write_file(dir + "stream.ndjson", stream) ||
      !write_file(dir + "shuffled.ndjson", shuffled)) {
    std::fprintf(stderr, "livesend_corpus: cannot write into %s\n", out_dir.c_str());
    return 2;
  }
  std::string json = "{\n";
  json += fmt::format("  \"seed_bytes\": {},\n  \"large_bytes\": {},\n  \"stream_bytes\": {}",
                      seed.str().size(), large.size(), stream.size());
  for (const auto& [key, n] : stats) json += fmt::format(",\n  \"stream.{}\": {}", key, n);
  json += "\n}\n";
  if (!write_file(dir + "stats.json", json)) return 2;
  std::printf("livesend_corpus: seed %zu bytes, large %zu bytes, stream %zu events in %zu bytes\n",
              seed.str().size(), large.size(), stream_events, stream.size());
  return 0;
}
