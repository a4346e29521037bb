// tests/test_tables.cpp: tables.hpp and csv.hpp: the columns by the contract's naming rule, the
// row walk over the seed (both flavours), raw minification, CSV quoting and the seed as CSV.
#include "livesend/tables.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "catch.hpp"
#include "livesend/csv.hpp"
#include "livesend/parse.hpp"
#include "support.hpp"
#include "table_rows.hpp"

namespace {

using livesend::table;

std::vector<std::string> names_of(table t) {
  std::vector<std::string> out;
  for (const auto& c : livesend::columns(t)) out.emplace_back(c.name());
  return out;
}

const livesend::column& column_named(table t, std::string_view name) {
  const auto cols = livesend::columns(t);
  const std::size_t i = cols.find(name);
  INFO(std::string(name));
  REQUIRE(i < cols.size());
  return cols[i];
}

template <class Event>
Event parse(const std::string& json) {
  static livesend::parser parser;  // views point into its buffers: one parser per flavour
  Event ev;
  const auto err = parser.parse(json, ev);
  INFO(err.to_string());
  REQUIRE(err.ok());
  return ev;
}

// The columns are compile-time data.
static_assert(livesend::columns(table::events)[0].name() == "id");
static_assert(livesend::table_columns_v<table::content_sessions>[2].name() == "total_pages");
static_assert(livesend::columns(table::content_sessions).find("content_profile_id") <
              livesend::columns(table::content_sessions).size());

}  // namespace

TEST_CASE("column names follow the contract's naming rule", "[tables][columns]") {
  struct expected {
    table t;
    const char* name;
    livesend::value_type type;
    bool not_null;
    const char* path;
  };
  using vt = livesend::value_type;
  // The contract's examples, and a few more.
  const expected examples[] = {
      {table::events, "id", vt::str, true, "id"},
      {table::events, "occurred_at", vt::ts, false, "occurredAt"},
      {table::events, "product_area", vt::str, false, "productArea"},
      {table::events, "total_duration_seconds", vt::int64, true, "data.TotalDurationSeconds"},
      {table::events, "client_city", vt::str, true, "data.ClientDetails.City"},
      {table::events, "client_geolocation_latitude", vt::num, true,
       "data.ClientDetails.GeolocationLatitude"},
      {table::events, "client_locale", vt::str, false, "data.ClientDetails.Locale"},
      {table::events, "link_expires_at", vt::ts, false,
       "data.LivesendSessionSummary.Link.ExpiresAt"},
      {table::events, "link_is_live", vt::boolean, true, "data.LivesendSessionSummary.Link.IsLive"},
      {table::events, "link_download_formats_setting", vt::str_array, true,
       "data.LivesendSessionSummary.Link.DownloadFormatsSetting"},
      {table::events, "link_tags", vt::raw, true, "data.LivesendSessionSummary.Link.Tags"},
      {table::events, "link_id_global", vt::str, false,
       "data.LivesendSessionSummary.Link.IdGlobal"},
      {table::events, "tracking_parameters", vt::raw, false,
       "data.LivesendSessionSummary.TrackingParameters"},
      {table::events, "recipients", vt::raw, false, "data.Recipients"},
      {table::link_contents, "library_teamsite_id", vt::str, false, "LibraryContent.TeamsiteId"},
      {table::link_contents, "content_profile_id", vt::str, false, "ContentProfileId"},
      {table::link_contents, "content_profile_path", vt::str_array, false, "ContentProfilePath"},
      {table::link_contents, "total_pages", vt::int64, false, "TotalPages"},
      {table::content_sessions, "content_name", vt::str, false, "Content.Name"},
      {table::content_sessions, "content_total_pages", vt::int64, false, "Content.TotalPages"},
      {table::content_sessions, "content_library_teamsite_id", vt::str, false,
       "Content.LibraryContent.TeamsiteId"},
      {table::content_sessions, "content_profile_id", vt::str, false, "Content.ContentProfileId"},
      {table::content_sessions, "content_profile_path", vt::str_array, false,
       "Content.ContentProfilePath"},
      {table::content_sessions, "was_viewed", vt::boolean, true, "WasViewed"},
      {table::pages, "page_index", vt::int64, true, "PageIndex"},
      {table::pages, "started_at", vt::ts, false, "StartedAt"},
      {table::participants, "context", vt::raw, true, "Context"},
  };
  for (const auto& e : examples) {
    INFO(livesend::table_name(e.t) << "." << e.name);
    const auto& c = column_named(e.t, e.name);
    CHECK(c.type == e.type);
    CHECK(c.not_null == e.not_null);
    CHECK(c.path() == e.path);
    CHECK(c.key == (e.t == table::events && c.name() == "id"));
  }
  // Link.Id and ClientDetails.SessionId keep their prefix; the nested `Content` of a content
  // session does not repeat it.
  CHECK(livesend::columns(table::events).find("link_id") < livesend::columns(table::events).size());
  CHECK(livesend::columns(table::content_sessions).find("content_content_profile_id") ==
        livesend::columns(table::content_sessions).size());
}

