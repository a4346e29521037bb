// tests/test_alloc.cpp: after warm-up, parsing into a reused value allocates nothing.
//
// This file replaces the global operator new/delete of the test program with counting ones.
// GCC sees std::free under an inlined `delete` of memory from this very `new` and warns.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "catch.hpp"
#include "livesend/parse.hpp"
#include "livesend/stream.hpp"
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
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too, so that no allocation escapes the count and every block is freed by the
// allocator that made it (ASan checks the pairing).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

TEMPLATE_TEST_CASE("zero heap allocations per event after warm-up", "[alloc]", livesend::event,
                   livesend::event_view) {
  // A richer event than the seed: escapes, non-ASCII, several pages, unknown keys.
  std::string json = test::seed_with("\"tenantName\": \"demo\"",
                                     R"("tenantName": "d\u00e9mo \"q\" with a long enough text")");
  json = test::replace_once(json, "\"PageIndex\": 1,", "\"PageIndex\": 1, \"Unknown\": [1, 2],");
  livesend::parser parser;
  TestType ev;
  for (int i = 0; i < 3; ++i) REQUIRE(parser.parse(json, ev).ok());  // warm-up

  // No Catch2 assertion inside a measured block: only the parser's own allocations count.
  bool ok = true;
  const std::size_t from_string_view = allocations_during([&] {
    for (int i = 0; i < 100; ++i) ok &= parser.parse(json, ev).ok();
  });
  CHECK(ok);
  CHECK(from_string_view == 0);

  const simdjson::padded_string padded(json);
  const std::size_t from_padded = allocations_during([&] {
    for (int i = 0; i < 100; ++i) ok &= parser.parse(padded, ev).ok();
  });
  CHECK(ok);
  CHECK(from_padded == 0);

  // The same parser alternating between two events of different shapes.
  const std::string seed = test::seed();
  for (int i = 0; i < 3; ++i) REQUIRE(parser.parse(seed, ev).ok());
  const std::size_t alternating = allocations_during([&] {
    for (int i = 0; i < 50; ++i) {
      ok &= parser.parse(seed, ev).ok();
      ok &= parser.parse(json, ev).ok();
    }
  });
  CHECK(ok);
  CHECK(alternating == 0);
}

TEST_CASE("a stream of events allocates nothing per event", "[alloc][stream]") {
  std::string lines;
  for (int i = 0; i < 50; ++i) lines += test::minified(test::seed()) + "\n";
  const simdjson::padded_string buffer(lines);
  livesend::parser parser;
  livesend::event_view ev;
  std::size_t good = 0;
  auto count = [&](const livesend::stream_record&, const livesend::error& e,
                   const livesend::event_view&) { good += e.ok() ? 1 : 0; };
  (void)livesend::parse_stream(parser, buffer, ev, count);  // warm-up
  livesend::stream_stats stats;
  const std::size_t n =
      allocations_during([&] { stats = livesend::parse_stream(parser, buffer, ev, count); });
  CHECK(stats.events == 50);
  CHECK(n == 0);
  CHECK(good == 100);
}

TEST_CASE("the counting allocator counts", "[alloc]") {
  const std::size_t n = allocations_during([] {
    std::string s(1000, 'x');
    CHECK(s.size() == 1000);
  });
  CHECK(n >= 1);
}
