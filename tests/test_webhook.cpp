// tests/test_webhook.cpp: livesend/webhook.hpp (its own program, livesend_test_webhook: it links
// OpenSSL). Signatures against RFC 4231 and the `openssl` command line, every signature case of
// receiver.md, the classification of every kind of body, and the challenge answers.
//
// LIVESEND_TEST_DATA_DIR names tests/data; LIVESEND_OPENSSL_COMMAND, when defined, the `openssl`
// program (the tests that run it are skipped, with a message, without it).
#include <livesend/webhook.hpp>

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#ifdef _WIN32
#define popen _popen
#define pclose _pclose
#endif

namespace {

using livesend::envelope_kind;
using livesend::error_code;
using livesend::signature_headers;
using livesend::signing_secrets;
using livesend::verify_signature;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& fixture_path() {
  static const std::string path =
      std::string(LIVESEND_TEST_DATA_DIR) + "/webhook/sample-session-summary-v3.json";
  return path;
}

/// The fixture body: a session summary in the vendor's key order (`data` before `version`).
const std::string& body() {
  static const std::string text = read_file(fixture_path());
  return text;
}

std::string repeat(char c, std::size_t n) { return std::string(n, c); }

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

/// The lowercase hex HMAC-SHA256 of the fixture under `key`, by `openssl dgst -sha256 -hmac KEY`.
std::optional<std::string> openssl_hmac(const std::string& key) {
#ifdef LIVESEND_OPENSSL_COMMAND
  // Single quotes keep the key as is in the shell (the keys here have none).
  const std::string command = std::string("'") + LIVESEND_OPENSSL_COMMAND +
                              "' dgst -sha256 -hmac '" + key + "' -r < '" + fixture_path() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (pclose(pipe) != 0) throw std::runtime_error(command + " failed: " + out);
  // `-r` prints "<hex> *stdin".
  return out.substr(0, out.find(' '));
#else
  (void)key;
  return std::nullopt;
#endif
}

}  // namespace

// ---- signature_hex ---------------------------------------------------------------------------

