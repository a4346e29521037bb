// tests/test_field_rules.cpp: the rules a schema row carries (model.hpp): personal data and
// redaction (write_options::redact, append_redacted, tables' column::personal), "errors never
// quote personal values" for every personal field of the schema, and allowed values: the
// version outranks any other error, whatever the key order (issue 14).
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "livesend/livesend.hpp"
#include "support.hpp"

namespace {

using livesend::error_code;
using livesend::personal;

// ---- The personal fields of the schema, walked over a value -----------------------------------

template <class T>
struct is_vec : std::false_type {};
template <class T>
struct is_vec<std::vector<T>> : std::true_type {};

template <class T>
struct is_opt : std::false_type {};
template <class T>
struct is_opt<std::optional<T>> : std::true_type {};

/// One personal field of the seed event, reached through the schema.
struct personal_field {
  std::string name;  ///< `Type.Key`, e.g. `Participant.Email`
  std::string key;   ///< as the contract spells it
  personal kind;
};

/// Every personal row of every record type, by name (`Type.Key`), from the schema alone.
template <class T>
void personal_rows(std::set<std::string>& out) {
  livesend::detail::for_each_field<T>([&](const auto& def) {
    using M = std::remove_reference_t<decltype(std::declval<T&>().*(def.member))>;
    if (def.personal_kind != personal::none) {
      out.insert(std::string(livesend::schema<T>::name) + "." + std::string(def.key));
    }
    using U = typename livesend::detail::element_of<M>::type;
    if constexpr (livesend::detail::is_record_v<U>) personal_rows<U>(out);
  });
}

/// Calls f(field, member) for each personal member of `record` and of the records inside (the
/// first element of each array, an optional record only when engaged).
template <class T, class F>
void for_each_personal(T& record, F& f) {
  livesend::detail::for_each_field<T>([&](const auto& def) {
    auto& member = record.*(def.member);
    using M = std::remove_reference_t<decltype(member)>;
    if (def.personal_kind != personal::none) {
      f(personal_field{std::string(livesend::schema<T>::name) + "." + std::string(def.key),
                       std::string(def.key), def.personal_kind},
        member);
    }
    if constexpr (livesend::detail::is_record_v<M>) {
      for_each_personal(member, f);
    } else if constexpr (is_opt<M>::value) {
      if constexpr (livesend::detail::is_record_v<typename M::value_type>) {
        if (member) for_each_personal(*member, f);
      }
    } else if constexpr (is_vec<M>::value) {
      if constexpr (livesend::detail::is_record_v<typename M::value_type>) {
        if (!member.empty()) for_each_personal(member.front(), f);
      }
    }
  });
}

/// The personal-looking value each kind is tested with, and the text that must not leak.
struct personal_value {
  std::string json;    ///< the value as JSON
  std::string secret;  ///< what must never appear once masked, or in an error
};

personal_value value_for(personal kind) {
  switch (kind) {
    case personal::email:
      return {"\"jane.doe@example.com\"", "jane.doe"};
    case personal::ip_address:
      return {"\"198.51.100.23\"", "51.100.23"};
    case personal::coordinate:
      return {"48.8566", "48.8566"};
    case personal::raw:
      return {"[\"bob.smith@example.net\",{\"to\":\"jane.doe@example.com\"}]", "bob.smith"};
    case personal::none:
      break;
  }
  return {};
}

/// Sets a member to a JSON value (the model's types, from JSON text).
template <class T>
void set_from_json(T&, const std::string&) {
  FAIL("a personal member of a type the test does not know");
}
void set_from_json(std::string& s, const std::string& json) {
  s = json.substr(1, json.size() - 2);  // the test values have no escapes
}
void set_from_json(double& d, const std::string& json) { d = std::stod(json); }
void set_from_json(livesend::raw_json& r, const std::string& json) { r.json = json; }
template <class T>
void set_from_json(std::optional<T>& o, const std::string& json) {
  o.emplace();
  set_from_json(*o, json);
}

/// A unique marker each kind can hold, replaced in the JSON text afterwards.
template <class T>
void set_marker(T&, const std::string&) {
  FAIL("a personal member of a type the test does not know");
}
void set_marker(std::string& s, const std::string& marker) { s = marker; }
void set_marker(double& d, const std::string& marker) { d = std::stod(marker); }
void set_marker(livesend::raw_json& r, const std::string& marker) { r.json = "\"" + marker + "\""; }
template <class T>
void set_marker(std::optional<T>& o, const std::string& marker) {
  o.emplace();
  set_marker(*o, marker);
}

livesend::parse_options normalized() {
  livesend::parse_options o;
  o.null_timestamp_is_unset = true;  // the normalized JSON writes unset timestamps as null
  return o;
}

livesend::event seed_event() {
  livesend::parser p;
  livesend::event ev;
  const livesend::error err = p.parse(test::seed(), ev);
  REQUIRE_FALSE(err);
  return ev;
}

}  // namespace

