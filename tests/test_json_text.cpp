// tests/test_json_text.cpp: strict JSON checks (offsets, codes, messages), UTF-8, depth,
// line numbers, minifying, comparing and string quoting.
#include "livesend/detail/json_text.hpp"

#include <cstddef>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "catch.hpp"

using livesend::error_code;
using livesend::detail::append_json_string;
using livesend::detail::append_minified;
using livesend::detail::check_json;
using livesend::detail::find_invalid_utf8;
using livesend::detail::json_check;
using livesend::detail::json_depth_cap;
using livesend::detail::line_of;
using livesend::detail::same_json_text;

namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr std::size_t default_depth = 64;

std::string code_name(error_code code) { return std::string(livesend::to_string(code)); }

// Asserts that text is accepted.
void check_valid(const std::string& text, std::size_t max_depth = default_depth) {
  INFO("text: " << text);
  const json_check r = check_json(text, max_depth);
  INFO("got: " << code_name(r.code) << " at " << r.offset << ": " << r.message);
  CHECK(r.ok());
  CHECK(code_name(r.code) == "ok");
  CHECK(std::string(r.message).empty());
}

struct bad_case {
  std::string text;
  error_code code;
  std::size_t offset;
  std::string message;
};

// Asserts the code, offset and message of the first problem in each case.
void check_invalid(const std::vector<bad_case>& cases, std::size_t max_depth = default_depth) {
  for (const bad_case& c : cases) {
    INFO("text: " << c.text);
    const json_check r = check_json(c.text, max_depth);
    CHECK_FALSE(r.ok());
    CHECK(code_name(r.code) == code_name(c.code));
    CHECK(r.offset == c.offset);
    CHECK(std::string(r.message) == c.message);
  }
}

const std::string expected_colon = "expected ':' after object key";
const std::string expected_member_end = "expected ',' or '}' after object member";
const std::string expected_element_end = "expected ',' or ']' after array element";
const std::string expected_key = "expected a string key";
const std::string expected_value = "expected a value";
const std::string unexpected_char = "unexpected character";
const std::string invalid_number = "invalid number";
const std::string invalid_literal = "invalid literal";
const std::string invalid_escape = "invalid escape in string";
const std::string unpaired = "unpaired UTF-16 surrogate in string";
const std::string control_char = "control character in string";
const std::string unterminated = "unterminated string";
const std::string end_of_input = "unexpected end of input";
const std::string trailing = "content after the JSON value";
const std::string too_deep = "nesting deeper than the limit";
const std::string bad_utf8 = "invalid UTF-8";

constexpr error_code syntax = error_code::syntax_error;
constexpr error_code utf8 = error_code::invalid_utf8;
constexpr error_code depth = error_code::depth_exceeded;
constexpr error_code after = error_code::trailing_content;

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out.append(piece);
  return out;
}

std::string read_fixture(const char* name) {
#ifdef LIVESEND_TEST_DATA_DIR
  std::string path = std::string(LIVESEND_TEST_DATA_DIR) + "/" + name;
#else
  std::string path = __FILE__;
  path = path.substr(0, path.find_last_of("/\\") + 1) + "data/" + name;
#endif
  std::ifstream in(path, std::ios::binary);
  INFO("fixture: " << path);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A Buffer that records each append, to check that plain runs are copied in one call.
struct recording_buffer {
  std::vector<std::string> pieces;
  void append(const char* first, const char* last) { pieces.emplace_back(first, last); }
  std::string joined() const {
    std::string out;
    for (const std::string& p : pieces) out += p;
    return out;
  }
};

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string minified(std::string_view json) {
  std::string out;
  append_minified(out, json);
  return out;
}

}  // namespace

TEST_CASE("json_check defaults to ok", "[json_text]") {
  const json_check r;
  CHECK(r.ok());
  CHECK(r.offset == 0);
  CHECK(std::string(r.message).empty());
}