TEST_CASE("each table's columns, in order", "[tables][columns]") {
  // events: the key and the version, the wrapper, data's own fields, then client_, link_ and
  // tracking_parameters.
  const auto events = names_of(table::events);
  REQUIRE(events.size() == 67);
  CHECK(std::vector<std::string>(events.begin(), events.begin() + 9) ==
        std::vector<std::string>{"id", "version", "application", "occurred_at", "tenant_id",
                                 "tenant_name", "product_area", "interaction_id",
                                 "delivery_option_name"});
  CHECK(events[30] == "landing_page_duration_seconds");
  CHECK(events[31] == "client_browser");
  CHECK(events[46] == "client_application_type");
  CHECK(events[47] == "link_allow_download");
  CHECK(events[65] == "link_normalized_id_global");
  CHECK(events[66] == "tracking_parameters");

  CHECK(names_of(table::link_contents) == std::vector<std::string>{"event_id",
                                                                   "idx",
                                                                   "id",
                                                                   "id_global",
                                                                   "name",
                                                                   "pages",
                                                                   "quick_access_path",
                                                                   "repository",
                                                                   "total_pages",
                                                                   "type",
                                                                   "version_id",
                                                                   "version_id_global",
                                                                   "content_profile_id",
                                                                   "content_profile_path",
                                                                   "library_id",
                                                                   "library_id_global",
                                                                   "library_teamsite_id",
                                                                   "library_teamsite_id_global",
                                                                   "library_version_id",
                                                                   "library_version_id_global"});
  const auto sessions = names_of(table::content_sessions);
  REQUIRE(sessions.size() == 31);
  CHECK(std::vector<std::string>(sessions.begin(), sessions.begin() + 5) ==
        std::vector<std::string>{"event_id", "idx", "total_pages", "total_pages_viewed", "id"});
  CHECK(sessions[12] == "download_formats");
  CHECK(sessions[13] == "content_id");
  CHECK(sessions[23] == "content_library_id");
  CHECK(sessions[29] == "content_profile_id");
  CHECK(sessions[30] == "content_profile_path");
  CHECK(names_of(table::pages) ==
        std::vector<std::string>{"event_id", "session_idx", "idx", "duration_milliseconds",
                                 "started_at", "ended_at", "page_index", "thumbnail_image_url"});
  CHECK(names_of(table::participants) ==
        std::vector<std::string>{"event_id", "idx", "context", "interaction_id", "email", "user_id",
                                 "user_type", "user_login_type"});

  // Key columns: NOT NULL, first; all but the event's id are not contract fields.
  for (table t : livesend::all_tables) {
    const auto cols = livesend::columns(t);
    const std::size_t keys = t == table::events ? 1 : t == table::pages ? 3 : 2;
    for (std::size_t i = 0; i < keys; ++i) {
      CHECK(cols[i].key);
      CHECK(cols[i].not_null);
      CHECK(cols[i].path().empty() == (t != table::events));
    }
    for (std::size_t i = keys; i < cols.size(); ++i) CHECK_FALSE(cols[i].key);
    // SQL types follow the contract types.
    for (const auto& c : cols) {
      const auto sql = c.sql();
      switch (c.type) {
        case livesend::value_type::int64:
        case livesend::value_type::boolean:
          CHECK(sql == livesend::sql_type::integer);
          break;
        case livesend::value_type::num:
          CHECK(sql == livesend::sql_type::real);
          break;
        default:
          CHECK(sql == livesend::sql_type::text);
      }
    }
  }
}

