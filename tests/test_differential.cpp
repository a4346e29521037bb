// tests/test_differential.cpp: livesend against an independent reader (tests/reference.hpp, on
// nlohmann::json), on thousands of generated events and corruptions of them; the inputs the
// fuzzers found (tests/data/regressions/); and the promise that errors never quote personal data.
//
// Every input is read by both flavours of livesend and by the reference. They must agree on
// accept or reject; on what they accept, value for value; and where the input is valid JSON and
// the reference rejects it for a field, on the error's code and path. The generator is seeded,
// so a failure names an input that the next run makes again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "livesend/livesend.hpp"
#include "reference.hpp"
#include "support.hpp"

using livesend::error_code;
using reference::json_value;

namespace {

// ---- Random choices ---------------------------------------------------------------------------

/// The engine's raw output is fixed by the standard (unlike std::uniform_int_distribution's), so
/// the same seed makes the same inputs with every standard library.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t bits() { return engine_(); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(bits() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::mt19937_64 engine_;
};

json_value make_string(std::string text) {
  json_value v;
  v.type = json_value::kind::string;
  v.text = std::move(text);
  return v;
}
json_value make_number(std::string text) {
  json_value v;
  v.type = json_value::kind::number;
  v.text = std::move(text);
  return v;
}
json_value make_bool(bool b) {
  json_value v;
  v.type = json_value::kind::boolean;
  v.boolean = b;
  return v;
}
json_value make_null() { return json_value{}; }

// ---- Generating valid events ------------------------------------------------------------------

/// Builds random events that keep the contract, from the reference's tables of the contract.
class generator {
 public:
  explicit generator(random_source& r) : r_(r) {}

  json_value event() { return record(reference::event_shape, 0); }

  /// Any JSON value, nested at most `depth` levels.
  json_value any(int depth) {
    switch (r_.below(depth > 0 ? 7 : 5)) {
      case 0:
        return make_null();
      case 1:
        return make_bool(r_.chance(50));
      case 2:
        return make_number(r_.chance(50) ? integer_text() : number_text());
      case 3:
      case 4:
        return make_string(text());
      case 5: {
        json_value a;
        a.type = json_value::kind::array;
        for (std::size_t n = r_.below(4); n > 0; --n) a.items.push_back(any(depth - 1));
        return a;
      }
      default: {
        json_value o;
        o.type = json_value::kind::object;
        for (std::size_t n = r_.below(4); n > 0; --n)
          o.members.emplace_back(text(), any(depth - 1));
        return o;
      }
    }
  }

  /// A string: plain words, JSON specials, control characters, non-ASCII, a NUL.
  std::string text() {
    static const char* const pieces[] = {"a",
                                         "Web",
                                         "demo",
                                         " ",
                                         "jane.doe@example.com",
                                         "198.51.100.23",
                                         "2001:db8::1",
                                         "\"",
                                         "\\",
                                         "/",
                                         "\n",
                                         "\t",
                                         "\r",
                                         "\b",
                                         "\f",
                                         std::string_view("\0", 1).data(),
                                         "\x01",
                                         "\x1f",
                                         "\x7f",
                                         "\xc3\xa9",
                                         "\xe6\x97\xa5\xe6\x9c\xac",
                                         "\xf0\x9f\x98\x80",
                                         "Z\xc3\xbcrich",
                                         "{}",
                                         "[1,2]",
                                         "null",
                                         "true",
                                         "0",
                                         "-",
                                         ":",
                                         ",",
                                         "\\u0041",
                                         "x"};
    std::string s;
    for (std::size_t n = r_.below(6); n > 0; --n) {
      const char* piece = r_.pick(pieces);
      // The NUL piece is one byte long.
      s += piece[0] == '\0' ? std::string(1, '\0') : std::string(piece);
    }
    return s;
  }

  /// An int64 in one of the forms the contract reads as an integer: 12, -0, 12.0, 1200e-2, 12e0,
  /// 1.2e1, 12E+0, near the limits too.
  std::string integer_text() {
    std::int64_t n = 0;
    switch (r_.below(6)) {
      case 0:
        n = static_cast<std::int64_t>(r_.below(1000));
        break;
      case 1:
        n = -static_cast<std::int64_t>(r_.below(100000));
        break;
      case 2:
        n = std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(r_.below(3));
        break;
      case 3:
        n = std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(r_.below(3));
        break;
      case 4:
        n = (std::int64_t{1} << 53) + static_cast<std::int64_t>(r_.below(3)) - 1;
        break;
      default:
        n = static_cast<std::int64_t>(r_.bits());
        break;
    }
    const std::string plain = std::to_string(n);
    switch (r_.below(8)) {
      case 0:
        return n == 0 ? "-0" : plain;
      case 1:
        return plain + ".0";
      case 2:
        return n == 0 ? "0.00e-2" : plain + "00e-2";
      case 3:
        return plain + "e0";
      case 4:
        return plain + "E+0";
      case 5:
        return n == 0 ? "0.0e5" : plain;
      default:
        return plain;
    }
  }

