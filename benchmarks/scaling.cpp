// benchmarks/scaling.cpp: the two limits benchmarks/scaling.sh sets beside `livesend validate`
// on one large NDJSON file, whole process, read piece by piece as the CLI reads it:
//
//   livesend_scaling split FILE   the record reader alone (livesend::record_reader): finds
//                                 the records, parses none; prints records and GB/s
//   livesend_scaling walk FILE    the same records, each walked with simdjson On-Demand
//                                 touching every value and building nothing (the suite's
//                                 limit_ondemand_walk, bench.cpp); prints records and GB/s
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "livesend/stream.hpp"

namespace {

/// The suite's ondemand_walk (bench.cpp), condensed.
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
        sink_ += b ? 1 : 0;
        return true;
      }
      case simdjson::ondemand::json_type::null:
        return v.is_null().value_unsafe();
    }
    return false;
  }

  simdjson::ondemand::parser parser_;
  std::uint64_t sink_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "split") != 0 && std::strcmp(argv[1], "walk") != 0)) {
    std::fprintf(stderr, "usage: livesend_scaling split|walk FILE\n");
    return 2;
  }
  const bool walk = std::strcmp(argv[1], "walk") == 0;
  std::FILE* in = std::fopen(argv[2], "rb");
  if (in == nullptr) {
    std::perror(argv[2]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  auto read = [&](char* into, std::size_t room) {
    const std::size_t n = std::fread(into, 1, room, in);
    bytes += n;
    return n;
  };
  livesend::record_reader<decltype(read)&> records(read);
  livesend::stream_record record;
  livesend::error err;
  ondemand_walk walker;
  std::size_t count = 0;
  std::size_t bad = 0;
  while (records.next(record, err)) {
    ++count;
    if (walk && (err || !walker.run(records.padded(record)))) ++bad;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fclose(in);
  std::printf("%s: %zu records (%zu bad), %zu bytes, %.3f s, %.3f GB/s, %.0f records/s (%llu)\n",
              argv[1], count, bad, bytes, seconds, static_cast<double>(bytes) / seconds / 1e9,
              static_cast<double>(count) / seconds, static_cast<unsigned long long>(walker.sink()));
  return 0;
}