TEST_CASE("check_json accepts valid documents of every kind", "[json_text]") {
  SECTION("scalars at the top level, with whitespace around") {
    for (const char* text : {"0", "-0", "1e5", "1.5E-3", "0.0", "-0.0e-0", "1E+2", "-1.25e+10",
                             "0E0", "1e-0", "123456789012345678901234567890", "true", "false",
                             "null", "\"\"", "\"x\"", " \t\n\r1 \r\n\t ", "\n\"s\"\n"}) {
      check_valid(text);
    }
  }
  SECTION("arrays and objects, empty and nested") {
    check_valid("{}");
    check_valid("[]");
    check_valid(" { } ");
    check_valid("[ ]");
    check_valid("[[]]");
    check_valid("[{}]");
    check_valid("{\"\":\"\"}");
    check_valid("{\"a\":1,\"a\":2}");  // duplicate keys are a parser matter, not a syntax one
    check_valid("[1,[2,[3,{\"a\":[]}]],{}]");
    check_valid("{\"a\":{\"b\":{\"c\":[true,false,null]}},\"d\":\"e\",\"f\":[0,-0,1.5E-3]}");
    check_valid("{\n  \"a\" : [ 1 , 2 ] ,\r\n\t\"b\" : { \"c\" : null }\n}\n");
    check_valid("[-1.25e+10,0E0,1e-0,0.0,-0,1e5,1.5E-3,123.456e-789]");
  }
  SECTION("every escape, and surrogate pairs") {
    check_valid(R"("\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u00E9 \uABCD \uffff \u0000")");
    check_valid(R"("\ud83d\ude00")");  // U+1F600
    check_valid(R"("\uD83D\uDE00")");
    check_valid(R"("\ud800\udc00")");  // U+10000, the first pair
    check_valid(R"("\udbff\udfff")");  // U+10FFFF, the last pair
    check_valid(R"({"\ud83d\ude00":"a\ud83d\ude00b"})");
    check_valid(R"(["\\", "\\\"", "\"\\"])");
  }
  SECTION("UTF-8 of every length, DEL and valid edge sequences") {
    check_valid("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");  // é € 😀
    check_valid("{\"\xC3\xA9\":\"\xF0\x9F\x98\x80\"}");
    check_valid("\"\x7F\"");
    check_valid("[\"\xC2\x80\",\"\xDF\xBF\",\"\xE0\xA0\x80\",\"\xED\x9F\xBF\",\"\xEE\x80\x80\"]");
    check_valid("[\"\xEF\xBF\xBF\",\"\xF0\x90\x80\x80\",\"\xF4\x8F\xBF\xBF\"]");
  }
  SECTION("the seed fixture") { check_valid(read_fixture("seed-session-summary-v3.json")); }
}

TEST_CASE("check_json reports structural errors with their offsets", "[json_text]") {
  check_invalid({
      {"{\"a\" 1}", syntax, 5, expected_colon},
      {"{\"a\",1}", syntax, 4, expected_colon},
      {"[1,]", syntax, 3, expected_value},
      {"[1,,2]", syntax, 3, expected_value},
      {"[,1]", syntax, 1, expected_value},
      {"{\"a\":}", syntax, 5, expected_value},
      {"]", syntax, 0, expected_value},
      {":", syntax, 0, expected_value},
      {"[{\"a\":[}]]", syntax, 7, expected_value},
      {"{\"a\":1,}", syntax, 7, expected_key},
      {"{,}", syntax, 1, expected_key},
      {"{1:2}", syntax, 1, expected_key},
      {"{'a':1}", syntax, 1, expected_key},
      {"{a:1}", syntax, 1, expected_key},
      {"{\"a\":1 \"b\":2}", syntax, 7, expected_member_end},
      {"{\"a\":1]", syntax, 6, expected_member_end},
      {"{\"a\":[1]]", syntax, 8, expected_member_end},
      {"[1 2]", syntax, 3, expected_element_end},
      {"[1}", syntax, 2, expected_element_end},
      {"[{\"a\":[1}]]", syntax, 8, expected_element_end},
      {"[truex]", syntax, 5, expected_element_end},
      {"[0x10]", syntax, 2, expected_element_end},
      {"['a']", syntax, 1, unexpected_char},
      {"[NaN]", syntax, 1, unexpected_char},
      {"Infinity", syntax, 0, unexpected_char},
      {"[+1]", syntax, 1, unexpected_char},
      {"[.5]", syntax, 1, unexpected_char},
      {"/* c */ 1", syntax, 0, unexpected_char},
      {"[1,/*c*/2]", syntax, 3, unexpected_char},
      {"// c\n1", syntax, 0, unexpected_char},
      {"\f1", syntax, 0, unexpected_char},             // form feed is not JSON whitespace
      {"[1,\v2]", syntax, 3, unexpected_char},         // nor vertical tab
      {"[\xC3\xA9]", syntax, 1, unexpected_char},      // valid UTF-8, but not a token
      {"\xEF\xBB\xBF{}", syntax, 0, unexpected_char},  // a byte order mark
      {"[nan]", syntax, 2, invalid_literal},
      {"[trUe]", syntax, 3, invalid_literal},
      {"[nul]", syntax, 4, invalid_literal},
      {"fals", syntax, 4, end_of_input},
      {"{} x", after, 3, trailing},
      {"[1] // c", after, 4, trailing},
      {"1 2", after, 2, trailing},
      {"{}{}", after, 2, trailing},
      {"\"a\"\"b\"", after, 3, trailing},
      {"truefalse", after, 4, trailing},
      {"{\"a\":1}\n,", after, 8, trailing},
  });
}