  /// Any JSON number that fits a double.
  std::string number_text() {
    static const char* const fixed[] = {"0",
                                        "-0",
                                        "1.5",
                                        "-10.8428",
                                        "15.2316",
                                        "1e308",
                                        "-1.7e308",
                                        "5e-324",
                                        "1e-400",
                                        "2.5E-3",
                                        "123456789012345678901234567890",
                                        "0.1",
                                        "3"};
    if (r_.chance(40)) return r_.pick(fixed);
    std::string s = r_.chance(30) ? "-" : "";
    s += std::to_string(r_.below(100000));
    if (r_.chance(50)) s += "." + std::to_string(r_.below(1000000));
    if (r_.chance(30)) {
      s += r_.chance(50) ? "e" : "E";
      if (r_.chance(50)) s += r_.chance(50) ? "-" : "+";
      s += std::to_string(r_.below(300));
    }
    return s;
  }

  /// A timestamp in one of the contract's forms, DateTime.MinValue now and then.
  std::string timestamp_text() {
    static const char* const unset[] = {"0001-01-01T00:00:00", "0001-01-01T00:00:00Z",
                                        "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.0000000Z",
                                        "1/1/0001 12:00:00 AM"};
    if (r_.chance(10)) return r_.pick(unset);
    const int year = 2 + static_cast<int>(r_.below(9997));  // offsets stay within 0000..9999
    const int month = 1 + static_cast<int>(r_.below(12));
    const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int day = 1 + static_cast<int>(r_.below(days[month - 1] + (month == 2 && leap)));
    const int hour = static_cast<int>(r_.below(24));
    const int minute = static_cast<int>(r_.below(60));
    const int second = static_cast<int>(r_.below(60));
    char buf[64];
    if (r_.chance(70)) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour,
                    minute, second);
      std::string s = buf;
      if (r_.chance(50)) {
        s += '.';
        for (std::size_t n = 1 + r_.below(7); n > 0; --n)
          s += static_cast<char>('0' + r_.below(10));
      }
      switch (r_.below(3)) {
        case 0:
          s += 'Z';
          break;
        case 1:
          std::snprintf(buf, sizeof buf, "%c%02d:%02d", r_.chance(50) ? '+' : '-',
                        static_cast<int>(r_.below(24)), static_cast<int>(r_.below(60)));
          s += buf;
          break;
        default:
          break;
      }
      return s;
    }
    const bool twelve = r_.chance(50);
    const int shown_hour = twelve ? (hour % 12 == 0 ? 12 : hour % 12) : hour;
    std::snprintf(buf, sizeof buf,
                  r_.chance(50) ? "%d/%d/%04d %d:%02d:%02d" : "%02d/%02d/%04d %02d:%02d:%02d",
                  month, day, year, shown_hour, minute, second);
    std::string s = buf;
    if (twelve) s += hour < 12 ? " AM" : " PM";
    return s;
  }

  json_value value(const reference::field_shape& f, int depth) {
    switch (f.type) {
      case reference::kind::str:
        return make_string(text());
      case reference::kind::version:
        return make_string(
            std::string(r_.chance(50) ? livesend::version_v3 : livesend::version_enriched_v3));
      case reference::kind::integer:
        return make_number(integer_text());
      case reference::kind::number:
        return make_number(number_text());
      case reference::kind::boolean:
        return make_bool(r_.chance(50));
      case reference::kind::ts:
        return make_string(timestamp_text());
      case reference::kind::raw: {
        json_value v = any(3);
        // null in a required raw field is an error (null_field), not what this makes.
        return v.type == json_value::kind::null && !f.optional ? make_string(text()) : v;
      }
      case reference::kind::record:
        return record(*f.record, depth + 1);
      case reference::kind::str_array:
      case reference::kind::record_array: {
        json_value a;
        a.type = json_value::kind::array;
        for (std::size_t n = r_.below(depth < 3 ? 3 : 2); n > 0; --n) {
          a.items.push_back(f.type == reference::kind::str_array ? make_string(text())
                                                                 : record(*f.record, depth + 1));
        }
        return a;
      }
    }
    return make_null();
  }

  /// A key as the contract spells it, or in another ASCII case now and then.
  std::string spell(const char* key) {
    std::string k = key;
    if (r_.chance(85)) return k;
    const std::size_t how = r_.below(3);
    for (char& c : k) {
      const bool lower = how == 0 || (how == 2 && r_.chance(50));
      if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (!lower && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return k;
  }

  json_value record(const reference::shape& s, int depth) {
    json_value o;
    o.type = json_value::kind::object;
    for (const reference::field_shape& f : s.fields) {
      if (f.optional) {
        const std::size_t how = r_.below(3);
        if (how == 0) continue;  // absent
        if (how == 1) {
          o.members.emplace_back(spell(f.key), make_null());
          continue;
        }
      }
      if (r_.chance(3)) {
        // An earlier duplicate, valid too: the last one wins.
        o.members.emplace_back(spell(f.key),
                               f.optional && r_.chance(30) ? make_null() : value(f, depth));
      }
      o.members.emplace_back(spell(f.key), value(f, depth));
    }
    if (r_.chance(20)) {
      for (std::size_t n = 1 + r_.below(2); n > 0; --n) {
        const std::size_t at = r_.below(o.members.size() + 1);
        o.members.insert(o.members.begin() + static_cast<std::ptrdiff_t>(at),
                         {"zz_" + text(), any(3)});
      }
    }
    if (r_.chance(30)) {
      for (std::size_t i = o.members.size(); i > 1; --i)
        std::swap(o.members[i - 1], o.members[r_.below(i)]);
    }
    return o;
  }

 private:
  random_source& r_;
};

// ---- Writing JSON text, in many styles ---------------------------------------------------------

struct style {
  unsigned space = 0;   ///< percent of token gaps that get whitespace
  unsigned escape = 0;  ///< percent of plain characters written as \u escapes
};

class writer {
 public:
  writer(random_source& r, style s) : r_(r), style_(s) {}

  std::string write(const json_value& v) {
    out_.clear();
    value(v);
    gap();
    return out_;
  }

 private:
  void gap() {
    static const char* const spaces[] = {" ", "\n", "\t", "\r\n", "  ", "\n    "};
    if (r_.chance(style_.space)) out_ += r_.pick(spaces);
  }

  void hex4(unsigned unit) {
    static const char lower[] = "0123456789abcdef";
    static const char upper[] = "0123456789ABCDEF";
    const char* digits = r_.chance(50) ? lower : upper;
    out_ += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out_ += digits[(unit >> shift) & 15];
  }

  void string(const std::string& s) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        const bool must = c < 0x20 || c == '"' || c == '\\';
        const char* shorthand = c == '"'    ? "\\\""
                                : c == '\\' ? "\\\\"
                                : c == '\n' ? "\\n"
                                : c == '\t' ? "\\t"
                                : c == '\r' ? "\\r"
                                : c == '\b' ? "\\b"
                                : c == '\f' ? "\\f"
                                : c == '/'  ? "\\/"
                                            : nullptr;
        if (must || r_.chance(style_.escape)) {
          if (shorthand != nullptr && r_.chance(70)) {
            out_ += shorthand;
          } else {
            hex4(c);
          }
        } else {
          out_ += static_cast<char>(c);
        }
        ++i;
        continue;
      }
      // A UTF-8 sequence (the generator writes only valid ones): as is, or as \u escapes.
      const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (!r_.chance(style_.escape * 4)) {
        out_.append(s, i, length);
      } else {
        unsigned cp = c & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
        for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
        if (cp >= 0x10000) {
          cp -= 0x10000;
          hex4(0xD800 + (cp >> 10));
          hex4(0xDC00 + (cp & 0x3FF));
        } else {
          hex4(cp);
        }
      }
      i += length;
    }
    out_ += '"';
  }

  void value(const json_value& v) {
    gap();
    switch (v.type) {
      case json_value::kind::null:
        out_ += "null";
        break;
      case json_value::kind::boolean:
        out_ += v.boolean ? "true" : "false";
        break;
      case json_value::kind::number:
        out_ += v.text;
        break;
      case json_value::kind::string:
        string(v.text);
        break;
      case json_value::kind::array:
        out_ += '[';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          if (i != 0) {
            gap();
            out_ += ',';
          }
          value(v.items[i]);
        }
        gap();
        out_ += ']';
        break;
      case json_value::kind::object:
        out_ += '{';
        for (std::size_t i = 0; i < v.members.size(); ++i) {
          if (i != 0) {
            gap();
            out_ += ',';
          }
          gap();
          string(v.members[i].first);
          gap();
          out_ += ':';
          value(v.members[i].second);
        }
        gap();
        out_ += '}';
        break;
    }
  }

  random_source& r_;
  style style_;
  std::string out_;
};

