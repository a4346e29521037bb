// tests/support.hpp: the unit tests' fixtures and payload edits. (support/ holds what the tests
// share with the fuzzers and the benchmarks: the PRNG, the styled JSON writer, the model diff.)
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/json_writer.hpp"
#include "support/random.hpp"

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

/// A source for read_stream and record_reader: `text`, at most `gulp` bytes a call (as a pipe
/// gives what it holds), 0 at its end. `at` is how much has been read.
struct chunked_source {
  std::string_view text;
  std::size_t gulp = static_cast<std::size_t>(-1);
  std::size_t at = 0;

  std::size_t operator()(char* into, std::size_t room) {
    const std::size_t n = std::min({room, gulp, text.size() - at});
    std::memcpy(into, text.data() + at, n);
    at += n;
    return n;
  }
};

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
inline void rewrite(simdjson::dom::element e, json_writer& w, std::string& out) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::string> members;
      for (auto field : e.get_object()) {
        std::string member;
        w.key(member, field.key);
        rewrite(field.value, w, member);
        members.push_back(std::move(member));
      }
      w.object(out, members);
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      std::vector<simdjson::dom::element> items;
      for (auto v : e.get_array()) items.push_back(v);
      w.array(out, items.size(), [&](std::string& o, std::size_t i) { rewrite(items[i], w, o); });
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
  json_style style;  // no whitespace, no escapes but the first letters': nothing left to chance
  style.reverse_keys = o.reverse_keys;
  style.key_case = o.key_case;
  style.escape_key_initial = o.escape_keys;
  rng unused(0);
  json_writer w(unused, style);
  std::string out;
  detail::rewrite(root, w, out);
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