TEMPLATE_TEST_CASE("the seed's rows, cell by cell", "[tables][rows]", livesend::event,
                   livesend::event_view) {
  const TestType ev = parse<TestType>(test::seed());
  test::recording_sink sink;
  livesend::for_each_row(ev, sink);
  CHECK_FALSE(sink.out_of_order);
  REQUIRE(sink.rows.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(sink.rows[i].table == livesend::all_tables[i]);
    CHECK(sink.rows[i].cells.size() == livesend::columns(livesend::all_tables[i]).size());
  }

  const auto& e = sink.rows[0];
  CHECK(e["id"] == "s:e40bbaab-f86e-e62b-d3c9-5104734edb18");
  CHECK(e["version"] == "s:livesend-session-summary-v3");
  CHECK(e["application"] == "s:Web");
  CHECK(e["occurred_at"] == "t:2024-07-14T14:03:52.679592Z");
  CHECK(e["tenant_name"] == "s:demo");
  CHECK(e["product_area"] == "s:Livesend");
  CHECK(e["interaction_id"] == "s:89214603-0be5-4f78-86e3-fba72bdef6c3");
  CHECK(e["delivery_option_name"] == "null");
  CHECK(e["interaction_occurred_at"] == "null");  // DateTime.MinValue: unset
  CHECK(e["recipients"] == "null");
  CHECK(e["details_url"] == "s:");
  CHECK(e["session_ended_at"] == "t:2024-07-14T14:03:45Z");
  CHECK(e["session_started_at"] == "t:2024-07-14T13:47:38Z");
  CHECK(e["total_content"] == "i:1");
  CHECK(e["total_duration_seconds"] == "i:966");
  CHECK(e["landing_page_duration_seconds"] == "i:0");
  CHECK(e["client_city"] == "s:Charlotte");
  CHECK(e["client_ip_address"] == "s:");
  CHECK(e["client_locale"] == "null");
  CHECK(e["client_geolocation_latitude"] == "d:15.2316");
  CHECK(e["client_geolocation_longitude"] == "d:-10.8428");
  CHECK(e["client_application_type"] == "s:unknown");
  CHECK(e["link_allow_download"] == "b:false");
  CHECK(e["link_download_formats_setting"] == "j:[]");
  CHECK(e["link_created_at"] == "t:2024-07-11T01:29:58.898593Z");
  CHECK(e["link_expires_at"] == "t:2025-07-11T00:00:00Z");
  CHECK(e["link_is_live"] == "b:true");
  CHECK(e["link_modified_at"] == "null");
  CHECK(e["link_notification_mode"] == "s:summary");
  CHECK(e["link_tags"] == "j:[]");
  CHECK(e["link_download_formats"] == "null");
  CHECK(e["tracking_parameters"] == "null");

  const auto& lc = sink.rows[1];
  CHECK(lc["event_id"] == "s:e40bbaab-f86e-e62b-d3c9-5104734edb18");
  CHECK(lc["idx"] == "i:0");
  CHECK(lc["id"] == "null");
  CHECK(lc["name"] == "s:Demo Content");
  CHECK(lc["pages"] == "null");
  CHECK(lc["total_pages"] == "i:0");
  CHECK(lc["content_profile_id"] == "s:32e410ed-f546-42a0-b87a-7d7cd4faad86");
  CHECK(lc["content_profile_path"] == "j:[\"ADP GlobalView Payroll\"]");
  CHECK(lc["library_id"] == "s:dec49f1b-f423-48d8-9b33-23a9c79e8abd");
  CHECK(lc["library_teamsite_id"] == "s:b9c95f7d-1822-4a68-8372-b61dd4635dfc");
  CHECK(lc["library_teamsite_id_global"] == "null");

  const auto& cs = sink.rows[2];
  CHECK(cs["idx"] == "i:0");
  CHECK(cs["id"] == "s:4ce059a8-88bc-7825-ab0c-24173a97ef70");
  CHECK(cs["total_pages"] == "i:1");
  CHECK(cs["session_type"] == "s:pages");
  CHECK(cs["was_viewed"] == "b:false");
  CHECK(cs["download_formats"] == "null");
  CHECK(cs["content_name"] == "s:Demo Content");
  CHECK(cs["content_total_pages"] == "i:0");
  CHECK(cs["content_library_teamsite_id"] == "s:b9c15f7d-1822-4a68-8372-b61dd4635dfc");
  CHECK(cs["content_profile_id"] == "s:32e410ed-f546-42a0-b87a-7d7cd4faad86");
  CHECK(cs["content_profile_path"] == "j:[\"Demo Content\"]");

  const auto& p = sink.rows[3];
  CHECK(p.cells == std::vector<std::string>{"s:e40bbaab-f86e-e62b-d3c9-5104734edb18", "i:0", "i:0",
                                            "i:0", "null", "null", "i:1", "s:"});

  const auto& pa = sink.rows[4];
  CHECK(pa.cells == std::vector<std::string>{"s:e40bbaab-f86e-e62b-d3c9-5104734edb18", "i:0",
                                             "j:[]", "s:89294603-0be5-4f78-86e3-fba72bdef6c3",
                                             "s:[email protected]", "null", "s:Buyer",
                                             "s:Seismic"});
}

