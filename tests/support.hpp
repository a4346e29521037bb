// tests/support.hpp: fixtures and payload edits shared by the tests.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string data_path(std::string_view name) {
  return std::string(LIVESEND_TEST_DATA_DIR) + "/" + std::string(name);
}

/// The seed fixture, as shipped (pretty-printed).
inline const std::string& seed() {
  static const std::string text = read_file(data_path("seed-session-summary-v3.json"));
  return text;
}

/// `text` with the one occurrence of `from` replaced by `to`; throws when `from` is not there
/// exactly once, so an edit that silently does nothing cannot pass a test.
inline std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::runtime_error("replace_once: not exactly one \"" + std::string(from) + "\"");
  }
  text.replace(at, from.size(), to);
  return text;
}

/// The seed with one edit.
inline std::string seed_with(std::string_view from, std::string_view to) {
  return replace_once(seed(), from, to);
}

/// How `rewrite` changes a document's keys and layout.
struct rewrite_options {
  bool reverse_keys = false;  ///< every object's keys in reverse order
  int key_case = 0;           ///< 0 as is, 1 all lower case, 2 all upper case
  bool escape_keys = false;   ///< write every key's first letter as a \u escape
};

namespace detail {
inline void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
      continue;
    }
    out += c;
  }
  out += '"';
}

inline void rewrite(simdjson::dom::element e, const rewrite_options& o, std::string& out) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object obj = e.get_object();
      std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
      for (auto f : obj) fields.emplace_back(f.key, f.value);
      if (o.reverse_keys) std::reverse(fields.begin(), fields.end());
      out += '{';
      bool first = true;
      for (auto& [key, value] : fields) {
        if (!first) out += ',';
        first = false;
        std::string k(key);
        for (char& c : k) {
          if (o.key_case == 1 && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          if (o.key_case == 2 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        if (o.escape_keys && !k.empty()) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(k[0]));
          out += '"';
          out += buf;
          out += k.substr(1);
          out += '"';
        } else {
          append_string(out, k);
        }
        out += ':';
        rewrite(value, o, out);
      }
      out += '}';
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      out += '[';
      bool first = true;
      for (auto v : e.get_array()) {
        if (!first) out += ',';
        first = false;
        rewrite(v, o, out);
      }
      out += ']';
      break;
    }
    default:
      out += simdjson::minify(e);
  }
}
}  // namespace detail

/// `json` re-written (minified) with its keys changed as `o` says; values are kept as they are.
inline std::string rewrite(std::string_view json, const rewrite_options& o) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json.data(), json.size());
  std::string out;
  detail::rewrite(root, o, out);
  return out;
}

/// `json` minified (one line).
inline std::string minified(std::string_view json) { return rewrite(json, {}); }

/// Texts one edit away from `text`: each byte replaced by each char of `alphabet`, one char of
/// it inserted anywhere, one byte removed, and every proper prefix.
inline std::vector<std::string> near_texts(const std::string& text, std::string_view alphabet) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    out.push_back(text.substr(0, i));
    for (char c : alphabet) {
      if (i < text.size()) out.push_back(text.substr(0, i) + c + text.substr(i + 1));
      out.push_back(text.substr(0, i) + c + text.substr(i));
    }
    if (i < text.size()) out.push_back(text.substr(0, i) + text.substr(i + 1));
  }
  return out;
}

/// Every byte value, for near_texts.
inline std::string every_byte() {
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  return bytes;
}

}  // namespace test