// ---- Corrupting events -------------------------------------------------------------------------

/// Every object member of the tree, as (object, index).
void members_of(json_value& v, std::vector<std::pair<json_value*, std::size_t>>& out) {
  if (v.type == json_value::kind::object) {
    for (std::size_t i = 0; i < v.members.size(); ++i) {
      out.emplace_back(&v, i);
      members_of(v.members[i].second, out);
    }
  } else if (v.type == json_value::kind::array) {
    for (json_value& item : v.items) members_of(item, out);
  }
}

json_value nested(std::size_t depth) {
  json_value v = make_number("1");
  for (std::size_t i = 0; i < depth; ++i) {
    json_value outer;
    outer.type = json_value::kind::array;
    outer.items.push_back(std::move(v));
    v = std::move(outer);
  }
  return v;
}

/// A change to the tree that keeps it valid JSON but may break the contract: a wrong type, a
/// missing or null field, a bad timestamp or number, a duplicate, deep nesting, a bad version.
void corrupt_tree(json_value& root, generator& gen, random_source& r) {
  std::vector<std::pair<json_value*, std::size_t>> members;
  members_of(root, members);
  if (members.empty()) return;
  auto [object, index] = members[r.below(members.size())];
  auto& member = object->members[index];
  static const char* const bad_timestamps[] = {"2024-02-30T00:00:00Z",
                                               "2024-07-14T24:00:00Z",
                                               "2024-07-14 13:47:38Z",
                                               "13/14/2024 14:03:45",
                                               "7/14/2024 13:03:45 PM",
                                               "yesterday",
                                               "",
                                               "2024-07-14T13:47:38+24:00",
                                               "2024-07-14T13:47:38.12345678Z",
                                               "0000-01-01T00:00:00+00:01",
                                               "2024-7-14T13:47:38Z"};
  static const char* const bad_numbers[] = {"1.5",
                                            "15e-1",
                                            "9223372036854775808",
                                            "-9223372036854775809",
                                            "1e19",
                                            "1e400",
                                            "-1e400",
                                            "99999999999999999999",
                                            "0.5e1",
                                            "123456789012345678901234567890"};
  switch (r.below(12)) {
    case 0:
    case 1:
      member.second = gen.any(2);  // most likely of another type
      break;
    case 2:
      object->members.erase(object->members.begin() + static_cast<std::ptrdiff_t>(index));
      break;
    case 3:
      member.second = make_null();
      break;
    case 4: {
      // Some string (a timestamp, often) made an invalid timestamp.
      std::vector<json_value*> strings;
      for (auto& [o, i] : members) {
        if (o->members[i].second.type == json_value::kind::string)
          strings.push_back(&o->members[i].second);
      }
      if (!strings.empty()) strings[r.below(strings.size())]->text = r.pick(bad_timestamps);
      break;
    }
    case 5: {
      std::vector<json_value*> numbers;
      for (auto& [o, i] : members) {
        if (o->members[i].second.type == json_value::kind::number)
          numbers.push_back(&o->members[i].second);
      }
      if (!numbers.empty()) numbers[r.below(numbers.size())]->text = r.pick(bad_numbers);
      break;
    }
    case 6: {
      // A duplicate after (it wins) or before (it is read first) the member.
      auto copy = member;
      copy.second = r.chance(50) ? gen.any(1) : make_null();
      const std::size_t at = r.chance(50) ? index + 1 : index;
      object->members.insert(object->members.begin() + static_cast<std::ptrdiff_t>(at), copy);
      break;
    }
    case 7:
      member.second = nested(60 + r.below(10));  // around the default max_raw_depth of 64
      break;
    case 8:
      object->members.insert(object->members.begin() + static_cast<std::ptrdiff_t>(index),
                             {"zz_deep", nested(60 + r.below(10))});
      break;
    case 9:
      root.members.emplace_back(
          "version",
          make_string(r.chance(50) ? "livesend-summary-v2" : "LIVESEND-SESSION-SUMMARY-V3"));
      break;
    case 10:
      // A key one letter off: unknown, and the field it was is missing.
      if (!member.first.empty()) member.first[r.below(member.first.size())] = '_';
      break;
    default:
      member.second = make_string(r.pick(bad_timestamps));
      break;
  }
}

