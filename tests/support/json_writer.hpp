// tests/support/json_writer.hpp: the one writer of JSON text in varied styles, for the tests
// (the differential test's random events, the unit tests' rewritten fixtures) and the benchmark
// corpus: whitespace between tokens, strings with their characters escaped in every way JSON
// allows, object members reordered, keys in another case or with an escaped first letter.
//
// It writes tokens, not trees: each caller walks its own values (a JSON tree, the model through
// its schema, a simdjson DOM) and builds members and items with these calls. The random choices
// come from one test::rng, in a fixed order, so a seed makes the same text again.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "random.hpp"

namespace test {

/// How json_writer writes. Percentages are per gap, per character or per string, as said.
struct json_style {
  /// Percent of the gaps between tokens that get whitespace (100: every one).
  unsigned space = 0;
  /// Whitespace anywhere JSON allows it: also before commas and inside brackets, line breaks
  /// included. Otherwise only within a line, after commas and around colons (as an NDJSON
  /// writer may).
  bool anywhere = false;
  /// Percent of the plain ASCII characters written escaped (a short escape or \u); and four
  /// times that, of the non-ASCII characters written as \u escapes.
  unsigned escape = 0;
  /// Percent of the strings whose non-ASCII characters are all written as \u escapes.
  unsigned escape_non_ascii = 0;
  /// Percent of the strings that write '/' as "\/" (as .NET serializers often do).
  unsigned escape_solidus = 0;
  /// Object members in random order (a tree with duplicate keys must not be written so: the
  /// last of the duplicates is the one that counts).
  bool shuffle_keys = false;
  /// Object members in reverse order (the same caveat).
  bool reverse_keys = false;
  /// Keys as given (0), in ASCII lower case (1) or upper case (2).
  int key_case = 0;
  /// Every key's first character written as a \u escape.
  bool escape_key_initial = false;
  /// When set, a second source of choices that only reorders: every object's members are put
  /// in a random order drawn from it (after any shuffle above), and `flip_key_initial` percent
  /// of the keys change the ASCII case of their first letter. The main rng sees the same calls
  /// as without it, so the text differs from the unreordered one only in member order and key
  /// case (the benchmark's "shuffled" workload is the stream so rewritten).
  rng* reorder = nullptr;
  unsigned flip_key_initial = 0;
};

class json_writer {
 public:
  json_writer(rng& r, json_style style) : r_(r), style_(style) {}

  const json_style& style() const { return style_; }

  /// How many non-ASCII characters were written as \u escapes so far.
  std::size_t non_ascii_escapes() const { return non_ascii_escapes_; }

  /// Whitespace between two tokens, or none.
  void gap(std::string& out) {
    static const std::array<std::string_view, 4> in_line = {" ", " ", "  ", "\t"};
    static const std::array<std::string_view, 6> any = {" ", "\n", "\t", "\r\n", "  ", "\n    "};
    if (style_.space == 0) return;
    if (style_.space < 100 && !r_.chance(style_.space)) return;
    out += style_.anywhere ? r_.pick(any) : r_.pick(in_line);
  }

