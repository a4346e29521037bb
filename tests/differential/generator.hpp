// tests/differential/generator.hpp: random events for the differential test, from the
// reference's tables of the contract (never the library's): valid ones, written in many styles
// (tests/support/json_writer.hpp), and corruptions of them, of the tree (valid JSON that may
// break the contract) or of the text (mostly invalid JSON). Seeded (tests/support/random.hpp):
// a seed makes the same inputs again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "differential/reference.hpp"
#include "livesend/model.hpp"
#include "support/json_writer.hpp"
#include "support/random.hpp"

namespace differential {

using reference::json_value;

// ---- Values -----------------------------------------------------------------------------------

inline json_value make_string(std::string text) {
  json_value v;
  v.type = json_value::kind::string;
  v.text = std::move(text);
  return v;
}
inline json_value make_number(std::string text) {
  json_value v;
  v.type = json_value::kind::number;
  v.text = std::move(text);
  return v;
}
inline json_value make_bool(bool b) {
  json_value v;
  v.type = json_value::kind::boolean;
  v.boolean = b;
  return v;
}
inline json_value make_null() { return json_value{}; }

// ---- Generating valid events ------------------------------------------------------------------

/// Builds random events that keep the contract, from the reference's tables of the contract.
class generator {
 public:
  explicit generator(test::rng& r) : r_(r) {}

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
        for (std::size_t n = r_.below(4); n > 0; --n) o.members.push_back({text(), any(depth - 1)});
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
        n = static_cast<std::int64_t>(r_.next());
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
          o.members.push_back({spell(f.key), make_null()});
          continue;
        }
      }
      if (r_.chance(3)) {
        // An earlier duplicate, valid too: the last one wins.
        o.members.push_back(
            {spell(f.key), f.optional && r_.chance(30) ? make_null() : value(f, depth)});
      }
      o.members.push_back({spell(f.key), value(f, depth)});
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
  test::rng& r_;
};

// ---- Writing JSON text, in many styles ---------------------------------------------------------

struct style {
  unsigned space = 0;   ///< percent of token gaps that get whitespace
  unsigned escape = 0;  ///< percent of plain characters written as escapes
};

/// A tree as JSON text, with test::json_writer: whitespace anywhere JSON allows it (line breaks
/// too), characters of strings and keys escaped at random; members in the tree's order (it
/// holds duplicates, whose order counts).
class writer {
 public:
  writer(test::rng& r, style s) : json_(r, json_style_of(s)) {}

  std::string write(const json_value& v) {
    std::string out;
    json_.gap(out);
    value(out, v);
    json_.gap(out);
    return out;
  }

 private:
  static test::json_style json_style_of(style s) {
    test::json_style j;
    j.space = s.space;
    j.anywhere = true;
    j.escape = s.escape;
    return j;
  }

  void value(std::string& out, const json_value& v) {
    switch (v.type) {
      case json_value::kind::null:
        out += "null";
        break;
      case json_value::kind::boolean:
        out += v.boolean ? "true" : "false";
        break;
      case json_value::kind::number:
        out += v.text;
        break;
      case json_value::kind::string:
        json_.string(out, v.text);
        break;
      case json_value::kind::array:
        json_.array(out, v.items.size(),
                    [&](std::string& o, std::size_t i) { value(o, v.items[i]); });
        break;
      case json_value::kind::object: {
        std::vector<std::string> members(v.members.size());
        for (std::size_t i = 0; i < v.members.size(); ++i) {
          json_.key(members[i], v.members[i].key);
          value(members[i], v.members[i].value);
        }
        json_.object(out, members);
        break;
      }
    }
  }

  test::json_writer json_;
};

// ---- Corrupting events -------------------------------------------------------------------------

/// Every object member of the tree, as (object, index).
inline void members_of(json_value& v, std::vector<std::pair<json_value*, std::size_t>>& out) {
  if (v.type == json_value::kind::object) {
    for (std::size_t i = 0; i < v.members.size(); ++i) {
      out.emplace_back(&v, i);
      members_of(v.members[i].value, out);
    }
  } else if (v.type == json_value::kind::array) {
    for (json_value& item : v.items) members_of(item, out);
  }
}

inline json_value nested(std::size_t depth) {
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
inline void corrupt_tree(json_value& root, generator& gen, test::rng& r) {
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
      member.value = gen.any(2);  // most likely of another type
      break;
    case 2:
      object->members.erase(object->members.begin() + static_cast<std::ptrdiff_t>(index));
      break;
    case 3:
      member.value = make_null();
      break;
    case 4: {
      // Some string (a timestamp, often) made an invalid timestamp.
      std::vector<json_value*> strings;
      for (auto& [o, i] : members) {
        if (o->members[i].value.type == json_value::kind::string)
          strings.push_back(&o->members[i].value);
      }
      if (!strings.empty()) strings[r.below(strings.size())]->text = r.pick(bad_timestamps);
      break;
    }
    case 5: {
      std::vector<json_value*> numbers;
      for (auto& [o, i] : members) {
        if (o->members[i].value.type == json_value::kind::number)
          numbers.push_back(&o->members[i].value);
      }
      if (!numbers.empty()) numbers[r.below(numbers.size())]->text = r.pick(bad_numbers);
      break;
    }
    case 6: {
      // A duplicate after (it wins) or before (it is read first) the member.
      auto copy = member;
      copy.value = r.chance(50) ? gen.any(1) : make_null();
      const std::size_t at = r.chance(50) ? index + 1 : index;
      object->members.insert(object->members.begin() + static_cast<std::ptrdiff_t>(at), copy);
      break;
    }
    case 7:
      member.value = nested(60 + r.below(10));  // around the default max_raw_depth of 64
      break;
    case 8:
      object->members.insert(object->members.begin() + static_cast<std::ptrdiff_t>(index),
                             {"zz_deep", nested(60 + r.below(10))});
      break;
    case 9:
      root.members.push_back(
          {"version",
           make_string(r.chance(50) ? "livesend-summary-v2" : "LIVESEND-SESSION-SUMMARY-V3")});
      break;
    case 10:
      // A key one letter off: unknown, and the field it was is missing.
      if (!member.key.empty()) member.key[r.below(member.key.size())] = '_';
      break;
    default:
      member.value = make_string(r.pick(bad_timestamps));
      break;
  }
}

/// A change to the text: most make it invalid JSON.
inline std::string corrupt_text(std::string text, test::rng& r) {
  static const char* const inserts[] = {
      ",",    "}",    "]", "\"", "\\", "\xc3", "\xff", "\xed\xa0\x80", "\xc0\x80",
      "\x00", "\x01", "{", "[",  ":",  "1",    "null", " x",           "\\ud800"};
  const std::size_t at = r.below(text.size() + 1);
  switch (r.below(7)) {
    case 0:
      text.resize(at);
      break;
    case 1:
      if (!text.empty()) text[r.below(text.size())] = static_cast<char>(r.next() & 0xFF);
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

}  // namespace differential