/// A change to the text: most make it invalid JSON.
std::string corrupt_text(std::string text, random_source& r) {
  static const char* const inserts[] = {
      ",",    "}",    "]", "\"", "\\", "\xc3", "\xff", "\xed\xa0\x80", "\xc0\x80",
      "\x00", "\x01", "{", "[",  ":",  "1",    "null", " x",           "\\ud800"};
  const std::size_t at = r.below(text.size() + 1);
  switch (r.below(7)) {
    case 0:
      text.resize(at);
      break;
    case 1:
      if (!text.empty()) text[r.below(text.size())] = static_cast<char>(r.bits() & 0xFF);
      break;
    case 2:
      if (!text.empty()) text[r.below(text.size())] ^= static_cast<char>(1u << r.below(8));
      break;
    case 3: {
      const char* piece = r.pick(inserts);
      text.insert(at, piece[0] == '\0' ? std::string(1, '\0') : std::string(piece));
      break;
    }
    case 4:
      if (!text.empty()) text.erase(r.below(text.size()), 1 + r.below(3));
      break;
    case 5:
      text += r.chance(50) ? " {}" : "x";
      break;
    default:
      text.insert(0, "\xEF\xBB\xBF");
      break;
  }
  return text;
}

// ---- Comparing ---------------------------------------------------------------------------------

