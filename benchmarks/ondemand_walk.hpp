// benchmarks/ondemand_walk.hpp: the limit the suite reports beside the typed parsers, shared by
// bench.cpp and scaling.cpp.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <utility>

namespace bench {

/// simdjson On-Demand touching every value, building nothing: every key and string unescaped,
/// every number decoded, every literal read. What a typed parse must at least do.
class ondemand_walk {
 public:
  bool run(simdjson::padded_string_view json) {
    simdjson::ondemand::document doc;
    if (parser_.iterate(json).get(doc) != simdjson::SUCCESS) return false;
    simdjson::ondemand::value root;
    if (doc.get_value().get(root) != simdjson::SUCCESS) return false;
    return walk(root);
  }
  std::uint64_t sink() const { return sink_; }

 private:
  bool walk(simdjson::ondemand::value v) {
    simdjson::ondemand::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return false;
    switch (type) {
      case simdjson::ondemand::json_type::object: {
        simdjson::ondemand::object object;
        if (v.get_object().get(object) != simdjson::SUCCESS) return false;
        for (auto field_result : object) {
          simdjson::ondemand::field field;
          if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
          std::string_view key;
          if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
          sink_ += key.size();
          if (!walk(field.value())) return false;
        }
        return true;
      }
      case simdjson::ondemand::json_type::array: {
        simdjson::ondemand::array array;
        if (v.get_array().get(array) != simdjson::SUCCESS) return false;
        for (auto element_result : array) {
          simdjson::ondemand::value element;
          if (std::move(element_result).get(element) != simdjson::SUCCESS) return false;
          if (!walk(element)) return false;
        }
        return true;
      }
      case simdjson::ondemand::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return false;
        sink_ += s.size();
        return true;
      }
      case simdjson::ondemand::json_type::number: {
        simdjson::ondemand::number n;
        if (v.get_number().get(n) != simdjson::SUCCESS) return false;
        sink_ += n.is_double() ? static_cast<std::uint64_t>(n.get_double())
                               : static_cast<std::uint64_t>(n.get_int64());
        return true;
      }
      case simdjson::ondemand::json_type::boolean: {
        bool b = false;
        if (v.get_bool().get(b) != simdjson::SUCCESS) return false;
        sink_ += b;
        return true;
      }
      case simdjson::ondemand::json_type::null: {
        bool null = false;
        return v.is_null().get(null) == simdjson::SUCCESS && null;
      }
    }
    return false;
  }

  simdjson::ondemand::parser parser_;
  std::uint64_t sink_ = 0;
};

}  // namespace bench