TEST_CASE("both flavours give the same cells", "[tables][rows]") {
  std::string json = test::seed_with("\"Tags\": []", "\"Tags\": [ 1 , {\"a b\" : \"c\\\" d\"} ]");
  json = test::replace_once(json, "\"TrackingParameters\": null",
                            "\"TrackingParameters\": {\n \"utm\" : [ \"x\" ,\t\"y z\" ] }");
  const auto owning = test::rows_of(parse<livesend::event>(json));
  const auto view = test::rows_of(parse<livesend::event_view>(json));
  CHECK(owning == view);
  // Raw values are minified; whitespace inside strings is kept.
  CHECK(owning[0]["link_tags"] == "j:[1,{\"a b\":\"c\\\" d\"}]");
  CHECK(owning[0]["tracking_parameters"] == "j:{\"utm\":[\"x\",\"y z\"]}");
}

TEST_CASE("arrays of items become rows in order with their keys", "[tables][rows]") {
  livesend::event ev = parse<livesend::event>(test::seed());
  auto& sessions = ev.data.content_sessions;
  sessions.push_back(sessions[0]);
  sessions[1].id = "second";
  sessions[1].pages.push_back(sessions[1].pages[0]);
  sessions[1].pages[1].page_index = 7;
  sessions[1].content.library_content.reset();
  sessions[1].content.content_profile_path = std::vector<std::string>{"a\"b", "c\\d", "\n"};
  ev.data.participants.clear();

  const test::recording_sink sink = [&] {
    test::recording_sink s;
    livesend::for_each_row(ev, s);
    return s;
  }();
  const auto cs = sink.of(table::content_sessions);
  REQUIRE(cs.size() == 2);
  CHECK(cs[1]["idx"] == "i:1");
  CHECK(cs[1]["id"] == "s:second");
  // An absent optional object: all its columns are null.
  CHECK(cs[1]["content_library_id"] == "null");
  CHECK(cs[1]["content_library_version_id_global"] == "null");
  CHECK(cs[1]["content_profile_path"] == "j:[\"a\\\"b\",\"c\\\\d\",\"\\n\"]");

  const auto pages = sink.of(table::pages);
  REQUIRE(pages.size() == 3);
  CHECK(pages[0]["session_idx"] == "i:0");
  CHECK(pages[1]["session_idx"] == "i:1");
  CHECK(pages[1]["idx"] == "i:0");
  CHECK(pages[2]["session_idx"] == "i:1");
  CHECK(pages[2]["idx"] == "i:1");
  CHECK(pages[2]["page_index"] == "i:7");
  CHECK(sink.of(table::participants).empty());
  // Parents before children: every row of a table after those of the tables before it.
  for (std::size_t i = 1; i < sink.rows.size(); ++i) {
    CHECK(sink.rows[i - 1].table <= sink.rows[i].table);
  }
}