bool is_field_level(error_code code) {
  switch (code) {
    case error_code::missing_field:
    case error_code::null_field:
    case error_code::wrong_type:
    case error_code::out_of_range:
    case error_code::invalid_timestamp:
    case error_code::unsupported_version:
    case error_code::depth_exceeded:
    case error_code::not_an_object:
      return true;
    default:
      return false;
  }
}

std::string show_error(const livesend::error& e) {
  return std::string(livesend::to_string(e.code())) + " [" + e.to_string() + "]";
}

/// The first place where two texts differ, with some context.
std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const std::size_t from = i < 60 ? 0 : i - 60;
  return "livesend:  ..." + a.substr(from, 160) + "\nreference: ..." + b.substr(from, 160);
}

struct verdict {
  std::string mismatch;  ///< empty when livesend and the reference agree
  bool accepted = false;
  bool field_error_compared = false;
};

/// Reads `input` with both flavours and the reference; says where they disagree.
verdict compare(std::string_view input, const livesend::parse_options& options = {}) {
  verdict v;
  livesend::parser parser(options);
  livesend::event ev;
  const livesend::error err = parser.parse(input, ev);
  livesend::parser view_parser(options);
  livesend::event_view view;
  const livesend::error view_err = view_parser.parse(input, view);
  if (!(err == view_err)) {
    v.mismatch = "owning " + show_error(err) + " but view " + show_error(view_err);
    return v;
  }
  if (err) {
    if (err.offset() > input.size() ||
        err.line() != livesend::detail::line_of(input, err.offset()) || err.message().empty()) {
      v.mismatch = "malformed error " + show_error(err);
      return v;
    }
  } else if (!(livesend::to_owning(view) == ev)) {
    v.mismatch = "to_owning(view) differs from the owning flavour";
    return v;
  }

  reference::options ro;
  ro.max_raw_depth = options.max_raw_depth;
  ro.null_timestamp_is_unset = options.null_timestamp_is_unset;
  const reference::outcome ref = reference::read_event(input, ro);
  v.accepted = ref.ok;
  if (ref.ok != err.ok()) {
    v.mismatch = err.ok() ? "livesend accepts, the reference rejects: " +
                                std::string(livesend::to_string(ref.code)) + " at " + ref.path +
                                " (" + ref.detail + ")"
                          : "the reference accepts, livesend rejects: " + show_error(err);
    return v;
  }
  if (ref.ok) {
    const livesend::event mine = reference::canonical_raw(ev);
    if (!(mine == ref.event)) {
      v.mismatch = "different values\n" +
                   first_difference(livesend::to_json(mine), livesend::to_json(ref.event));
    }
    return v;
  }
  if (!ref.valid_json || !is_field_level(ref.code)) return v;  // both reject: enough
  v.field_error_compared = true;
  const bool same_path =
      ref.code == error_code::missing_field
          ? std::find(ref.missing.begin(), ref.missing.end(), err.path()) != ref.missing.end()
          : err.path() == ref.path;
  if (err.code() != ref.code || !same_path) {
    v.mismatch = "livesend " + show_error(err) + " but the reference " +
                 std::string(livesend::to_string(ref.code)) + " at '" + ref.path + "' (" +
                 ref.detail + ")";
  }
  return v;
}