TEST_CASE("signature_hex: the HMAC-SHA256 test vectors of RFC 4231", "[webhook]") {
  struct vector {
    std::string key, data, hmac;
  };
  std::string key4;
  for (char c = 1; c <= 25; ++c) key4 += c;
  const std::vector<vector> vectors = {
      // Test case 1
      {repeat('\x0b', 20), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      // Test case 2: a key shorter than the length of the hash
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      // Test case 3: 50 bytes of 0xdd
      {repeat('\xaa', 20), repeat('\xdd', 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      // Test case 4: key 0x01..0x19, 50 bytes of 0xcd
      {key4, repeat('\xcd', 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      // Test case 5 (truncation to 128 bits) does not apply: signatures are never truncated.
      // Test case 6: a key larger than the block size
      {repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      // Test case 7: key and data larger than the block size
      {repeat('\xaa', 131),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    INFO("vector " << i);
    CHECK(livesend::signature_hex(vectors[i].data, vectors[i].key) == vectors[i].hmac);
    CHECK(verify_signature(vectors[i].data, {vectors[i].hmac, std::nullopt}, {vectors[i].key}));
  }
}

TEST_CASE("signature_hex: empty key and empty body", "[webhook]") {
  const std::string expected = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  CHECK(livesend::signature_hex({}, {}) == expected);
  CHECK(livesend::signature_hex("", "") == expected);
  CHECK(verify_signature({}, {expected, std::nullopt}, {""}));
}

TEST_CASE("signature_hex: equal to `openssl dgst -sha256 -hmac` on the fixture", "[webhook]") {
  const std::vector<std::string> keys = {"s3cret", "whsec_0123456789abcdefghijklmnopqrstuvwxyz",
                                         "a key with spaces", "cl\xC3\xA9-\xC3\xBCnicode",
                                         repeat('k', 200)};
  if (!openssl_hmac("x")) {
    WARN("the `openssl` command was not found at configure time: comparison skipped");
    return;
  }
  for (const std::string& key : keys) {
    INFO("key " << key);
    const std::optional<std::string> expected = openssl_hmac(key);
    REQUIRE(expected);
    REQUIRE(expected->size() == 64);
    CHECK(livesend::signature_hex(body(), key) == *expected);
    CHECK(verify_signature(body(), {*expected, std::nullopt}, {key}));
  }
}

// ---- verify_signature ------------------------------------------------------------------------

TEST_CASE("verify_signature: every case of receiver.md", "[webhook]") {
  const std::string current = "current-secret";
  const std::string previous = "previous-secret";
  const signing_secrets both{current, std::string_view(previous)};
  const signing_secrets only_current{current, std::nullopt};
  const std::string good = livesend::signature_hex(body(), current);
  const std::string good_previous = livesend::signature_hex(body(), previous);
  REQUIRE(good.size() == 64);
  REQUIRE(good != good_previous);

  SECTION("valid") {
    CHECK(verify_signature(body(), {good, std::nullopt}, only_current));
    CHECK(verify_signature(body(), {good, std::nullopt}, both));
    CHECK(verify_signature(body(), {good, good_previous}, both));
  }
  SECTION("valid under the old header only") {
    CHECK(verify_signature(body(), {std::nullopt, good_previous}, both));
    CHECK(verify_signature(body(), {std::nullopt, good}, only_current));
    // The new header wrong, the old one right: either header may match.
    CHECK(verify_signature(body(), {repeat('0', 64), good_previous}, both));
    CHECK(verify_signature(body(), {"garbage", good_previous}, both));
  }
  SECTION("valid under the previous secret") {
    CHECK(verify_signature(body(), {good_previous, std::nullopt}, both));
    // Not without the previous secret configured.
    CHECK_FALSE(verify_signature(body(), {good_previous, std::nullopt}, only_current));
    CHECK_FALSE(verify_signature(body(), {std::nullopt, good_previous}, only_current));
  }
  SECTION("wrong") {
    CHECK_FALSE(verify_signature(body(), {repeat('0', 64), std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {repeat('0', 64), repeat('f', 64)}, both));
    CHECK_FALSE(verify_signature(body(), {good, good_previous}, {"another", std::nullopt}));
    // One digit off.
    std::string off = good;
    off[17] = off[17] == '0' ? '1' : '0';
    CHECK_FALSE(verify_signature(body(), {off, std::nullopt}, both));
    // The body changed by one byte.
    std::string tampered = body();
    tampered[tampered.find("demo")] = 'D';
    CHECK_FALSE(verify_signature(tampered, {good, good_previous}, both));
    // The signature of the empty body.
    CHECK_FALSE(
        verify_signature(body(), {livesend::signature_hex("", current), std::nullopt}, both));
  }
  SECTION("missing both") {
    CHECK_FALSE(verify_signature(body(), {std::nullopt, std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {}, only_current));
    CHECK_FALSE(verify_signature(body(), {std::string_view(), std::string_view()}, both));
  }
  SECTION("not hex") {
    std::string g = good;
    g[10] = 'g';
    CHECK_FALSE(verify_signature(body(), {g, std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {repeat('z', 64), std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {"sha256=" + good, std::nullopt}, both));
    std::string nul = good;
    nul[63] = '\0';
    CHECK_FALSE(verify_signature(body(), {nul, std::nullopt}, both));
  }
  SECTION("63 and 65 digits") {
    CHECK_FALSE(verify_signature(body(), {good.substr(0, 63), std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {good + "0", std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {good + good, std::nullopt}, both));
  }
  SECTION("white space is not trimmed (HTTP libraries strip it from header values)") {
    CHECK_FALSE(verify_signature(body(), {" " + good, std::nullopt}, both));
    CHECK_FALSE(verify_signature(body(), {good + "\r\n", std::nullopt}, both));
  }
  SECTION("upper-case and mixed-case hex are accepted") {
    CHECK(verify_signature(body(), {upper(good), std::nullopt}, both));
    CHECK(verify_signature(body(), {std::nullopt, upper(good_previous)}, both));
    std::string mixed = good;
    for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = upper(mixed.substr(i, 1))[0];
    CHECK(verify_signature(body(), {mixed, std::nullopt}, both));
  }
}

TEST_CASE("verify_signature: header names", "[webhook]") {
  CHECK(livesend::signature_header == "x-seismic-signature");
  CHECK(livesend::signature_old_header == "x-seismic-signature-old");
}

// ---- envelope_reader -------------------------------------------------------------------------

TEST_CASE("envelope_reader: the old challenge", "[webhook]") {
  livesend::envelope_reader reader;
  SECTION("as the vendor sends it") {
    const auto env = reader.read(R"({"type":"verification","challenge":"abc123"})");
    CHECK(env.kind == envelope_kind::challenge);
    CHECK(env.challenge == "abc123");
    CHECK(env.version.empty());
    CHECK_FALSE(env.id);
    CHECK(env.error.ok());
  }
  SECTION("keys in another order and case, white space around") {
    const auto env = reader.read(" \n{ \"Challenge\" : \"X\", \"TYPE\":\"verification\" }\n");
    CHECK(env.kind == envelope_kind::challenge);
    CHECK(env.challenge == "X");
  }
  SECTION("escapes in X are decoded") {
    const auto env =
        reader.read(R"({"type":"verification","challenge":"a\"b\\c\/d\u00e9\n\u0001"})");
    REQUIRE(env.kind == envelope_kind::challenge);
    CHECK(env.challenge == "a\"b\\c/d\xC3\xA9\n\x01");
  }
  SECTION("an empty challenge is a challenge") {
    const auto env = reader.read(R"({"type":"verification","challenge":""})");
    CHECK(env.kind == envelope_kind::challenge);
    CHECK(env.challenge.empty());
  }
  SECTION("not a challenge: another type, no challenge, a challenge that is not a string") {
    for (const char* text : {R"({"type":"other","challenge":"X"})", R"({"type":"verification"})",
                             R"({"type":"verification","challenge":42})", R"({"challenge":"X"})"}) {
      INFO(text);
      const auto env = reader.read(text);
      CHECK(env.kind == envelope_kind::invalid);
      CHECK(env.error.code() == error_code::missing_field);
      CHECK(env.error.path() == "version");
    }
  }
  SECTION("a version decides, even beside the old form's keys") {
    const auto env = reader.read(R"({"type":"verification","challenge":"X","version":"email-v3"})");
    CHECK(env.kind == envelope_kind::other_event);
  }
}

TEST_CASE("envelope_reader: the new challenge (WebhookChallengeV1)", "[webhook]") {
  livesend::envelope_reader reader;
  SECTION("in the vendor's order: data before version") {
    const auto env = reader.read(
        R"({"application":"Web","data":{"challenge":"c-1","other":[1,{"a":2}]},"id":"d1",)"
        R"("occurredAt":"2024-07-14T14:03:52Z","version":"WebhookChallengeV1"})");
    REQUIRE(env.kind == envelope_kind::challenge_v1);
    CHECK(env.challenge == "c-1");
    CHECK(env.version == "WebhookChallengeV1");
    REQUIRE(env.id);
    CHECK(*env.id == "d1");
    CHECK(env.error.ok());
  }
  SECTION("version first") {
    const auto env = reader.read(R"({"version":"WebhookChallengeV1","data":{"challenge":"c-2"}})");
    REQUIRE(env.kind == envelope_kind::challenge_v1);
    CHECK(env.challenge == "c-2");
    CHECK_FALSE(env.id);
  }
  SECTION("keys in any case, escapes in X") {
    const auto env = reader.read(
        R"({"Data":{"CHALLENGE":"q\"u\\o\tt\u00e9"},"Version":"WebhookChallengeV1","ID":"x"})");
    REQUIRE(env.kind == envelope_kind::challenge_v1);
    CHECK(env.challenge == "q\"u\\o\tt\xC3\xA9");
    CHECK(*env.id == "x");
  }
  SECTION("the last data wins") {
    const auto env = reader.read(
        R"({"data":{"challenge":"first"},"version":"WebhookChallengeV1","data":{"challenge":"last"}})");
    REQUIRE(env.kind == envelope_kind::challenge_v1);
    CHECK(env.challenge == "last");
  }
  SECTION("broken: no data, data not an object, no challenge, challenge not a string") {
    struct broken {
      const char* text;
      error_code code;
      const char* path;
    };
    for (const broken& b : {
             broken{R"({"version":"WebhookChallengeV1"})", error_code::missing_field, "data"},
             broken{R"({"data":"c","version":"WebhookChallengeV1"})", error_code::wrong_type,
                    "data"},
             broken{R"({"data":{"x":"c"},"version":"WebhookChallengeV1"})",
                    error_code::missing_field, "data.challenge"},
             broken{R"({"version":"WebhookChallengeV1","data":{"challenge":null}})",
                    error_code::wrong_type, "data.challenge"},
         }) {
      INFO(b.text);
      const auto env = reader.read(b.text);
      CHECK(env.kind == envelope_kind::invalid);
      CHECK(env.error.code() == b.code);
      CHECK(env.error.path() == b.path);
      CHECK(env.challenge.empty());
    }
  }
}

TEST_CASE("envelope_reader: session summaries", "[webhook]") {
  livesend::envelope_reader reader;
  SECTION("the fixture, data before version") {
    const auto env = reader.read(body());
    CHECK(env.kind == envelope_kind::session_summary);
    CHECK(env.version == "livesend-session-summary-v3");
    REQUIRE(env.id);
    CHECK(*env.id == "e40bbaab-f86e-e62b-d3c9-5104734edb18");
    CHECK(env.challenge.empty());
    CHECK(env.error.ok());
  }
  SECTION("enriched") {
    const auto env =
        reader.read(R"({"data":{},"id":"e","version":"livesend-session-summary-enriched-v3"})");
    CHECK(env.kind == envelope_kind::session_summary);
    CHECK(env.version == "livesend-session-summary-enriched-v3");
  }
  SECTION("keys in another case") {
    const auto env = reader.read(R"({"VERSION":"livesend-session-summary-v3","Id":"i"})");
    CHECK(env.kind == envelope_kind::session_summary);
    CHECK(*env.id == "i");
  }
  SECTION("data is not read: broken or odd data still classifies (the parse reports it)") {
    const auto env = reader.read(
        R"({"data":{"challenge":"not read","x":[1,2,{"y":tru]}},"version":"livesend-session-summary-v3"})");
    CHECK(env.kind == envelope_kind::session_summary);
    CHECK(env.challenge.empty());
  }
  SECTION("values are case-sensitive: another spelling is another version") {
    const auto env = reader.read(R"({"version":"LiveSend-Session-Summary-V3"})");
    CHECK(env.kind == envelope_kind::other_event);
  }
  SECTION("the last version wins") {
    const auto env =
        reader.read(R"({"version":"email-v3","id":"1","version":"livesend-session-summary-v3"})");
    CHECK(env.kind == envelope_kind::session_summary);
  }
  SECTION("a byte order mark is skipped") {
    const auto env = reader.read("\xEF\xBB\xBF" + body());
    CHECK(env.kind == envelope_kind::session_summary);
  }
  SECTION("a padded buffer is read in place") {
    const simdjson::padded_string padded(body());
    const auto env = reader.read(simdjson::padded_string_view(padded));
    CHECK(env.kind == envelope_kind::session_summary);
    CHECK(*env.id == "e40bbaab-f86e-e62b-d3c9-5104734edb18");
  }
}

TEST_CASE("envelope_reader: other versions are stored raw with their id", "[webhook]") {
  livesend::envelope_reader reader;
  SECTION("email-v3") {
    const auto env = reader.read(R"({"data":{"Subject":"hi"},"id":"m-7","version":"email-v3"})");
    CHECK(env.kind == envelope_kind::other_event);
    CHECK(env.version == "email-v3");
    CHECK(*env.id == "m-7");
    CHECK(env.error.ok());
  }
  SECTION("livesend-summary-v2, camelCase keys") {
    const auto env = reader.read(
        R"({"data":{"sessionId":"s","contentSessions":[]},"id":"v2-1","version":"livesend-summary-v2"})");
    CHECK(env.kind == envelope_kind::other_event);
    CHECK(env.version == "livesend-summary-v2");
    CHECK(*env.id == "v2-1");
  }
  SECTION("no id, or an id that is not a string") {
    CHECK_FALSE(reader.read(R"({"version":"email-v3"})").id);
    const auto env = reader.read(R"({"version":"email-v3","id":12})");
    CHECK(env.kind == envelope_kind::other_event);
    CHECK_FALSE(env.id);
  }
  SECTION("an escaped version and id are unescaped") {
    const auto env = reader.read(R"({"version":"email\u002dv3","id":"a\/b"})");
    CHECK(env.version == "email-v3");
    CHECK(*env.id == "a/b");
  }
}

TEST_CASE("envelope_reader: bodies that are not events", "[webhook]") {
  livesend::envelope_reader reader;
  struct bad {
    std::string text;
    error_code code;
    std::string path;
  };
  const std::vector<bad> cases = {
      {"", error_code::empty_input, ""},
      {" \r\n\t", error_code::empty_input, ""},
      {"not json", error_code::syntax_error, ""},
      {"{", error_code::syntax_error, ""},
      {R"({"version":"email-v3",})", error_code::syntax_error, ""},
      {R"({"version":"email-v3"}})", error_code::trailing_content, ""},
      {R"([{"version":"email-v3"}])", error_code::not_an_object, ""},
      {"[]", error_code::not_an_object, ""},
      {R"("a string")", error_code::not_an_object, ""},
      {"42", error_code::not_an_object, ""},
      {"null", error_code::not_an_object, ""},
      {"{\"version\":\"\xFF\"}", error_code::invalid_utf8, ""},
      {"{}", error_code::missing_field, "version"},
      {R"({"data":{"version":"email-v3"}})", error_code::missing_field, "version"},
      {R"({"version":3,"id":"x"})", error_code::wrong_type, "version"},
      {R"({"version":null})", error_code::wrong_type, "version"},
  };
  for (const bad& b : cases) {
    INFO("body: " << b.text);
    const auto env = reader.read(b.text);
    CHECK(env.kind == envelope_kind::invalid);
    CHECK(env.error.code() == b.code);
    CHECK(env.error.path() == b.path);
    CHECK_FALSE(env.error.message().empty());
    CHECK(env.version.empty());
    CHECK(env.challenge.empty());
  }
  // The location of a syntax error, where simdjson knows it.
  const auto env = reader.read("{\"version\":\"email-v3\"}\n}");
  CHECK(env.error.code() == error_code::trailing_content);
  CHECK(env.error.offset() == 23);
  CHECK(env.error.line() == 2);
}

TEST_CASE("envelope_reader: one reader, many bodies of growing and shrinking sizes", "[webhook]") {
  livesend::envelope_reader reader;
  for (int round = 0; round < 3; ++round) {
    CHECK(reader.read(R"({"version":"email-v3","id":"1"})").kind == envelope_kind::other_event);
    CHECK(reader.read(body()).kind == envelope_kind::session_summary);
    CHECK(reader.read("[]").kind == envelope_kind::invalid);
    const auto env =
        reader.read(R"({"data":{"challenge":"c"},"version":"WebhookChallengeV1","id":"z"})");
    CHECK(env.challenge == "c");
    CHECK(*env.id == "z");
    CHECK(reader.read(body() + std::string(1000, ' ')).kind == envelope_kind::session_summary);
  }
}

TEST_CASE("envelope_kind names", "[webhook]") {
  CHECK(livesend::to_string(envelope_kind::invalid) == "invalid");
  CHECK(livesend::to_string(envelope_kind::challenge) == "challenge");
  CHECK(livesend::to_string(envelope_kind::challenge_v1) == "challenge_v1");
  CHECK(livesend::to_string(envelope_kind::session_summary) == "session_summary");
  CHECK(livesend::to_string(envelope_kind::other_event) == "other_event");
}

// ---- answer_challenge ------------------------------------------------------------------------

TEST_CASE("answer_challenge", "[webhook]") {
  livesend::envelope_reader reader;
  SECTION("the old form: text/plain, the bare challenge") {
    const auto answer =
        livesend::answer_challenge(reader.read(R"({"type":"verification","challenge":"X-1"})"));
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->content_type == "text/plain");
    CHECK(answer->body == "X-1");
  }
  SECTION("the old form with escapes: the decoded text, as is") {
    const auto answer = livesend::answer_challenge(
        reader.read(R"({"type":"verification","challenge":"a\"b\u00e9"})"));
    REQUIRE(answer);
    CHECK(answer->body == "a\"b\xC3\xA9");
  }
  SECTION("the new form: application/json {\"challenge\":\"X\"}") {
    const auto answer = livesend::answer_challenge(
        reader.read(R"({"data":{"challenge":"X-2"},"version":"WebhookChallengeV1"})"));
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->content_type == "application/json");
    CHECK(answer->body == R"({"challenge":"X-2"})");
  }
  SECTION("the new form with escapes: X escaped as JSON, and it reads back as X") {
    const auto env = reader.read(
        R"({"data":{"challenge":"q\"b\\s/\b\f\n\r\t\u0001\u001f\u00e9\u2028"},"version":"WebhookChallengeV1"})");
    REQUIRE(env.kind == envelope_kind::challenge_v1);
    const std::string x(env.challenge);
    const auto answer = livesend::answer_challenge(env);
    REQUIRE(answer);
    CHECK(answer->body ==
          "{\"challenge\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\xC3\xA9\xE2\x80\xA8\"}");
    simdjson::dom::parser parser;
    std::string_view back;
    REQUIRE(parser.parse(answer->body)["challenge"].get_string().get(back) == simdjson::SUCCESS);
    CHECK(back == x);
  }
  SECTION("anything else has no answer") {
    CHECK_FALSE(livesend::answer_challenge(reader.read(body())));
    CHECK_FALSE(livesend::answer_challenge(reader.read(R"({"version":"email-v3"})")));
    CHECK_FALSE(livesend::answer_challenge(reader.read("nope")));
    CHECK_FALSE(livesend::answer_challenge(livesend::envelope{}));
  }
}