TEST_CASE("CSV fields are quoted per RFC 4180", "[tables][csv]") {
  const auto field = [](std::string_view text, bool quote_empty = false) {
    fmt::memory_buffer out;
    livesend::append_csv_field(out, text, quote_empty);
    return fmt::to_string(out);
  };
  CHECK(field("plain text") == "plain text");
  CHECK(field("") == "");
  CHECK(field("", true) == "\"\"");
  CHECK(field("a,b") == "\"a,b\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("\"") == "\"\"\"\"");
  CHECK(field("line\nbreak") == "\"line\nbreak\"");
  CHECK(field("cr\rhere") == "\"cr\rhere\"");
  CHECK(field("d\xc3\xa9j\xc3\xa0 vu") == "d\xc3\xa9j\xc3\xa0 vu");  // UTF-8 as is
  CHECK(field(" spaces ") == " spaces ");
  // Every length from 0 to 40 with the byte that needs quotes at each place (the edges of the
  // 16-byte scan), against the rule written out.
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string plain(n, 'x');
    CHECK(field(plain) == plain);
    for (std::size_t at = 0; at < n; ++at) {
      for (const char special : {',', '"', '\r', '\n', ';', '\t'}) {
        std::string text = plain;
        text[at] = special;
        INFO("length " << n << ", byte " << int(special) << " at " << at);
        std::string expected = text;
        if (special == '"') expected.insert(at, 1, '"');
        const bool quoted = special == ',' || special == '"' || special == '\r' || special == '\n';
        CHECK(field(text) == (quoted ? "\"" + expected + "\"" : expected));
      }
    }
  }
}

TEST_CASE("the seed as CSV", "[tables][csv]") {
  std::string json = test::seed_with("\"tenantName\": \"demo\"", "\"tenantName\": \"de,\\\"mo\"");
  json = test::replace_once(json, "\"Context\": []", "\"Context\": {\"a\": [1, \"x,y\"]}");
  const auto ev = parse<livesend::event_view>(json);
  livesend::csv_writer csv;
  csv.write(ev);

  fmt::memory_buffer header;
  livesend::append_csv_header(header, table::pages);
  CHECK(fmt::to_string(header) ==
        "event_id,session_idx,idx,duration_milliseconds,started_at,ended_at,page_index,"
        "thumbnail_image_url\r\n");
  CHECK(csv.text(table::pages) == "e40bbaab-f86e-e62b-d3c9-5104734edb18,0,0,0,,,1,\"\"\r\n");
  CHECK(csv.text(table::participants) ==
        "e40bbaab-f86e-e62b-d3c9-5104734edb18,0,\"{\"\"a\"\":[1,\"\"x,y\"\"]}\","
        "89294603-0be5-4f78-86e3-fba72bdef6c3,[email protected],,Buyer,Seismic\r\n");
  const std::string events(csv.text(table::events));
  CHECK(
      events.rfind("e40bbaab-f86e-e62b-d3c9-5104734edb18,livesend-session-summary-v3,Web,"
                   "2024-07-14T14:03:52.679592Z,79caac86-4242-401f-bf63-4505f609dd22,\"de,\"\"mo\","
                   "Livesend,89214603-0be5-4f78-86e3-fba72bdef6c3,,,",
                   0) == 0);
  CHECK(events.find(",Charlotte,United States,pc,\"\",,windows,") != std::string::npos);
  CHECK(events.find(",15.2316,-10.8428,") != std::string::npos);
  CHECK(events.find(",false,[],false,false,2024-07-11T01:29:58.898593Z,") != std::string::npos);
  CHECK(events.size() >= 2);
  CHECK(events.substr(events.size() - 2) == "\r\n");
  CHECK(events.find('\n') == events.size() - 1);  // one record
  // One field per column in every table.
  for (table t : livesend::all_tables) {
    const std::string text(csv.text(t));
    INFO(text);
    REQUIRE_FALSE(text.empty());
  }
  CHECK(csv.text(table::link_contents).find(",\"[\"\"ADP GlobalView Payroll\"\"]\",") !=
        std::string_view::npos);

  csv.clear(table::pages);
  CHECK(csv.text(table::pages).empty());
  csv.write(ev);
  CHECK(csv.text(table::pages) == "e40bbaab-f86e-e62b-d3c9-5104734edb18,0,0,0,,,1,\"\"\r\n");
}