/// The input, cut and escaped for a failure message.
std::string excerpt(std::string_view input) {
  return livesend::detail::quote_for_message(input, 4000);
}

/// Runs `count` cases made by `make` and checks that livesend and the reference agree on each;
/// reports the first few disagreements in full.
template <class Make>
void agree_on(std::size_t count, Make&& make, std::size_t* accepted = nullptr,
              std::size_t* field_errors = nullptr) {
  std::size_t failures = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string input = make(i);
    const verdict v = compare(input);
    if (accepted != nullptr && v.accepted) ++*accepted;
    if (field_errors != nullptr && v.field_error_compared) ++*field_errors;
    if (!v.mismatch.empty() && ++failures <= 3) {
      FAIL_CHECK("case " << i << ": " << v.mismatch << "\ninput: " << excerpt(input));
    }
  }
  CHECK(failures == 0);
}

constexpr std::uint64_t seed = 20240714;

}  // namespace

TEST_CASE("differential: the fixtures", "[differential]") {
  for (const char* name : {"seed-session-summary-v3.json", "cli/two-events.json",
                           "cli/mixed.ndjson", "cli/unknown-keys.ndjson"}) {
    INFO(name);
    const std::string text = test::read_file(test::data_path(name));
    livesend::record_splitter splitter(text);
    livesend::stream_record record;
    while (splitter.next(record)) {
      INFO("record " << record.index);
      const verdict v = compare(record.text);
      CHECK(v.mismatch == "");
    }
  }
  // The seed accepted by both, value for value.
  CHECK(compare(test::seed()).accepted);
}

TEST_CASE("differential: hand-written edge cases", "[differential]") {
  const std::string seed = test::minified(test::seed());
  const auto with = [&](std::string_view from, std::string_view to) {
    return test::replace_once(seed, from, to);
  };
  const std::vector<std::string> cases = {
      with("\"TotalContent\":1,", "\"TotalContent\":1,\"totalcontent\":7,\"TOTALCONTENT\":2,"),
      with("\"TotalContent\":1,", "\"TotalContent\":\"x\",\"TotalContent\":1,"),
      with("\"TotalContent\":1,", "\"TotalContent\":1,\"TotalContent\":null,"),
      with("\"TotalContent\":1,", "\"TotalContent\":18446744073709551615,"),
      with("\"TotalContent\":1,", "\"TotalContent\":18446744073709551616,"),
      with("\"TotalContent\":1,", "\"TotalContent\":-0.0e-0,"),
      with("\"TotalContent\":1,", "\"TotalContent\":1e-99999999999999999999,"),
      with("\"TotalContent\":1,", "\"TotalContent\":0e99999999999999999999,"),
      with("\"TotalContent\":1,", "\"TotalContent\":9223372036854775807.0,"),
      with("\"TotalContent\":1,", "\"TotalContent\":9223372036854775807.5,"),
      with("\"TotalContent\":1,", "\"TotalContent\":92233720368547758070e-1,"),
      with("\"TotalContent\":1,", "\"TotalContent\":0.9223372036854775807e19,"),
      with("\"TotalContent\":1,", "\"TotalContent\":-0.9223372036854775808E+19,"),
      with("\"TotalContent\":1,",
           "\"TotalContent\":0.00000000000000000000000000000000000000001e41,"),
      with("15.2316", "0." + std::string(700, '0') + "1e700"),
      with("15.2316", "1" + std::string(400, '0') + "e-400"),
      // Numbers at the ends of double's range and beyond (raw values keep any JSON number).
      with("15.2316", "2.2250738585072011e-308"),
      with("15.2316", "1.7976931348623157e308"),
      with("15.2316", "1.7976931348623159e308"),
      with("15.2316", "1e400"),
      with("15.2316", "-1e-400"),
      with("15.2316", "18446744073709551616"),
      with("\"Tags\":[]", "\"Tags\":[1e400,-1e999,123456789012345678901234567890e300]"),
      with("\"Tags\":[]", "\"Tags\":[\"\\ud83d\\ude00\",\"\\u0000\",\"\\/\"]"),
      with("\"Tags\":[]", "\"Tags\":" + std::string(64, '[') + std::string(64, ']')),
      with("\"Tags\":[]", "\"Tags\":" + std::string(65, '[') + std::string(65, ']')),
      with("\"application\":\"Web\"",
           "\"application\":\"Web\",\"\":" + std::string(65, '[') + std::string(65, ']')),
      with("\"application\":\"Web\"", "\"application\":\"Web\",\"\\u0041pp\":1"),
      with("\"application\":\"Web\"", "\"\\u0061pplication\":\"Web\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"Z\xc3\xbcrich \\u65e5\\u672c\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"\\ud800\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"\xed\xa0\x80\""),
      with("\"City\":\"Charlotte\"", "\"City\":\"a\x01\""),
      "\xEF\xBB\xBF" + seed,
      seed + " ",
      seed + "x",
      "[" + seed + "]",
      "",
      "{}",
  };
  agree_on(cases.size(), [&](std::size_t i) { return cases[i]; });
}