TEST_CASE("check_json reports an unexpected end of input at the end", "[json_text]") {
  check_invalid({
      {"[", syntax, 1, end_of_input},
      {"{", syntax, 1, end_of_input},
      {"{\"a\"", syntax, 4, end_of_input},
      {"{\"a\":", syntax, 5, end_of_input},
      {"{\"a\":1", syntax, 6, end_of_input},
      {"{\"a\":1,", syntax, 7, end_of_input},
      {"[1,", syntax, 3, end_of_input},
      {"[1  \n", syntax, 5, end_of_input},
      {"[[[]]", syntax, 5, end_of_input},
      {"-", syntax, 1, end_of_input},
      {"1.", syntax, 2, end_of_input},
      {"1e", syntax, 2, end_of_input},
      {"1e+", syntax, 3, end_of_input},
      {"[tru", syntax, 4, end_of_input},
  });
}

TEST_CASE("check_json rejects malformed numbers", "[json_text]") {
  check_invalid({
      {"[01]", syntax, 2, invalid_number},
      {"[-01]", syntax, 3, invalid_number},
      {"00", syntax, 1, invalid_number},
      {"[-]", syntax, 2, invalid_number},
      {"-Infinity", syntax, 1, invalid_number},
      {"[1.]", syntax, 3, invalid_number},
      {"[1.e5]", syntax, 3, invalid_number},
      {"[1e]", syntax, 3, invalid_number},
      {"[1e+]", syntax, 4, invalid_number},
      {"[1E-x]", syntax, 4, invalid_number},
      {"{\"n\":-.5}", syntax, 6, invalid_number},
  });
}

