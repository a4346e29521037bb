// benchmarks/peers.hpp: the peers, each an established JSON library whose DOM is mapped into
// livesend's owning model (livesend::event) by the one generic mapping of mapping.hpp.
//
// Each peer is set up the way its documentation recommends for speed, without tricks that
// change what it checks: simdjson DOM with a reused dom::parser; RapidJSON with a memory pool
// over a reused buffer and default parse flags; Boost.JSON with a reused parser and a
// monotonic_resource over a reused buffer; nlohmann::json as most users write it
// (json::parse, then read the tree). Only the adapters below differ between them.
#pragma once

#include <simdjson.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/json.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "livesend/model.hpp"
#include "mapping.hpp"

namespace bench {

/// Bytes of the buffers that RapidJSON's pool and Boost.JSON's monotonic resource start from:
/// enough for the DOM of the largest event of the corpus, so that steady state reuses them.
inline constexpr std::size_t dom_arena_bytes = std::size_t{8} << 20;

/// Calls f on each element of `range` until f returns false; false if it did (the loop every
/// adapter's for_each_element shares; only how each library hands out its array differs).
template <class Range, class F>
bool each(const Range& range, F&& f) {
  for (const auto& element : range) {
    if (!f(element)) return false;
  }
  return true;
}

// ---- simdjson DOM ---------------------------------------------------------------------------

struct simdjson_dom {
  using value = simdjson::dom::element;

  static bool is_null(const value& v) { return v.is_null(); }
  static bool get_string(const value& v, std::string_view& out) {
    return v.get_string().get(out) == simdjson::SUCCESS;
  }
  static bool get_int64(const value& v, std::int64_t& out) {
    return v.is_int64() && v.get_int64().get(out) == simdjson::SUCCESS;
  }
  static bool get_double(const value& v, double& out) {
    return v.get_double().get(out) == simdjson::SUCCESS;  // converts integers too
  }
  static bool get_bool(const value& v, bool& out) {
    return v.get_bool().get(out) == simdjson::SUCCESS;
  }
  static bool write_raw(const value& v, std::string& out) {
    out = simdjson::minify(v);
    return true;
  }
  template <class F>
  static bool for_each_element(const value& v, F&& f) {
    simdjson::dom::array array;
    if (v.get_array().get(array) != simdjson::SUCCESS) return false;
    return each(array, f);
  }
  template <class F>
  static bool for_each_member(const value& v, F&& f) {
    simdjson::dom::object object;
    if (v.get_object().get(object) != simdjson::SUCCESS) return false;
    for (simdjson::dom::key_value_pair member : object) {
      if (!f(member.key, member.value)) return false;
    }
    return true;
  }
};

class simdjson_dom_peer {
 public:
  bool parse(simdjson::padded_string_view json, livesend::event& out) {
    simdjson::dom::element root;
    // realloc_if_needed = false: the input is padded, as for livesend.
    if (parser_.parse(json.data(), json.size(), false).get(root) != simdjson::SUCCESS) {
      return false;
    }
    return mapper<simdjson_dom>::map_event(root, out);
  }

 private:
  simdjson::dom::parser parser_;
};

// ---- nlohmann::json -------------------------------------------------------------------------

struct nlohmann_dom {
  using value = nlohmann::json;