TEST_CASE("differential: random valid events", "[differential]") {
  random_source r(seed);
  generator gen(r);
  std::size_t accepted = 0;
  constexpr std::size_t count = 1500;
  agree_on(
      count,
      [&](std::size_t) {
        writer w(r, style{static_cast<unsigned>(r.below(4) * 10),
                          static_cast<unsigned>(r.below(3) * 5)});
        return w.write(gen.event());
      },
      &accepted);
  // The generator keeps the contract: nearly every event is valid (a few draw a bad value).
  CHECK(accepted > count * 95 / 100);
}

TEST_CASE("differential: random corruptions", "[differential]") {
  random_source r(seed + 1);
  generator gen(r);
  std::size_t accepted = 0;
  std::size_t field_errors = 0;
  constexpr std::size_t count = 3000;
  agree_on(
      count,
      [&](std::size_t i) {
        json_value ev = gen.event();
        writer w(r, style{static_cast<unsigned>(r.below(3) * 10),
                          static_cast<unsigned>(r.below(2) * 5)});
        if (i % 2 == 0) {
          for (std::size_t n = 1 + r.below(2); n > 0; --n) corrupt_tree(ev, gen, r);
          return w.write(ev);
        }
        return corrupt_text(w.write(ev), r);
      },
      &accepted, &field_errors);
  // Enough of each: inputs still valid, and field errors whose code and path were compared.
  CHECK(accepted > count / 10);
  CHECK(field_errors > count / 4);
}

TEST_CASE("differential: other options", "[differential]") {
  random_source r(seed + 2);
  generator gen(r);
  livesend::parse_options options;
  options.max_raw_depth = 2;
  options.null_timestamp_is_unset = true;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    json_value ev = gen.event();
    if (i % 2 == 0) corrupt_tree(ev, gen, r);
    const std::string input = writer(r, style{10, 5}).write(ev);
    const verdict v = compare(input, options);
    if (!v.mismatch.empty() && ++failures <= 3) {
      FAIL_CHECK("case " << i << ": " << v.mismatch << "\ninput: " << excerpt(input));
    }
  }
  CHECK(failures == 0);
}

// ---- Personal data in errors
// ---------------------------------------------------------------------

TEST_CASE("errors never quote the values of personal fields", "[differential][pii]") {
  // The parser's messages quote timestamps and the version only. A wrong or broken value in
  // Email or IpAddress is named by its path, never repeated.
  const std::string seed = test::minified(test::seed());
  const std::string email = "jane.doe@example.com";
  const std::string ip = "198.51.100.23";
  struct edit {
    const char* from;
    std::string to;
  };
  const std::vector<edit> edits = {
      {"\"Email\":null", "\"Email\":[\"" + email + "\"]"},
      {"\"Email\":null", "\"Email\":{\"address\":\"" + email + "\"}"},
      {"\"Email\":null", "\"Email\":\"" + email + "\",\"Email\":7"},
      {"\"IpAddress\":\"\"", "\"IpAddress\":[\"" + ip + "\"]"},
      {"\"IpAddress\":\"\"", "\"IpAddress\":{\"v4\":\"" + ip + "\"}"},
      {"\"IpAddress\":\"\"", "\"IpAddress\":19851.10023"},
      {"\"IpAddress\":\"\"", "\"IpAddress\":\"" + ip + "\\q\""},   // bad escape
      {"\"IpAddress\":\"\"", "\"IpAddress\":\"" + ip + "\xff\""},  // invalid UTF-8
      {"\"IpAddress\":\"\"", "\"IpAddress\":\"" + ip + "\x01\""},  // control character
      {"\"IpAddress\":\"\"",
       "\"IpAddress\":\"" + ip + "\",\"x\":" + std::string(70, '[') + std::string(70, ']')},
  };
  for (const edit& e : edits) {
    const std::string input = test::replace_once(seed, e.from, e.to);
    INFO(input.substr(input.find(e.to), e.to.size()));
    livesend::parser parser;
    livesend::event ev;
    const livesend::error err = parser.parse(input, ev);
    REQUIRE(err);
    INFO(err.to_string());
    CHECK(err.to_string().find(email) == std::string::npos);
    CHECK(err.to_string().find(ip) == std::string::npos);
    CHECK(err.to_string().find("19851") == std::string::npos);
  }
  // The participant's Email (a required str) too.
  const std::string wrong = test::replace_once(test::seed(), "\"Email\": \"[email protected]\"",
                                               "\"Email\": {\"v\": \"" + email + "\"}");
  const livesend::result<livesend::event> r = livesend::parse_event(wrong);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().to_string() == "data.Participants[0].Email: expected a string, found an object");
}