TEST_CASE("the DDL names every column with its type", "[tables][ddl]") {
  const std::string ddl = livesend::sqlite_ddl();
  CHECK(ddl.rfind("CREATE TABLE events (\n  id TEXT NOT NULL,\n  version TEXT NOT NULL,\n", 0) ==
        0);
  CHECK(ddl.find("  client_geolocation_latitude REAL NOT NULL,\n") != std::string::npos);
  CHECK(ddl.find("  link_is_live INTEGER NOT NULL,\n") != std::string::npos);
  CHECK(ddl.find("  occurred_at TEXT,\n") != std::string::npos);
  CHECK(ddl.find(
            "  PRIMARY KEY (event_id, session_idx, idx),\n  FOREIGN KEY (event_id, "
            "session_idx) REFERENCES content_sessions (event_id, idx) ON DELETE CASCADE\n);\n") !=
        std::string::npos);
  CHECK(livesend::sqlite_create_table(table::participants, true)
            .rfind("CREATE TABLE IF NOT EXISTS participants (", 0) == 0);
}

TEST_CASE("Python's csv module reads the CSV back to the same fields", "[tables][csv]") {
  if (std::system("python3 -c pass > /dev/null 2>&1") != 0) {
    WARN("python3 not found: skipped");
    return;
  }
  std::string json = test::seed_with("\"tenantName\": \"demo\"",
                                     "\"tenantName\": \"a,b \\\"q\\\"\\r\\nline \\u00e9\"");
  json = test::replace_once(json, "\"Context\": []", "\"Context\": {\"k\": \"v, \\\"w\\\"\"}");
  const auto ev = parse<livesend::event>(json);
  livesend::csv_writer csv;
  for (table t : livesend::all_tables) livesend::append_csv_header(csv.buffer(t), t);
  csv.write(ev);

  for (table t : {table::events, table::participants}) {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("livesend-test-" + std::to_string(::getpid()) + "-" +
                               std::string(livesend::table_name(t)) + ".csv"))
                                 .string();
    {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      REQUIRE(f != nullptr);
      const auto text = csv.text(t);
      std::fwrite(text.data(), 1, text.size(), f);
      std::fclose(f);
    }
    // Python prints each field's UTF-8 bytes in hex, one per line: the header, then the row.
    const std::string command =
        "python3 -c \"import csv, sys\n"
        "for row in csv.reader(open(sys.argv[1], newline='', encoding='utf-8')):\n"
        "    [print(f.encode('utf-8').hex()) for f in row]\" " +
        path;
    std::FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    CHECK(pclose(p) == 0);
    std::remove(path.c_str());

    std::vector<std::string> expected;
    for (const auto& c : livesend::columns(t)) expected.emplace_back(c.name());
    test::recording_sink sink;
    livesend::for_each_row(ev, sink);
    const auto rows = sink.of(t);
    REQUIRE(rows.size() == 1);
    for (const auto& cell : rows[0].cells) {
      // What the CSV holds for each cell, as text: the value without its tag, "" for null,
      // true/false for bool.
      expected.push_back(cell == "null" ? "" : cell.substr(2));
    }
    std::string expected_out;
    for (const auto& f : expected) {
      for (unsigned char c : f) expected_out += fmt::format("{:02x}", c);
      expected_out += "\n";
    }
    INFO(livesend::table_name(t));
    CHECK(out == expected_out);
  }
}