TEST_CASE("the schema marks the personal fields", "[rules][personal]") {
  std::set<std::string> rows;
  personal_rows<livesend::event>(rows);
  const std::set<std::string> expected = {
      "ClientDetails.GeolocationLatitude",
      "ClientDetails.GeolocationLongitude",
      "ClientDetails.IpAddress",
      "Content.Pages",
      "ContentSession.DownloadFormats",
      "Data.Email",
      "Data.Links",
      "Data.Recipients",
      "Link.DownloadFormats",
      "Link.Tags",
      "Participant.Context",
      "Participant.Email",
      "SessionSummary.TrackingParameters",
  };
  CHECK(rows == expected);
  // The walk over the seed reaches every one of them (so the tests below cover them all).
  livesend::event ev = seed_event();
  std::set<std::string> reached;
  auto note = [&](const personal_field& f, auto&) { reached.insert(f.name); };
  for_each_personal(ev, note);
  CHECK(reached == expected);

  STATIC_REQUIRE(livesend::personal_of<&livesend::participant::email> == personal::email);
  STATIC_REQUIRE(livesend::personal_of<&livesend::data_view::email> == personal::email);
  STATIC_REQUIRE(livesend::personal_of<&livesend::client_details::ip_address> ==
                 personal::ip_address);
  STATIC_REQUIRE(livesend::personal_of<&livesend::client_details::geolocation_latitude> ==
                 personal::coordinate);
  STATIC_REQUIRE(livesend::personal_of<&livesend::participant_view::context> == personal::raw);
  STATIC_REQUIRE(livesend::personal_of<&livesend::client_details::city> == personal::none);
  STATIC_REQUIRE(livesend::personal_of<&livesend::event::version> == personal::none);
}

TEST_CASE("tables: a column knows its field's personal kind", "[rules][personal][tables]") {
  std::size_t personal_columns = 0;
  for (const livesend::table t : livesend::all_tables) {
    for (const livesend::column& c : livesend::columns(t)) {
      if (c.personal != personal::none) ++personal_columns;
    }
  }
  // Content.Pages is in two tables' rows (link_contents, content_sessions' content_pages).
  CHECK(personal_columns == 14);
  const auto kind = [](livesend::table t, std::string_view name) {
    const livesend::column_list cols = livesend::columns(t);
    REQUIRE(cols.find(name) < cols.size());
    return cols[cols.find(name)].personal;
  };
  CHECK(kind(livesend::table::events, "client_ip_address") == personal::ip_address);
  CHECK(kind(livesend::table::events, "client_geolocation_longitude") == personal::coordinate);
  CHECK(kind(livesend::table::events, "email") == personal::email);
  CHECK(kind(livesend::table::events, "recipients") == personal::raw);
  CHECK(kind(livesend::table::participants, "email") == personal::email);
  CHECK(kind(livesend::table::participants, "context") == personal::raw);
  CHECK(kind(livesend::table::events, "client_city") == personal::none);
  CHECK(kind(livesend::table::events, "id") == personal::none);
  CHECK(kind(livesend::table::participants, "event_id") == personal::none);
}