  static bool is_null(const value& v) { return v.is_null(); }
  static bool get_string(const value& v, std::string_view& out) {
    const auto* s = v.get_ptr<const value::string_t*>();
    if (s == nullptr) return false;
    out = *s;
    return true;
  }
  static bool get_int64(const value& v, std::int64_t& out) {
    if (const auto* i = v.get_ptr<const value::number_integer_t*>()) {
      out = *i;
      return true;
    }
    if (const auto* u = v.get_ptr<const value::number_unsigned_t*>()) {
      if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
      out = static_cast<std::int64_t>(*u);
      return true;
    }
    return false;
  }
  static bool get_double(const value& v, double& out) {
    if (!v.is_number()) return false;
    out = v.get<double>();
    return true;
  }
  static bool get_bool(const value& v, bool& out) {
    const auto* b = v.get_ptr<const value::boolean_t*>();
    if (b == nullptr) return false;
    out = *b;
    return true;
  }
  static bool write_raw(const value& v, std::string& out) {
    out = v.dump();
    return true;
  }
  template <class F>
  static bool for_each_element(const value& v, F&& f) {
    const auto* array = v.get_ptr<const value::array_t*>();
    return array != nullptr && each(*array, f);
  }
  template <class F>
  static bool for_each_member(const value& v, F&& f) {
    const auto* object = v.get_ptr<const value::object_t*>();
    if (object == nullptr) return false;
    for (const auto& [key, member] : *object) {
      if (!f(std::string_view(key), member)) return false;
    }
    return true;
  }
};

class nlohmann_peer {
 public:
  bool parse(std::string_view json, livesend::event& out) {
    const nlohmann::json root =
        nlohmann::json::parse(json.data(), json.data() + json.size(), nullptr, false);
    if (root.is_discarded()) return false;
    return mapper<nlohmann_dom>::map_event(root, out);
  }
};

// ---- RapidJSON ------------------------------------------------------------------------------

/// RapidJSON's CrtAllocator calls malloc directly; this one calls operator new, so that the
/// benchmark's allocation counter sees RapidJSON's allocations as it sees everyone else's.
class new_allocator {
 public:
  static const bool kNeedFree = true;
  void* Malloc(std::size_t size) { return size == 0 ? nullptr : ::operator new(size); }
  void* Realloc(void* original, std::size_t original_size, std::size_t new_size) {
    if (new_size == 0) {
      ::operator delete(original);
      return nullptr;
    }
    void* grown = ::operator new(new_size);
    if (original != nullptr) {
      std::memcpy(grown, original, std::min(original_size, new_size));
      ::operator delete(original);
    }
    return grown;
  }
  static void Free(void* p) noexcept { ::operator delete(p); }
  bool operator==(const new_allocator&) const noexcept { return true; }
  bool operator!=(const new_allocator&) const noexcept { return false; }
};

using rapidjson_pool = rapidjson::MemoryPoolAllocator<new_allocator>;
using rapidjson_value = rapidjson::GenericValue<rapidjson::UTF8<>, rapidjson_pool>;
using rapidjson_document =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson_pool, new_allocator>;

struct rapidjson_dom {
  using value = rapidjson_value;

  static bool is_null(const value& v) { return v.IsNull(); }
  static bool get_string(const value& v, std::string_view& out) {
    if (!v.IsString()) return false;
    out = std::string_view(v.GetString(), v.GetStringLength());
    return true;
  }
  static bool get_int64(const value& v, std::int64_t& out) {
    if (!v.IsInt64()) return false;
    out = v.GetInt64();
    return true;
  }
  static bool get_double(const value& v, double& out) {
    if (!v.IsNumber()) return false;
    out = v.GetDouble();
    return true;
  }
  static bool get_bool(const value& v, bool& out) {
    if (!v.IsBool()) return false;
    out = v.GetBool();
    return true;
  }
  static bool write_raw(const value& v, std::string& out) {
    using buffer = rapidjson::GenericStringBuffer<rapidjson::UTF8<>, new_allocator>;
    using writer = rapidjson::Writer<buffer, rapidjson::UTF8<>, rapidjson::UTF8<>, new_allocator>;
    static buffer text;  // reused: the benchmark is single-threaded
    static writer json(text);
    text.Clear();
    json.Reset(text);
    if (!v.Accept(json)) return false;
    out.assign(text.GetString(), text.GetSize());
    return true;
  }
  template <class F>
  static bool for_each_element(const value& v, F&& f) {
    return v.IsArray() && each(v.GetArray(), f);
  }
  template <class F>
  static bool for_each_member(const value& v, F&& f) {
    if (!v.IsObject()) return false;
    for (const auto& member : v.GetObject()) {
      if (!f(std::string_view(member.name.GetString(), member.name.GetStringLength()),
             member.value)) {
        return false;
      }
    }
    return true;
  }
};

class rapidjson_peer {
 public:
  static constexpr std::size_t stack_capacity = 1024;  // RapidJSON's default