TEST_CASE("check_json rejects malformed strings", "[json_text]") {
  SECTION("escapes") {
    check_invalid({
        {R"("\x")", syntax, 1, invalid_escape},
        {R"("ab\U0041")", syntax, 3, invalid_escape},
        {R"("\'")", syntax, 1, invalid_escape},
        {R"("\a")", syntax, 1, invalid_escape},
        {R"("\0")", syntax, 1, invalid_escape},
        {R"("\u12G4")", syntax, 1, invalid_escape},
        {R"("\u12")", syntax, 1, invalid_escape},
        {R"({"k\x":1})", syntax, 3, invalid_escape},
        {R"(["ok", "\ ")", syntax, 8, invalid_escape},
    });
  }
  SECTION("UTF-16 surrogates") {
    check_invalid({
        {R"("\ud800")", syntax, 1, unpaired},
        {R"("\udc00")", syntax, 1, unpaired},
        {R"("x\udfff")", syntax, 2, unpaired},
        {R"("\ud800x")", syntax, 1, unpaired},
        {R"("\ud800\n")", syntax, 1, unpaired},
        {R"("\ud800\ud800")", syntax, 1, unpaired},  // high then high
        {R"("\ud800\u0041")", syntax, 1, unpaired},
        {R"("\uDC00\uD800")", syntax, 1, unpaired},  // low then high: both wrong, first wins
        {R"("\ud83d\ude00\ude00")", syntax, 13, unpaired},
        {R"("\ud800\u00G1")", syntax, 7, invalid_escape},
    });
  }
  SECTION("control characters") {
    std::vector<bad_case> cases = {
        {"\"a\tb\"", syntax, 2, control_char},
        {"\"line\nbreak\"", syntax, 5, control_char},
        {"{\"a\":\"x\ry\"}", syntax, 7, control_char},
        {"[\"\x01\"]", syntax, 2, control_char},
        {"\"\x1F\"", syntax, 1, control_char},
        {"{\"k\x1F\":1}", syntax, 3, control_char},
        {std::string("\"\0\"", 3), syntax, 1, control_char},
        {"\"abc\n", syntax, 4, control_char},  // the first problem met, not "unterminated"
    };
    check_invalid(cases);
  }
  SECTION("unterminated strings point at their opening quote") {
    check_invalid({
        {"\"abc", syntax, 0, unterminated},
        {"{\"a\":\"abc", syntax, 5, unterminated},
        {"[\"x\\\"]", syntax, 1, unterminated},
        {"\"abc\\", syntax, 0, unterminated},
        {"\"\\u12", syntax, 0, unterminated},
        {"\"\\ud800", syntax, 0, unterminated},
        {"\"\\ud800\\", syntax, 0, unterminated},
        {"\"\\ud800\\u", syntax, 0, unterminated},
        {"\"\\ud800\\udc", syntax, 0, unterminated},
        {"{\"key", syntax, 1, unterminated},
        {"\"", syntax, 0, unterminated},
    });
  }
}

TEST_CASE("check_json finds a string's special byte at every position of a long string",
          "[json_text]") {
  // Long strings are scanned 16 bytes at a time up to a quote, backslash or control character:
  // each at every position of the first blocks, and the string's end at every length.
  for (std::size_t k = 0; k < 40; ++k) {
    INFO(k);
    const std::string before(k, 'a');
    const std::string after(20, 'b');
    check_valid("\"" + before + "\"");
    check_valid("\"" + before + "\\n" + after + "\"");
    check_valid("\"" + before + "\\u00e9" + after + "\"");
    check_valid("[\"" + before + "\", \"" + after + "\"]");
    check_invalid({{"\"" + before + "\\x" + after + "\"", syntax, k + 1, invalid_escape},
                   {"\"" + before + "\n" + after + "\"", syntax, k + 1, control_char},
                   {"\"" + before + "\x1f" + after + "\"", syntax, k + 1, control_char},
                   {"\"" + before + "\x7f" + after, syntax, 0, unterminated},
                   {"[\"" + before + "\" \"" + after + "\"]", syntax, k + 4,
                    "expected ',' or ']' after array element"}});
  }
}

TEST_CASE("check_json reports empty input", "[json_text]") {
  for (const char* text : {"", " ", "\n", " \t\r\n \n"}) {
    INFO("text: [" << text << "]");
    const json_check r = check_json(text, default_depth);
    CHECK(r.code == error_code::empty_input);
    CHECK(r.offset == 0);
    CHECK(std::string(r.message) == "empty input");
  }
  CHECK(check_json(std::string_view(), default_depth).code == error_code::empty_input);
}

TEST_CASE("check_json validates UTF-8 over the whole text", "[json_text]") {
  SECTION("in strings and keys, at the first byte of the bad sequence") {
    check_invalid({
        {"\"a\xC0\x80\"", utf8, 2, bad_utf8},                 // overlong NUL
        {"\"\xC1\xBF\"", utf8, 1, bad_utf8},                  // overlong
        {"\"\xE0\x80\x80\"", utf8, 1, bad_utf8},              // overlong 3 bytes
        {"\"\xF0\x8F\xBF\xBF\"", utf8, 1, bad_utf8},          // overlong 4 bytes
        {"[\"ok\",\"\xED\xA0\x80\"]", utf8, 7, bad_utf8},     // surrogate D800
        {"\"\xED\xBF\xBF\"", utf8, 1, bad_utf8},              // surrogate DFFF
        {"{\"k\":\"\xF4\x90\x80\x80\"}", utf8, 6, bad_utf8},  // U+110000
        {"\"\xF5\x80\x80\x80\"", utf8, 1, bad_utf8},          // never a lead byte
        {"\"\xE2\x82\"", utf8, 1, bad_utf8},                  // truncated euro sign
        {"\"\xE2\x82\xAC\xE2\x82\"", utf8, 4, bad_utf8},      // truncated after a good one
        {"\"\xF0\x9F\x98\"", utf8, 1, bad_utf8},              // truncated emoji
        {"\"\x80\"", utf8, 1, bad_utf8},                      // stray continuation byte
        {"\"\xC3\xA9\xA9\"", utf8, 3, bad_utf8},              // one continuation too many
        {"\"\xFF\"", utf8, 1, bad_utf8},
        {"{\"\xC0\x80\":1}", utf8, 2, bad_utf8},  // in a key
    });
  }
  SECTION("the earliest problem wins, UTF-8 or syntax") {
    check_invalid({
        {"[\"\xFF\", x]", utf8, 2, bad_utf8},           // bad UTF-8 before a syntax error
        {"[x, \"\xFF\"]", syntax, 1, unexpected_char},  // a syntax error before bad UTF-8
        {"[\xFF]", utf8, 1, bad_utf8},                  // same offset: the bytes are not text
        {"{} \xFF", utf8, 3, bad_utf8},
        {"{}\n\"\xFF\"", after, 3, trailing},
        {"\"\xE2\x82", syntax, 0, unterminated},  // the string opens before the bad bytes
        {"[\"\xF4\x90\x80\x80\",", utf8, 2, bad_utf8},
        {"[1,\"\xED\xA0\x80\"", utf8, 4, bad_utf8},
    });
  }
}

TEST_CASE("check_json limits nesting depth", "[json_text]") {
  SECTION("max_depth 3") {
    check_valid("[[[1]]]", 3);
    check_valid("{\"a\":[{}]}", 3);
    check_invalid({{"[[[[1]]]]", depth, 3, too_deep}}, 3);
    check_invalid({{" [ [ [ [ 1 ] ] ] ]", depth, 7, too_deep}}, 3);
    check_invalid({{"[[[{}]]]", depth, 3, too_deep}}, 3);
  }
  SECTION("objects count as arrays do") {
    check_valid("{\"a\":{\"b\":[1]}}", 3);
    check_invalid({{"{\"a\":{\"b\":[1]}}", depth, 10, too_deep}}, 2);
  }
  SECTION("max_depth 0 and 1") {
    check_valid("1", 0);
    check_valid("\"s\"", 0);
    check_invalid({{"[]", depth, 0, too_deep}, {"{}", depth, 0, too_deep}}, 0);
    check_valid("[1,2,3]", 1);
    check_valid("{\"a\":1}", 1);
    check_invalid({{"[1,[]]", depth, 3, too_deep}, {"[1,2,{}]", depth, 5, too_deep}}, 1);
  }
  SECTION("depth is checked before the rest of the text") {
    check_invalid({{"[[[[1", depth, 3, too_deep}, {"[[[[\xFF", depth, 3, too_deep}}, 3);
  }
  SECTION("1,000,000 '[' does not crash") {
    const std::string text(1000000, '[');
    check_invalid({{text, depth, 3, too_deep}}, 3);
    check_invalid({{text, depth, json_depth_cap, too_deep}}, std::size_t{1} << 20);
    check_invalid({{text, depth, json_depth_cap, too_deep}}, npos);
  }
  SECTION("10 MB of '[' and of '{\"a\":' do not crash") {
    const std::string arrays(10 * 1024 * 1024, '[');
    check_invalid({{arrays, depth, json_depth_cap, too_deep}}, std::size_t{1} << 30);
    const std::string objects = repeat("{\"a\":", 2 * 1024 * 1024);
    check_invalid({{objects, depth, 5 * json_depth_cap, too_deep}}, std::size_t{1} << 30);
  }
  SECTION("the cap is the effective limit") {
    const std::string at_cap = std::string(json_depth_cap, '[') + std::string(json_depth_cap, ']');
    check_valid(at_cap, json_depth_cap);
    check_valid(at_cap, npos);
    check_invalid({{at_cap, depth, json_depth_cap - 1, too_deep}}, json_depth_cap - 1);
    const std::string over = "[" + at_cap + "]";
    check_invalid({{over, depth, json_depth_cap, too_deep}}, npos);
  }
}

TEST_CASE("check_json tracks the kind of every open container", "[json_text]") {
  SECTION("alternating objects and arrays, 2000 deep") {
    constexpr std::size_t k = 1000;
    const std::string open = repeat("{\"a\":[", k);
    const std::string close = repeat("]}", k);
    check_valid(open + "1" + close, 2 * k);
    check_invalid({{open + "1" + close, depth, 6 * (k - 1) + 5, too_deep}}, 2 * k - 1);

    std::string wrong = open + "1" + close;
    wrong[6 * k + 1] = '}';  // closes the innermost array with a brace
    check_invalid({{wrong, syntax, 6 * k + 1, expected_element_end}}, 2 * k);
    wrong = open + "1" + close;
    wrong[6 * k + 2] = ']';  // closes the innermost object with a bracket
    check_invalid({{wrong, syntax, 6 * k + 2, expected_member_end}}, 2 * k);
  }
  SECTION("a level reused by another kind after popping (bits are rewritten)") {
    // 70 arrays, pop 5, then an object with an array at the same levels, then close all.
    check_valid(std::string(70, '[') + std::string(5, ']') + ",{\"x\":[{}]}" + std::string(65, ']'),
                100);
    // 70 objects, pop 5, then arrays at levels that held objects, then close all.
    check_valid(
        repeat("{\"a\":", 70) + "1" + std::string(5, '}') + ",\"b\":[[]]" + std::string(65, '}'),
        100);
  }
}

TEST_CASE("find_invalid_utf8", "[json_text]") {
  SECTION("valid text") {
    CHECK(find_invalid_utf8("") == npos);
    CHECK(find_invalid_utf8(std::string_view()) == npos);
    CHECK(find_invalid_utf8("plain ASCII, long enough for the fast path") == npos);
    CHECK(find_invalid_utf8(std::string("\0\x7F", 2)) == npos);
    for (const char* s :
         {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xE1\x80\x80", "\xEC\xBF\xBF", "\xED\x80\x80",
          "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF1\x80\x80\x80",
          "\xF3\xBF\xBF\xBF", "\xF4\x80\x80\x80", "\xF4\x8F\xBF\xBF"}) {
      INFO("sequence: " << s);
      CHECK(find_invalid_utf8(std::string("ab") + s + "cd") == npos);
    }
  }
  SECTION("invalid sequences, reported at their first byte") {
    for (const char* s : {"\x80",
                          "\xBF",
                          "\xC0\x80",
                          "\xC1\xBF",
                          "\xC2\x41",
                          "\xC2",
                          "\xE0\x80\x80",
                          "\xE0\x9F\xBF",
                          "\xED\xA0\x80",
                          "\xED\xBF\xBF",
                          "\xE2\x82",
                          "\xE2\x82\x41",
                          "\xE2\x41\xAC",
                          "\xF0\x80\x80\x80",
                          "\xF0\x8F\xBF\xBF",
                          "\xF4\x90\x80\x80",
                          "\xF5\x80\x80\x80",
                          "\xF0\x9F\x98",
                          "\xF0\x9F\x98\x41",
                          "\xF8\x88\x80\x80\x80",
                          "\xFE",
                          "\xFF"}) {
      INFO("sequence: " << s);
      CHECK(find_invalid_utf8(std::string("ab") + s + "cd") == 2);
      CHECK(find_invalid_utf8(std::string("\xC3\xA9") + s) == 2);  // after a good é
    }
  }
  SECTION("truncated at the very end") {
    CHECK(find_invalid_utf8("ab\xE2\x82") == 2);
    CHECK(find_invalid_utf8("ab\xF0\x9F\x98") == 2);
    CHECK(find_invalid_utf8("ab\xC2") == 2);
  }
  SECTION("every offset around the eight-byte fast path") {
    for (std::size_t k = 0; k <= 20; ++k) {
      INFO("k = " << k);
      CHECK(find_invalid_utf8(std::string(k, 'a') + "\x80" + std::string(20, 'b')) == k);
      CHECK(find_invalid_utf8(std::string(k, 'a') + "\xE2\x82\xAC" + std::string(k, 'b')) == npos);
      CHECK(find_invalid_utf8(std::string(k, 'a') + "\xE2\x82\xAC\xED\xA0\x80") == k + 3);
    }
  }
}

TEST_CASE("line_of", "[json_text]") {
  const std::string_view text = "a\nbc\n\nd";
  CHECK(line_of(text, 0) == 1);
  CHECK(line_of(text, 1) == 1);  // the '\n' itself is on line 1
  CHECK(line_of(text, 2) == 2);
  CHECK(line_of(text, 4) == 2);
  CHECK(line_of(text, 5) == 3);
  CHECK(line_of(text, 6) == 4);
  CHECK(line_of(text, text.size()) == 4);
  CHECK(line_of(text, 1000) == 4);
  CHECK(line_of(text, npos) == 4);
  CHECK(line_of("", 0) == 1);
  CHECK(line_of("", 5) == 1);
  CHECK(line_of("\r\n\r\n", 4) == 3);

  const std::string doc = "{\n  \"a\": 1,\n  \"b\" 2\n}";
  const json_check r = check_json(doc, default_depth);
  CHECK(r.offset == 18);
  CHECK(line_of(doc, r.offset) == 3);
}

TEST_CASE("append_minified", "[json_text]") {
  const std::string pretty =
      "{ \"a b\" : [ 1 , 2 ] ,\n\t\"c\\\"  d\" : \"\\\\\" , \"e\" :\"x\\\\\\\" y\" ,\r\n"
      " \"f\": \"\\\\\\\\ \" , \"g\" : \"\\u0020 \" }\n";
  const std::string expected =
      "{\"a b\":[1,2],\"c\\\"  d\":\"\\\\\",\"e\":\"x\\\\\\\" y\",\"f\":\"\\\\\\\\ \","
      "\"g\":\"\\u0020 \"}";

  SECTION("into std::string, appending") {
    std::string out = "prefix:";
    append_minified(out, pretty);
    CHECK(out == "prefix:" + expected);
  }
  SECTION("into fmt::memory_buffer") {
    fmt::memory_buffer out;
    append_minified(out, pretty);
    CHECK(fmt::to_string(out) == expected);
  }
  SECTION("runs between whitespace are copied whole") {
    recording_buffer out;
    append_minified(out, "[1, 2,\n 3]");
    CHECK(out.joined() == "[1,2,3]");
    CHECK(out.pieces == std::vector<std::string>{"[1,", "2,", "3]"});
  }
  SECTION("edge cases") {
    CHECK(minified("") == "");
    CHECK(minified(" \n\t\r ") == "");
    CHECK(minified(expected) == expected);
    CHECK(minified(" 1 ") == "1");
    CHECK(minified("[\"a\" ,\"b\"]") == "[\"a\",\"b\"]");
    CHECK(minified("[\"\\\\\" , \" \\\\\" ]") == "[\"\\\\\",\" \\\\\"]");
    CHECK(minified("\"\xC3\xA9 \xF0\x9F\x98\x80\" ") == "\"\xC3\xA9 \xF0\x9F\x98\x80\"");
  }
  SECTION("the result is valid and the same JSON text") {
    check_valid(expected);
    const std::string fixture = read_fixture("seed-session-summary-v3.json");
    const std::string small = minified(fixture);
    check_valid(small);
    CHECK(small.find('\n') == std::string::npos);
    CHECK(small.size() < fixture.size());
    CHECK(same_json_text(small, fixture));
    CHECK(minified(small) == small);
  }
}

TEST_CASE("same_json_text", "[json_text]") {
  SECTION("equal once whitespace outside strings is ignored") {
    CHECK(same_json_text("[1, 2]", "[1,2]"));
    CHECK(same_json_text("[1,2]", "[1, 2 ]"));
    CHECK(same_json_text("{ \"a\" : 1 }", "{\"a\":1}"));
    CHECK(same_json_text("{\n\t\"a\":\r\n[true, null]\n}\n", "{\"a\":[true,null]}"));
    CHECK(same_json_text("1 ", " 1"));
    CHECK(same_json_text("\"a\\\" b\"", " \"a\\\" b\" "));
    CHECK(same_json_text("[\"\\\"\", 1]", "[\"\\\"\",1]"));  // escaped quote keeps the string open
    CHECK(same_json_text("[\"a\\\\\", \"b\"]", "[\"a\\\\\",\"b\"]"));  // escaped backslash
    CHECK(same_json_text("", " \n"));
  }
  SECTION("different") {
    CHECK_FALSE(same_json_text("[\"a b\"]", "[\"ab\"]"));
    CHECK_FALSE(same_json_text("\"a\\\" b\"", "\"a\\\"b\""));  // the space is inside the string
    CHECK_FALSE(same_json_text("[\"\\\" \", 1]", "[\"\\\"\",1]"));
    CHECK_FALSE(same_json_text("[1,2]", "[1,3]"));
    CHECK_FALSE(same_json_text("[1,2]", "[1,2,3]"));
    CHECK_FALSE(same_json_text("[1,2,3]", "[1,2]"));
    CHECK_FALSE(same_json_text("{\"a\":1}", "{\"A\":1}"));
    CHECK_FALSE(same_json_text("1", ""));
    CHECK_FALSE(same_json_text("\"\xC3\xA9\"", "\"\\u00e9\""));  // text, not meaning
    CHECK_FALSE(same_json_text("[1.0]", "[1]"));
  }
}

TEST_CASE("append_json_string", "[json_text]") {
  SECTION("every control character") {
    for (int c = 0; c < 0x20; ++c) {
      INFO("byte " << c);
      char expected_escape[8];
      std::snprintf(expected_escape, sizeof expected_escape, "\\u%04x", c);
      std::string expected = expected_escape;
      if (c == '\b') expected = "\\b";
      if (c == '\f') expected = "\\f";
      if (c == '\n') expected = "\\n";
      if (c == '\r') expected = "\\r";
      if (c == '\t') expected = "\\t";
      CHECK(quoted(std::string(1, static_cast<char>(c))) == "\"" + expected + "\"");
    }
    CHECK(quoted(std::string("\0", 1)) == "\"\\u0000\"");
    CHECK(quoted("\x0B") == "\"\\u000b\"");
    CHECK(quoted("\x1A") == "\"\\u001a\"");
    CHECK(quoted("\x1F") == "\"\\u001f\"");
  }
  SECTION("quotes and backslashes") {
    CHECK(quoted("") == "\"\"");
    CHECK(quoted("\"") == "\"\\\"\"");
    CHECK(quoted("\\") == "\"\\\\\"");
    CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(quoted("line1\nline2\t\"q\"\r\n") == "\"line1\\nline2\\t\\\"q\\\"\\r\\n\"");
    CHECK(quoted("/") == "\"/\"");  // '/' needs no escape
  }
  SECTION("every other byte is kept as is") {
    CHECK(quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
          "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    CHECK(quoted("\x7F") == "\"\x7F\"");
    for (int c = 0x20; c < 0x100; ++c) {
      if (c == '"' || c == '\\') continue;
      const std::string byte(1, static_cast<char>(c));
      CHECK(quoted(byte) == "\"" + byte + "\"");
    }
  }
  SECTION("the result is a valid JSON string") {
    std::string all_ascii;
    for (int c = 0; c < 0x80; ++c) all_ascii += static_cast<char>(c);
    check_valid(quoted(all_ascii));
    check_valid(quoted("\xC3\xA9\xF0\x9F\x98\x80\"\\"));
  }
  SECTION("appends, into std::string and fmt::memory_buffer") {
    std::string s = "[";
    append_json_string(s, "a\nb");
    s += ",";
    append_json_string(s, "\"c\"");
    s += "]";
    CHECK(s == "[\"a\\nb\",\"\\\"c\\\"\"]");
    check_valid(s);

    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf), "x=");
    append_json_string(buf, "tab\there \xC3\xA9");
    CHECK(fmt::to_string(buf) == "x=\"tab\\there \xC3\xA9\"");
  }
  SECTION("every length and every place of the byte to escape (the 16-byte scan's edges)") {
    // Against the rule written out byte by byte, for plain strings of 0 to 40 bytes with one
    // byte to escape (or a last plain one) at each place, and a run of them at the end.
    const auto escaped_by_rule = [](std::string_view text) {
      std::string out = "\"";
      for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
          out += '\\';
          out += ch;
        } else if (c < 0x20) {
          const char* const letters = "btn?fr";  // 0x08 to 0x0D; '?' for 0x0B
          if (c >= 0x08 && c <= 0x0D && c != 0x0B) {
            out += '\\';
            out += letters[c - 0x08];
          } else {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", c);
            out += escape;
          }
        } else {
          out += ch;
        }
      }
      return out + "\"";
    };
    for (std::size_t n = 0; n <= 40; ++n) {
      const std::string plain(n, 'a');
      CHECK(quoted(plain) == escaped_by_rule(plain));
      for (std::size_t at = 0; at < n; ++at) {
        for (const char special : {'"', '\\', '\n', '\x01', '\x1F', '\x7F', '\xC3', ' '}) {
          std::string text = plain;
          text[at] = special;
          INFO("length " << n << ", byte " << int(static_cast<unsigned char>(special)) << " at "
                         << at);
          CHECK(quoted(text) == escaped_by_rule(text));
          if (static_cast<unsigned char>(special) < 0x80) check_valid(quoted(text));  // UTF-8
        }
      }
      std::string tail = plain + "\"\\\n\t";
      CHECK(quoted(tail) == escaped_by_rule(tail));
      // Two bytes to escape: the scan goes on after the first, into the last 16 bytes.
      for (std::size_t first = 0; first < n; ++first) {
        for (std::size_t second = first + 1; second < n; ++second) {
          std::string text = plain;
          text[first] = '"';
          text[second] = '\n';
          INFO("length " << n << ", at " << first << " and " << second);
          CHECK(quoted(text) == escaped_by_rule(text));
          check_valid(quoted(text));
        }
      }
    }
  }
  SECTION("plain runs are copied in one append") {
    recording_buffer out;
    append_json_string(out, "hello world");
    CHECK(out.pieces == std::vector<std::string>{"\"", "hello world", "\""});
    out.pieces.clear();
    append_json_string(out, "ab\ncd\"");
    CHECK(out.pieces == std::vector<std::string>{"\"", "ab", "\\n", "cd", "\\\"", "\""});
  }
}
