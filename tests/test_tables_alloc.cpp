// tests/test_tables_alloc.cpp: walking an event's rows and writing them as CSV allocate nothing
// once warm. Its own program: it replaces the global operator new with one that counts (the unit
// test programs have test_alloc.cpp's).
//
// GCC sees std::free under an inlined `delete` of memory from this very `new` and warns.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "catch.hpp"
#include "livesend/csv.hpp"
#include "livesend/parse.hpp"
#include "livesend/tables.hpp"
#include "support.hpp"

namespace {
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

template <class F>
std::size_t allocations_during(F&& f) {
  const std::size_t before = allocations.load();
  f();
  return allocations.load() - before;
}

/// A sink that only sums what it sees (allocates nothing itself).
struct summing_sink {
  std::size_t rows = 0;
  std::size_t cells = 0;
  std::uint64_t sum = 0;
  void begin_row(livesend::table) { ++rows; }
  void cell(std::size_t, livesend::null_cell) { ++cells; }
  void cell(std::size_t, std::string_view s) {
    ++cells;
    sum += s.size();
  }
  void cell(std::size_t, std::int64_t i) {
    ++cells;
    sum += static_cast<std::uint64_t>(i);
  }
  void cell(std::size_t, double d) {
    ++cells;
    sum += d > 0 ? 1 : 0;
  }
  void cell(std::size_t, bool b) {
    ++cells;
    sum += b ? 1 : 0;
  }
  void cell(std::size_t, livesend::timestamp t) {
    ++cells;
    sum += static_cast<std::uint64_t>(t.unix_micros());
  }
  void cell(std::size_t, livesend::json_cell j) {
    ++cells;
    sum += j.text.size();
  }
  void end_row() {}
};
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

TEMPLATE_TEST_CASE("walking rows allocates nothing once warm", "[tables][alloc]", livesend::event,
                   livesend::event_view) {
  // Raw values with whitespace to minify, longer than fmt's inline buffer, and [str] arrays.
  std::string tags = "[";
  for (int i = 0; i < 100; ++i) tags += " \"tag number " + std::to_string(i) + "\" ,\n";
  tags += " {\"last\" : true} ]";
  std::string json = test::seed_with("\"Tags\": []", "\"Tags\": " + tags);
  json = test::replace_once(json, "\"DownloadFormatsSetting\": []",
                            "\"DownloadFormatsSetting\": [\"pdf\", \"do\\\"cx\"]");
  livesend::parser parser;
  TestType ev;
  REQUIRE(parser.parse(json, ev).ok());

  summing_sink sink;
  livesend::row_scratch scratch;
  livesend::for_each_row(ev, sink, scratch);  // warm-up: the scratch buffer grows once
  livesend::for_each_row(ev, sink);           // and the thread's own
  const std::size_t walk = allocations_during([&] {
    for (int i = 0; i < 100; ++i) livesend::for_each_row(ev, sink, scratch);
    for (int i = 0; i < 100; ++i) livesend::for_each_row(ev, sink);
  });
  CHECK(walk == 0);
  CHECK(sink.rows == 202 * 5);

  livesend::csv_writer csv;
  for (int i = 0; i < 3; ++i) {
    csv.write(ev);
    for (livesend::table t : livesend::all_tables) csv.clear(t);
  }
  const std::size_t written = allocations_during([&] {
    for (int i = 0; i < 100; ++i) {
      csv.write(ev);
      for (livesend::table t : livesend::all_tables) csv.clear(t);
    }
  });
  CHECK(written == 0);
}