TEST_CASE("redaction: every personal field's value is gone from the JSON", "[rules][redact]") {
  livesend::event ev = seed_event();
  std::size_t fields = 0;
  auto check = [&](const personal_field& f, auto& member) {
    ++fields;
    INFO(f.name);
    const personal_value value = value_for(f.kind);
    const auto saved = member;
    set_from_json(member, value.json);
    const std::string plain = livesend::to_json(ev);
    const std::string redacted = livesend::to_json(ev, livesend::write_options{true});
    CHECK(plain.find(value.secret) != std::string::npos);
    CHECK(redacted.find(value.secret) == std::string::npos);
    if (f.kind == personal::raw) CHECK(redacted.find("jane.doe") == std::string::npos);
    // Only that field differs, and the output is still an event that reads.
    CHECK(redacted.size() != plain.size());
    livesend::parser p(normalized());
    livesend::event back;
    CHECK_FALSE(p.parse(redacted, back));
    // The view flavour writes the same.
    livesend::parser pv(normalized());
    livesend::event_view view;
    REQUIRE_FALSE(pv.parse(plain, view));
    CHECK(livesend::to_json(view, livesend::write_options{true}) == redacted);
    member = saved;
  };
  for_each_personal(ev, check);
  CHECK(fields == 14);  // the 13 rows, Content.Pages in both Link.Content[0] and a session
  // Without personal data set, redaction changes nothing but what the seed holds (the
  // participant's e-mail, which is not an address, and the coordinates).
  const std::string seed_redacted = livesend::to_json(ev, livesend::write_options{true});
  CHECK(seed_redacted.find("\"GeolocationLatitude\":15.2,\"GeolocationLongitude\":-10.8") !=
        std::string::npos);
  CHECK(livesend::to_json(ev, livesend::write_options{false}) == livesend::to_json(ev));
}

TEST_CASE("redaction: the masks", "[rules][redact]") {
  const auto masked = [](personal kind, std::string_view text) {
    std::string out;
    livesend::append_redacted(out, kind, text);
    return out;
  };
  CHECK(masked(personal::email, "jane.doe@example.com") == "j***@example.com");
  CHECK(masked(personal::email, "_x@example.com") == "***@example.com");
  CHECK(masked(personal::email, "no address") == "***");
  CHECK(masked(personal::email, "@example.com") == "***");
  CHECK(masked(personal::email, "").empty());
  CHECK(masked(personal::ip_address, "198.51.100.23") == "198.51.*.*");
  CHECK(masked(personal::ip_address, "2001:db8:85a3::8a2e:370:7334") == "2001:db8:*");
  CHECK(masked(personal::ip_address, "203.0.113.9, 10.0.0.1") == "***");
  CHECK(masked(personal::ip_address, "").empty());
  CHECK(masked(personal::raw, "[ \"bob@example.net\", {\"to\": \"x@y.io\"}, \"no address\" ]") ==
        "[\"b***@example.net\",{\"to\":\"x***@y.io\"},\"no address\"]");
  CHECK(masked(personal::raw, "[\"a\\u0040b.c\", \"a@b\\u002ec\", \"a b\"]") ==
        "[\"***\",\"***\",\"a b\"]");
  CHECK(masked(personal::none, "jane@example.com") == "jane@example.com");
  CHECK(livesend::redact_coordinate(15.2316) == 15.2);
  CHECK(livesend::redact_coordinate(-10.8428) == -10.8);
  // The JSON writer escapes what the mask keeps.
  livesend::event ev = seed_event();
  ev.data.email = "a@ex\"ample.com";
  CHECK(livesend::to_json(ev, livesend::write_options{true})
            .find("\"Email\":\"a***@ex\\\"ample.com\"") != std::string::npos);
}

// ---- Errors never quote personal values --------------------------------------------------------