  rapidjson_peer() : arena_(new char[dom_arena_bytes]), pool_(arena_.get(), dom_arena_bytes) {}

  bool parse(std::string_view json, livesend::event& out) {
    pool_.Clear();  // back to the start of the arena
    rapidjson_document doc(&pool_, stack_capacity, &stack_allocator_);
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError()) return false;
    return mapper<rapidjson_dom>::map_event(doc, out);
  }

 private:
  std::unique_ptr<char[]> arena_;
  rapidjson_pool pool_;
  new_allocator stack_allocator_;
};

// ---- Boost.JSON -----------------------------------------------------------------------------

struct boost_json_dom {
  using value = boost::json::value;

  static bool is_null(const value& v) { return v.is_null(); }
  static bool get_string(const value& v, std::string_view& out) {
    const boost::json::string* s = v.if_string();
    if (s == nullptr) return false;
    out = std::string_view(s->data(), s->size());
    return true;
  }
  static bool get_int64(const value& v, std::int64_t& out) {
    if (const std::int64_t* i = v.if_int64()) {
      out = *i;
      return true;
    }
    if (const std::uint64_t* u = v.if_uint64()) {
      if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
      out = static_cast<std::int64_t>(*u);
      return true;
    }
    return false;
  }
  static bool get_double(const value& v, double& out) {
    if (const double* d = v.if_double()) {
      out = *d;
      return true;
    }
    if (const std::int64_t* i = v.if_int64()) {
      out = static_cast<double>(*i);
      return true;
    }
    if (const std::uint64_t* u = v.if_uint64()) {
      out = static_cast<double>(*u);
      return true;
    }
    return false;
  }
  static bool get_bool(const value& v, bool& out) {
    const bool* b = v.if_bool();
    if (b == nullptr) return false;
    out = *b;
    return true;
  }
  static bool write_raw(const value& v, std::string& out) {
    static boost::json::serializer serializer;  // reused: the benchmark is single-threaded
    serializer.reset(&v);
    out.clear();
    char chunk[4096];
    while (!serializer.done()) {
      const boost::json::string_view part = serializer.read(chunk);
      out.append(part.data(), part.size());
    }
    return true;
  }
  template <class F>
  static bool for_each_element(const value& v, F&& f) {
    const boost::json::array* array = v.if_array();
    return array != nullptr && each(*array, f);
  }
  template <class F>
  static bool for_each_member(const value& v, F&& f) {
    const boost::json::object* object = v.if_object();
    if (object == nullptr) return false;
    for (const boost::json::key_value_pair& member : *object) {
      const boost::json::string_view key = member.key();
      if (!f(std::string_view(key.data(), key.size()), member.value())) return false;
    }
    return true;
  }
};

class boost_json_peer {
 public:
  boost_json_peer()
      : arena_(new unsigned char[dom_arena_bytes]),
        parser_(boost::json::storage_ptr(), boost::json::parse_options(), temp_, sizeof temp_) {}

  bool parse(std::string_view json, livesend::event& out) {
    boost::json::monotonic_resource resource(arena_.get(), dom_arena_bytes);
    parser_.reset(&resource);
    boost::system::error_code ec;
    parser_.write(json.data(), json.size(), ec);
    if (ec) return false;
    const boost::json::value root = parser_.release();  // destroyed before `resource`
    return mapper<boost_json_dom>::map_event(root, out);
  }

 private:
  std::unique_ptr<unsigned char[]> arena_;
  unsigned char temp_[4096];
  boost::json::parser parser_;
};

}  // namespace bench