  /// `s` (valid UTF-8, any bytes below 0x80 included) as a JSON string.
  void string(std::string& out, std::string_view s) {
    const bool non_ascii_escaped = r_.chance(style_.escape_non_ascii);
    const bool solidus_escaped = r_.chance(style_.escape_solidus);
    const char* const hex = r_.chance(50) ? "0123456789ABCDEF" : "0123456789abcdef";
    const auto u_escape = [&](std::uint32_t unit) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xF];
    };
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
      const char c = s[i];
      const auto uc = static_cast<unsigned char>(c);
      if (uc >= 0x80) {
        const std::size_t start = i;
        const std::uint32_t cp = code_point(s, i);
        if (non_ascii_escaped || (style_.escape != 0 && r_.chance(style_.escape * 4))) {
          ++non_ascii_escapes_;
          if (cp >= 0x10000) {
            u_escape(0xD800 + ((cp - 0x10000) >> 10));
            u_escape(0xDC00 + ((cp - 0x10000) & 0x3FF));
          } else {
            u_escape(cp);
          }
        } else {
          out.append(s.substr(start, i - start));
        }
        continue;
      }
      ++i;
      const bool chosen = style_.escape != 0 && r_.chance(style_.escape);
      const bool must = uc < 0x20 || c == '"' || c == '\\';
      if (!must && !chosen) {
        if (c == '/' && solidus_escaped) {
          out += "\\/";
        } else {
          out += c;
        }
        continue;
      }
      const char* const shorthand = short_escape(c);
      if (shorthand != nullptr && (!chosen || r_.chance(70))) {
        out += shorthand;
      } else {
        u_escape(uc);
      }
    }
    out += '"';
  }

  /// An object member's key, as the style spells it, and its colon: `"key":` with gaps.
  void key(std::string& out, std::string_view name) {
    std::string k(name);
    for (char& c : k) {
      if (style_.key_case == 1 && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (style_.key_case == 2 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (style_.reorder != nullptr && !k.empty() &&
        style_.reorder->chance(style_.flip_key_initial)) {
      char& c = k[0];
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      } else if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      }
    }
    if (style_.escape != 0) {
      string(out, k);
    } else if (style_.escape_key_initial && !k.empty()) {
      char initial[8];
      std::snprintf(initial, sizeof initial, "\\u%04X", static_cast<unsigned char>(k[0]));
      std::string quoted_rest;
      quoted(quoted_rest, std::string_view(k).substr(1));
      out += '"';
      out += initial;
      out.append(quoted_rest, 1, std::string::npos);  // without its opening quote
    } else {
      quoted(out, k);
    }
    gap(out);
    out += ':';
    gap(out);
  }

  /// An object of `members` (each made with key() and a value), in the order the style says.
  void object(std::string& out, std::vector<std::string>& members) {
    if (style_.reverse_keys) std::reverse(members.begin(), members.end());
    if (style_.shuffle_keys) {
      for (std::size_t i = members.size(); i > 1; --i)
        std::swap(members[i - 1], members[r_.below(i)]);
    }
    if (style_.reorder != nullptr) {
      for (std::size_t i = members.size(); i > 1; --i)
        std::swap(members[i - 1], members[style_.reorder->below(i)]);
    }
    out += '{';
    gap(out);
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i != 0) comma(out);
      out += members[i];
    }
    gap(out);
    out += '}';
  }

  /// An array of `count` items, item i written by `write_item(out, i)` in its place (so that
  /// the random choices are made in the order of the text).
  template <class WriteItem>
  void array(std::string& out, std::size_t count, WriteItem&& write_item) {
    out += '[';
    if (style_.anywhere) gap(out);
    for (std::size_t i = 0; i < count; ++i) {
      if (i != 0) comma(out);
      write_item(out, i);
    }
    if (style_.anywhere) gap(out);
    out += ']';
  }

  /// `s` as a JSON string, escaped only where it must be, with no random choice.
  static void quoted(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
      const auto uc = static_cast<unsigned char>(c);
      if (uc < 0x20 || c == '"' || c == '\\') {
        if (const char* shorthand = short_escape(c)) {
          out += shorthand;
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(uc));
          out += buf;
        }
      } else {
        out += c;
      }
    }
    out += '"';
  }

 private:
  static const char* short_escape(char c) {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '/':
        return "\\/";
      case '\b':
        return "\\b";
      case '\f':
        return "\\f";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        return nullptr;
    }
  }

  /// Reads one UTF-8 code point at s[i] (the text is valid UTF-8), advancing i.
  static std::uint32_t code_point(std::string_view s, std::size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    return cp;
  }

  void comma(std::string& out) {
    if (style_.anywhere) gap(out);
    out += ',';
    gap(out);
  }

  rng& r_;
  json_style style_;
  std::size_t non_ascii_escapes_ = 0;
};

}  // namespace test