// ---- Findings of the fuzzers
// ------------------------------------------------------------------------

namespace {

namespace fs = std::filesystem;

/// The files of tests/data/regressions/<kind>, sorted.
std::vector<fs::path> regressions(const char* kind) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(test::data_path("regressions")) / kind;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// What fuzz/fuzz_event.cpp checks, for one input.
void check_event_properties(const std::string& input) {
  const verdict v = compare(input);
  CHECK(v.mismatch == "");
  livesend::parse_options report;
  report.report_unknown_keys = true;
  livesend::parser reporting(report);
  livesend::event ev;
  const livesend::error err = reporting.parse(input, ev);
  for (const livesend::unknown_key& key : reporting.unknown_keys()) {
    INFO(key.path);
    CHECK(key.offset < input.size());
    CHECK(input.substr(key.offset, 1) == "\"");
    CHECK(key.line == livesend::detail::line_of(input, key.offset));
  }
  if (!err) {
    const std::string json = livesend::to_json(ev);
    livesend::parse_options normalized;
    normalized.null_timestamp_is_unset = true;
    const livesend::result<livesend::event> round = livesend::parse_event(json, normalized);
    REQUIRE(round.has_value());
    CHECK(*round == ev);
    CHECK(livesend::to_json(*round) == json);
  }
}

}  // namespace

TEST_CASE("regressions: the inputs the fuzzers found", "[regression]") {
  // tests/data/regressions/event/NAME: one event each, read by both flavours, the reference and
  // the round trip through normalized JSON (see fuzz/fuzz_event.cpp); README.md there says what
  // each one found.
  for (const fs::path& file : regressions("event")) {
    INFO(file.filename().string());
    check_event_properties(test::read_file(file.string()));
  }
  // tests/data/regressions/stream/NAME: a buffer each; every record reads as it does alone.
  for (const fs::path& file : regressions("stream")) {
    INFO(file.filename().string());
    const std::string buffer = test::read_file(file.string());
    livesend::parser parser;
    livesend::event_view ev;
    livesend::parser alone;
    livesend::event_view alone_ev;
    (void)livesend::parse_stream(
        parser, buffer, ev,
        [&](const livesend::stream_record& r, const livesend::error& err,
            const livesend::event_view&) {
          if (r.problem != nullptr) return;  // array punctuation
          livesend::error expected = alone.parse(r.text, alone_ev);
          if (expected) {
            expected.rebase(r.offset, r.line - 1);
            // The column in the stream: from its line's start.
            const std::size_t newline = buffer.substr(0, expected.offset()).rfind('\n');
            expected.set_column(expected.offset() - (newline + 1) + 1);
          }
          INFO("record " << r.index << ": in the stream " << err.to_string() << ", alone "
                         << expected.to_string());
          CHECK(err == expected);
          CHECK(compare(r.text).mismatch == "");
        });
  }
  // tests/data/regressions/timestamp/NAME: one timestamp text each.
  for (const fs::path& file : regressions("timestamp")) {
    INFO(file.filename().string());
    const std::string text = test::read_file(file.string());
    livesend::timestamp ts;
    if (livesend::detail::parse_timestamp(text, ts) == nullptr) {
      livesend::timestamp again;
      CHECK(livesend::detail::parse_timestamp(ts.to_string(), again) == nullptr);
      CHECK(again == ts);
    }
  }
}