TEST_CASE("errors never quote the values of personal fields", "[rules][redact][pii]") {
  // The parser's messages quote timestamps and the version only. A wrong or broken value in a
  // personal field is named by its path, never repeated: for every personal field of the schema,
  // each way to break it with a personal-looking value.
  livesend::event ev = seed_event();
  std::size_t fields = 0;
  auto check = [&](const personal_field& f, auto& member) {
    ++fields;
    const personal_value value = value_for(f.kind);
    const auto saved = member;
    const std::string marker = f.kind == personal::coordinate ? "12.3456789" : "MARKER-7f3a";
    set_marker(member, marker);
    const std::string text = livesend::to_json(ev);
    member = saved;
    const std::string quoted_marker =
        f.kind == personal::coordinate ? marker : "\"" + marker + "\"";
    // The personal value as a JSON string (the coordinate's too, where a string is wrong).
    const std::string as_string = value.json[0] == '"' ? value.json : "\"" + value.secret + "\"";
    const std::string inner =
        as_string.substr(0, as_string.size() - 1);  // without the closing quote
    std::vector<std::string> breaks = {
        inner + "\\q\"",                                                        // bad escape
        inner + "\xff\"",                                                       // invalid UTF-8
        inner + "\x01\"",                                                       // control character
        value.json + ",\"zz\":" + std::string(70, '[') + std::string(70, ']'),  // too deep after
        value.json + " " + value.json,  // malformed after it
    };
    if (f.kind != personal::raw) {
      // Wrong types, and a wrong duplicate after the value.
      breaks.push_back("[" + value.json + "]");
      breaks.push_back("{\"v\":" + value.json + "}");
      breaks.push_back(value.json + ",\"" + f.key + "\":true");
      if (f.kind == personal::coordinate) {
        breaks.push_back(as_string);
        breaks.push_back(value.secret + "e999");  // out of range
      } else {
        breaks.push_back(value.secret.size() > 5 ? "19851.10023" : "1");
      }
    } else {
      breaks.push_back(std::string(70, '[') + value.json + std::string(70, ']'));  // too deep
    }
    for (const std::string& bad : breaks) {
      const std::string input = test::replace_once(text, quoted_marker, bad);
      INFO(f.name << ": " << bad.substr(0, 80));
      for (const bool view : {false, true}) {
        livesend::parser parser(normalized());
        livesend::error err;
        if (view) {
          livesend::event_view out;
          err = parser.parse(input, out);
        } else {
          livesend::event out;
          err = parser.parse(input, out);
        }
        REQUIRE(err);
        INFO(err.to_string());
        CHECK(err.to_string().find(value.secret) == std::string::npos);
        CHECK(err.to_string().find("19851") == std::string::npos);
      }
    }
  };
  for_each_personal(ev, check);
  CHECK(fields == 14);  // the 13 rows, Content.Pages in both Link.Content[0] and a session
  // The participant's Email (a required str), its message exactly.
  const std::string wrong = test::replace_once(test::seed(), "\"Email\": \"[email protected]\"",
                                               "\"Email\": {\"v\": \"jane.doe@example.com\"}");
  const livesend::result<livesend::event> r = livesend::parse_event(wrong);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().to_string() == "data.Participants[0].Email: expected a string, found an object");
}

// ---- The version outranks ---------------------------------------------------------------------

namespace {

/// The error of parsing `json`, with both flavours (they must agree).
livesend::error parse_fails(const std::string& json) {
  livesend::parser p;
  livesend::event ev;
  livesend::error err = p.parse(json, ev);
  livesend::parser pv;
  livesend::event_view view;
  const livesend::error view_err = pv.parse(json, view);
  CHECK(err == view_err);
  REQUIRE(err);
  return err;
}

/// `json` and the same document with every object's keys in reverse order.
std::vector<std::string> both_orders(const std::string& json) {
  test::rewrite_options reversed;
  reversed.reverse_keys = true;
  return {json, test::rewrite(json, reversed)};
}

}  // namespace

TEST_CASE("version: another version is unsupported_version whatever the key order",
          "[rules][version]") {
  struct body {
    const char* name;
    std::string json;
    const char* version;
  };
  const std::vector<body> bodies = {
      // The vendor's own key order: data before version.
      {"email-v3",
       R"({"application":"seismic","data":{"EmailId":"e1","Recipients":["a@b.c"]},"id":"1",)"
       R"("version":"email-v3","occurredAt":"2024-07-14T13:47:38Z","tenantId":"t","tenantName":"n"})",
       "email-v3"},
      {"livesend-summary-v2",
       R"({"application":"seismic","data":{"interactionId":"i","sessionId":"s","totalContent":1},)"
       R"("id":"2","version":"livesend-summary-v2","occurredAt":"2024-07-14T13:47:38Z"})",
       "livesend-summary-v2"},
      {"WebhookChallengeV1", R"({"data":{"challenge":"x"},"version":"WebhookChallengeV1"})",
       "WebhookChallengeV1"},
      {"the seed with another version",
       test::minified(test::seed_with("\"livesend-session-summary-v3\"", "\"email-v3\"")),
       "email-v3"},
  };
  for (const body& b : bodies) {
    for (const std::string& json : both_orders(b.json)) {
      INFO(b.name << ": " << json.substr(0, 120));
      const livesend::error err = parse_fails(json);
      CHECK(err.code() == error_code::unsupported_version);
      CHECK(err.path() == "version");
      CHECK(err.message().find(std::string("\"") + b.version + "\"") != std::string::npos);
      // Located at the version's value.
      CHECK(json.compare(err.offset(), std::string(b.version).size() + 2,
                         std::string("\"") + b.version + "\"") == 0);
    }
  }
}

TEST_CASE("version: a challenge without one is missing its version", "[rules][version]") {
  // The old challenge has no `version`: `version: required field is missing`, not the first
  // wrapper field it lacks; any order.
  for (const std::string json : {R"({"type":"verification","challenge":"x"})",
                                 R"({"challenge":"x","type":"verification"})"}) {
    INFO(json);
    const livesend::error err = parse_fails(json);
    CHECK(err.code() == error_code::missing_field);
    CHECK(err.path() == "version");
    CHECK(err.offset() == 0);
    CHECK(err.to_string() == "version: required field is missing");
  }
}

TEST_CASE("version: outranks any error inside data and any missing field", "[rules][version]") {
  const std::string broken_data =
      test::seed_with("\"TotalContent\": 1,", "\"TotalContent\": \"one\",");
  {
    const livesend::error err = parse_fails(broken_data);  // a v3 body: the data error stands
    CHECK(err.code() == error_code::wrong_type);
    CHECK(err.path() == "data.TotalContent");
  }
  const std::string wrong_version =
      test::replace_once(broken_data, "\"livesend-session-summary-v3\"", "\"livesend-summary-v2\"");
  for (const std::string& json : both_orders(test::minified(wrong_version))) {
    INFO(json.substr(0, 100));
    const livesend::error err = parse_fails(json);
    CHECK(err.code() == error_code::unsupported_version);
    CHECK(err.path() == "version");
  }
  // Missing fields, deep values, bad timestamps: all outranked.
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"\"SessionId\": \"3c7327f5-a699-45fc-823e-7e4bf6eef271\",", ""},
      {"\"Tags\": [],", "\"Tags\": " + std::string(80, '[') + std::string(80, ']') + ","},
      {"\"InteractionOccurredAt\": \"0001-01-01T00:00:00\"",
       "\"InteractionOccurredAt\": \"2024-02-30T00:00:00Z\""},
      {"\"tenantId\":", "\"tenantIdNot\":"},
  };
  for (const auto& [from, to] : edits) {
    const std::string json = test::replace_once(test::seed_with(from, to),
                                                "\"livesend-session-summary-v3\"", "\"email-v3\"");
    INFO(from);
    const livesend::error err = parse_fails(json);
    CHECK(err.code() == error_code::unsupported_version);
    CHECK(err.path() == "version");
  }
  // null, another type, or absent: the version's own error first too.
  const std::string null_version =
      test::replace_once(broken_data, "\"livesend-session-summary-v3\"", "null");
  CHECK(parse_fails(null_version).to_string() == "version: is null, but the field is required");
  const std::string number_version =
      test::replace_once(broken_data, "\"livesend-session-summary-v3\"", "3");
  CHECK(parse_fails(number_version).to_string() == "version: expected a string, found a number");
  const std::string no_version =
      test::replace_once(broken_data, "\"version\": \"livesend-session-summary-v3\",", "");
  CHECK(parse_fails(no_version).to_string() == "version: required field is missing");
  // The last of a repeated version decides, matched ASCII-case-insensitively.
  const std::string repeated =
      test::replace_once(test::minified(broken_data), "\"version\":\"livesend-session-summary-v3\"",
                         "\"version\":\"livesend-session-summary-v3\",\"VERSION\":\"email-v3\"");
  CHECK(parse_fails(repeated).code() == error_code::unsupported_version);
}

TEST_CASE("version: malformed JSON still comes first", "[rules][version]") {
  const std::string wrong_version =
      test::minified(test::seed_with("\"livesend-session-summary-v3\"", "\"email-v3\""));
  // A syntax error after the object's version and data: not reached by the reader.
  const std::string trailing = wrong_version + " x";
  CHECK(parse_fails(trailing).code() == error_code::trailing_content);
  std::string cut = wrong_version;
  cut.pop_back();  // no closing brace
  CHECK(livesend::is_syntax_level(parse_fails(cut).code()));
  const std::string bad_escape =
      test::replace_once(wrong_version, "\"tenantName\":\"", "\"tenantName\":\"\\q");
  CHECK(parse_fails(bad_escape).code() == error_code::syntax_error);
}
