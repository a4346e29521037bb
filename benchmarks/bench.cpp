// benchmarks/bench.cpp: the throughput suite (built twice: livesend_bench with the default
// flags, livesend_bench_native with -march=native).
//
// Before timing anything, every contender parses every record of every workload and its result
// is compared (operator==) with livesend's; a contender that disagrees is not timed (its
// benchmarks report an error naming the record and the field) and the program exits with 1.
//
//   livesend_bench [--corpus=DIR] [--events=N] [--rss-out=FILE] [--verify-only]
//                  [--tamper=CONTENDER] [--latency-parses=N] [benchmark flags...]
//   livesend_bench --profile=WORKLOAD/CONTENDER [--passes=N] [--events=N]
//
// --profile runs one contender (or livesend_stream, limit_ondemand_walk) over one workload: a
// warm-up pass, then `passes` passes in profile_passes(), for
// valgrind --tool=callgrind --toggle-collect='*profile_passes*'. --events=N keeps the first N
// records of each workload.
//
// Workloads (made by livesend_corpus): seed (the seed fixture), large (one ~200 KB event),
// stream (10,000 mixed events, NDJSON), shuffled (the stream's events with every object's keys
// in a random order and about half of the key initials in the other ASCII case). Counters:
// bytes_per_second, items_per_second (events), allocs_per_event (heap allocations through operator
// new during the timed loop, per event). seed/latency/<contender>: --latency-parses (20,000) single
// parses of the seed event, each timed with steady_clock after a warm-up; counters median_ns and
// p99_ns.
//
// Contenders: livesend owning and view, the hand-written simdjson On-Demand mapping owning and
// view (ondemand_mapping.hpp, issue #12), the DOM peers (peers.hpp), livesend_stream, and the
// limits (the On-Demand walk, stage 1, memory read).
#if defined(__GNUC__) && !defined(__clang__)
// GCC sees std::free under an inlined `delete` of memory from this file's `new` and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "livesend/livesend.hpp"
#include "ondemand_mapping.hpp"
#include "ondemand_walk.hpp"
#include "peers.hpp"
#include "support/model_diff.hpp"

#ifndef LIVESEND_BENCH_CORPUS_DIR
#define LIVESEND_BENCH_CORPUS_DIR "corpus"
#endif
#define LIVESEND_BENCH_STRING_(x) #x
#define LIVESEND_BENCH_STRING(x) LIVESEND_BENCH_STRING_(x)

#ifndef LIVESEND_BENCH_FLAGS
#define LIVESEND_BENCH_FLAGS "unknown"
#endif

// ---- Counting heap allocations --------------------------------------------------------------
// Every operator new of the program (the libraries' std::allocator, Boost.JSON's default
// resource, simdjson, RapidJSON through bench::new_allocator) comes through here. The
// benchmark is single-threaded: a plain counter is enough and costs nothing measurable.

namespace {
std::size_t allocation_count = 0;

void* counted_alloc(std::size_t size) {
  ++allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void* counted_alloc_aligned(std::size_t size, std::align_val_t align) {
  ++allocation_count;
  const auto a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocation_count;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  ++allocation_count;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t align) {
  return counted_alloc_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return counted_alloc_aligned(size, align);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

// ---- Workloads ------------------------------------------------------------------------------

struct record_span {
  std::size_t offset = 0;
  std::size_t size = 0;
  std::size_t line = 1;
};

struct workload {
  std::string name;
  simdjson::padded_string data;
  std::vector<record_span> records;
  std::size_t largest = 0;

  /// A record in place: the rest of the buffer and its padding follow it (no copy).
  simdjson::padded_string_view view(const record_span& r) const {
    return simdjson::padded_string_view(data.data() + r.offset, r.size,
                                        data.size() - r.offset + simdjson::SIMDJSON_PADDING);
  }
  simdjson::padded_string_view whole() const { return simdjson::padded_string_view(data); }
  std::size_t events() const { return records.size(); }
};

/// Loads a workload; with `max_records`, only its first records (the buffer is cut after them).
std::optional<workload> load(const std::string& dir, const std::string& name,
                             const std::string& file, std::size_t max_records) {
  const std::string path = dir + "/" + file;
  workload w;
  w.name = name;
  if (simdjson::padded_string::load(path).get(w.data) != simdjson::SUCCESS) {
    std::fprintf(stderr,
                 "livesend_bench: cannot read %s (build the corpus: target livesend_corpus)\n",
                 path.c_str());
    return std::nullopt;
  }
  // The library's own splitter finds the records, once, outside any timing.
  livesend::record_splitter splitter(std::string_view(w.data.data(), w.data.size()));
  livesend::stream_record r;
  while (w.records.size() < max_records && splitter.next(r)) {
    w.records.push_back({r.offset, r.text.size(), r.line});
    w.largest = std::max(w.largest, r.text.size());
  }
  if (w.records.size() == max_records && max_records != 0) {
    const record_span& last = w.records.back();
    const std::size_t end = std::min(w.data.size(), last.offset + last.size + 1);  // + newline
    w.data = simdjson::padded_string(w.data.data(), end);
  }
  return w;
}

// ---- Contenders -----------------------------------------------------------------------------

/// Something that reads one record into livesend's owning model (or its view).
class contender {
 public:
  explicit contender(std::string name) : name_(std::move(name)) {}
  virtual ~contender() = default;
  const std::string& name() const { return name_; }
  /// Reads one record; false when it could not.
  virtual bool parse(simdjson::padded_string_view json) = 0;
  /// The last record read, as an owning event (for the equality check only).
  virtual const livesend::event& result() = 0;

 private:
  std::string name_;
};

class livesend_owning final : public contender {
 public:
  livesend_owning() : contender("livesend_owning") {}
  bool parse(simdjson::padded_string_view json) override { return parser_.parse(json, ev_).ok(); }
  const livesend::event& result() override { return ev_; }

 private:
  livesend::parser parser_;
  livesend::event ev_;
};

class livesend_view final : public contender {
 public:
  livesend_view() : contender("livesend_view") {}
  bool parse(simdjson::padded_string_view json) override { return parser_.parse(json, ev_).ok(); }
  const livesend::event& result() override {
    livesend::assign(owning_, ev_);
    return owning_;
  }

 private:
  livesend::parser parser_;
  livesend::event_view ev_;
  livesend::event owning_;
};

template <class Peer>
class peer final : public contender {
 public:
  explicit peer(std::string name) : contender(std::move(name)) {}
  bool parse(simdjson::padded_string_view json) override { return peer_.parse(json, ev_); }
  const livesend::event& result() override { return ev_; }

 private:
  Peer peer_;
  livesend::event ev_;
};

/// The hand-written On-Demand mapping (ondemand_mapping.hpp) into a reused event_view; compared
/// through an owning copy, as livesend_view is.
class ondemand_mapping_view final : public contender {
 public:
  ondemand_mapping_view() : contender("ondemand_mapping_view") {}
  bool parse(simdjson::padded_string_view json) override { return mapping_.parse(json, ev_); }
  const livesend::event& result() override {
    livesend::assign(owning_, ev_);
    return owning_;
  }

 private:
  bench::ondemand_mapping mapping_;
  livesend::event_view ev_;
  livesend::event owning_;
};

/// livesend's stream API over the whole buffer, as the CLI runs it: parse_stream (which splits
/// the records itself) into a reused event_view.
class livesend_stream {
 public:
  template <class OnEvent>
  bool run(const workload& w, OnEvent&& on_event) {
    bool ok = true;
    livesend::parse_stream(parser_, w.whole(), ev_,
                           [&](const livesend::stream_record& r, const livesend::error& err,
                               const livesend::event_view& ev) {
                             ok = ok && err.ok();
                             on_event(r, ev);
                           });
    return ok;
  }
  bool run(const workload& w) {
    return run(w, [](const livesend::stream_record&, const livesend::event_view&) {});
  }
  /// Reads the last record, as a pass over `w` leaves the parser and the event.
  bool warm(const workload& w) { return parser_.parse(w.view(w.records.back()), ev_).ok(); }

 private:
  livesend::parser parser_;
  livesend::event_view ev_;
};

// ---- The limits -----------------------------------------------------------------------------

// The On-Demand walk: ondemand_walk.hpp.
using bench::ondemand_walk;

/// simdjson's stage 1 alone: iterate_many over the whole buffer, counting the documents
/// (single-threaded, like every contender).
std::size_t stage1_documents(simdjson::ondemand::parser& parser, const workload& w) {
#if SIMDJSON_THREADS_ENABLED
  parser.threaded = false;  // stage 1 of the next batch would run on a second thread
#endif
  const std::size_t batch = std::max<std::size_t>(simdjson::dom::DEFAULT_BATCH_SIZE, w.largest * 2);
  simdjson::ondemand::document_stream docs;
  if (parser.iterate_many(w.data.data(), w.data.size(), batch).get(docs) != simdjson::SUCCESS) {
    return 0;
  }
  std::size_t n = 0;
  for (auto it = docs.begin(); it != docs.end(); ++it) ++n;
  return n;
}

/// Memory read bandwidth over the same bytes: the sum of the buffer's 64-bit words.
std::uint64_t sum_words(const workload& w) {
  const char* p = w.data.data();
  const std::size_t n = w.data.size() / 8;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t word;
    std::memcpy(&word, p + i * 8, 8);
    sum += word;
  }
  for (std::size_t i = n * 8; i < w.data.size(); ++i) sum += static_cast<unsigned char>(p[i]);
  return sum;
}

// ---- Verification ---------------------------------------------------------------------------

/// Why a contender disagrees with livesend (empty: it agrees on the whole corpus).
struct verdict {
  std::string problem;
  std::size_t events = 0;
};

std::string where(const workload& w, std::size_t index) {
  return fmt::format("{} record {} (line {})", w.name, index, w.records[index].line);
}

void check(verdict& v, const workload& w, std::size_t index, bool ok,
           const livesend::event& expected, const livesend::event& actual) {
  if (!v.problem.empty()) return;
  ++v.events;
  if (!ok) {
    v.problem = where(w, index) + ": could not read the record";
    return;
  }
  if (auto diff = test::first_difference(expected, actual)) {
    v.problem = fmt::format("{}: {} differs: livesend {}, this contender {}", where(w, index),
                            diff->path, diff->expected, diff->actual);
  }
}

/// For --tamper: one microsecond more on the first page end time of the event, deep in the
/// tree, so that the self-test shows the check reaches that far.
void tamper(livesend::event& ev) {
  for (livesend::content_session& s : ev.data.content_sessions) {
    for (livesend::page& p : s.pages) {
      if (p.ended_at) {
        p.ended_at = livesend::timestamp::from_unix_micros(p.ended_at->unix_micros() + 1);
        return;
      }
    }
  }
}

// ---- Benchmarks -----------------------------------------------------------------------------

void set_counters(benchmark::State& state, const workload& w, std::size_t allocations) {
  const auto iterations = static_cast<std::int64_t>(state.iterations());
  state.SetBytesProcessed(iterations * static_cast<std::int64_t>(w.data.size()));
  state.SetItemsProcessed(iterations * static_cast<std::int64_t>(w.events()));
  state.counters["allocs_per_event"] = benchmark::Counter(
      iterations == 0
          ? 0.0
          : static_cast<double>(allocations) /
                static_cast<double>(iterations * static_cast<std::int64_t>(w.events())));
}

// Steady state: before a timed loop, each contender reads the workload's last record, so the
// first timed record finds the reused value exactly as every later pass does (the previous
// benchmark may have left it holding another workload's event).
void time_contender(benchmark::State& state, contender& c, const workload& w) {
  bool ok = c.parse(w.view(w.records.back()));
  const std::size_t before = allocation_count;
  for (auto _ : state) {
    for (const record_span& r : w.records) ok &= c.parse(w.view(r));
    benchmark::ClobberMemory();
  }
  const std::size_t allocations = allocation_count - before;
  if (!ok) state.SkipWithError("a record did not parse");
  set_counters(state, w, allocations);
}

void time_stream(benchmark::State& state, livesend_stream& s, const workload& w) {
  bool ok = s.warm(w);
  const std::size_t before = allocation_count;
  for (auto _ : state) {
    ok &= s.run(w);
    benchmark::ClobberMemory();
  }
  const std::size_t allocations = allocation_count - before;
  if (!ok) state.SkipWithError("a record did not parse");
  set_counters(state, w, allocations);
}

void time_walk(benchmark::State& state, ondemand_walk& walk, const workload& w) {
  bool ok = walk.run(w.view(w.records.back()));
  const std::size_t before = allocation_count;
  for (auto _ : state) {
    for (const record_span& r : w.records) ok &= walk.run(w.view(r));
  }
  const std::size_t allocations = allocation_count - before;
  benchmark::DoNotOptimize(walk.sink());
  if (!ok) state.SkipWithError("a record did not walk");
  set_counters(state, w, allocations);
}

void time_stage1(benchmark::State& state, simdjson::ondemand::parser& parser, const workload& w) {
  std::size_t documents = 0;
  const std::size_t before = allocation_count;
  for (auto _ : state) {
    documents = stage1_documents(parser, w);
    benchmark::DoNotOptimize(documents);
  }
  const std::size_t allocations = allocation_count - before;
  if (documents != w.events())
    state.SkipWithError("iterate_many counted another number of documents");
  set_counters(state, w, allocations);
}

void time_memory(benchmark::State& state, const workload& w) {
  for (auto _ : state) benchmark::DoNotOptimize(sum_words(w));
  set_counters(state, w, 0);
}

/// The latency of single parses of one record (the seed event), as a webhook receiver sees it:
/// `parses` parses one at a time after a warm-up, each timed with steady_clock; the median and
/// the 99th percentile in ns as counters. One benchmark iteration holds all the parses.
void time_latency(benchmark::State& state, contender& c, const workload& w, std::size_t parses) {
  using clock = std::chrono::steady_clock;
  const simdjson::padded_string_view json = w.view(w.records.front());
  std::vector<std::int64_t> ns(parses);
  bool ok = true;
  for (std::size_t i = 0; i < 1000; ++i) ok &= c.parse(json);  // warm-up: caches, the reused value
  std::size_t allocations = 0;
  for (auto _ : state) {
    const std::size_t before = allocation_count;
    for (std::size_t i = 0; i < parses; ++i) {
      const clock::time_point start = clock::now();
      ok &= c.parse(json);
      benchmark::ClobberMemory();
      ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count();
    }
    allocations += allocation_count - before;
  }
  if (!ok) state.SkipWithError("the record did not parse");
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    return static_cast<double>(
        ns[std::min(ns.size() - 1, static_cast<std::size_t>(q * ns.size()))]);
  };
  state.counters["median_ns"] = benchmark::Counter(ns.empty() ? 0.0 : at(0.5));
  state.counters["p99_ns"] = benchmark::Counter(ns.empty() ? 0.0 : at(0.99));
  state.counters["parses"] = benchmark::Counter(static_cast<double>(parses));
  const double total = static_cast<double>(parses) * static_cast<double>(state.iterations());
  state.counters["allocs_per_event"] =
      benchmark::Counter(total == 0 ? 0.0 : static_cast<double>(allocations) / total);
}

/// The passes of a profile run, in a function of their own for callgrind's --toggle-collect.
[[gnu::noinline]] bool profile_passes(const std::function<bool()>& pass, std::size_t passes) {
  bool ok = true;
  for (std::size_t i = 0; i < passes; ++i) ok &= pass();
  return ok;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

struct options {
  std::string corpus = LIVESEND_BENCH_CORPUS_DIR;
  std::string rss_out;
  std::string profile;  // WORKLOAD/CONTENDER
  std::size_t passes = 1;
  std::size_t latency_parses = 20000;                     // per seed/latency/<contender> benchmark
  std::size_t max_events = static_cast<std::size_t>(-1);  // per workload
  bool verify_only = false;
  std::string tamper;  // a self-test of the equality check: this contender's results are altered
};

/// Takes this program's own flags out of argv, leaving Google Benchmark's.
options take_options(int& argc, char** argv) {
  options o;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value_of = [&](std::string_view flag) -> std::optional<std::string> {
      if (arg.substr(0, flag.size()) == flag) return std::string(arg.substr(flag.size()));
      return std::nullopt;
    };
    if (auto v = value_of("--corpus=")) {
      o.corpus = *v;
    } else if (auto v2 = value_of("--rss-out=")) {
      o.rss_out = *v2;
    } else if (auto v3 = value_of("--profile=")) {
      o.profile = *v3;
    } else if (auto v4 = value_of("--passes=")) {
      o.passes = std::strtoull(v4->c_str(), nullptr, 10);
    } else if (auto v5 = value_of("--events=")) {
      o.max_events = std::strtoull(v5->c_str(), nullptr, 10);
    } else if (auto v7 = value_of("--latency-parses=")) {
      o.latency_parses = std::max<std::size_t>(1, std::strtoull(v7->c_str(), nullptr, 10));
    } else if (auto v6 = value_of("--tamper=")) {
      o.tamper = *v6;
    } else if (arg == "--verify-only") {
      o.verify_only = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options opts = take_options(argc, argv);

  std::vector<workload> workloads;
  for (const auto& [name, file] : {std::pair<const char*, const char*>{"seed", "seed.json"},
                                   {"large", "large.json"},
                                   {"stream", "stream.ndjson"},
                                   {"shuffled", "shuffled.ndjson"}}) {
    // A profile run loads only the workload it runs.
    if (!opts.profile.empty() && opts.profile.rfind(std::string(name) + "/", 0) != 0) continue;
    std::optional<workload> w = load(opts.corpus, name, file, opts.max_events);
    if (!w) return 2;
    workloads.push_back(std::move(*w));
  }

  std::vector<std::unique_ptr<contender>> contenders;
  contenders.push_back(std::make_unique<livesend_owning>());
  contenders.push_back(std::make_unique<livesend_view>());
  contenders.push_back(std::make_unique<peer<bench::ondemand_mapping>>("ondemand_mapping"));
  contenders.push_back(std::make_unique<ondemand_mapping_view>());
  contenders.push_back(std::make_unique<peer<bench::simdjson_dom_peer>>("simdjson_dom"));
  contenders.push_back(std::make_unique<peer<bench::rapidjson_peer>>("rapidjson"));
  contenders.push_back(std::make_unique<peer<bench::boost_json_peer>>("boost_json"));
  contenders.push_back(std::make_unique<peer<bench::nlohmann_peer>>("nlohmann"));
  livesend_stream stream;
  ondemand_walk walk;
  simdjson::ondemand::parser stage1_parser;

  // A profile run: one contender over one workload, one warm-up pass, then `passes` passes
  // inside profile_passes() and nothing else (valgrind --tool=callgrind
  // --toggle-collect='*profile_passes*' counts exactly those).
  if (!opts.profile.empty()) {
    const auto slash = opts.profile.find('/');
    const std::string wname = opts.profile.substr(0, slash);
    const std::string cname = slash == std::string::npos ? "" : opts.profile.substr(slash + 1);
    for (const workload& w : workloads) {
      if (w.name != wname) continue;
      std::function<bool()> pass;
      for (auto& c : contenders) {
        if (c->name() == cname) {
          pass = [&w, c = c.get()] {
            bool ok = true;
            for (const record_span& r : w.records) ok &= c->parse(w.view(r));
            return ok;
          };
        }
      }
      if (cname == "livesend_stream") pass = [&w, &stream] { return stream.run(w); };
      if (cname == "limit_ondemand_walk") {
        pass = [&w, &walk] {
          bool ok = true;
          for (const record_span& r : w.records) ok &= walk.run(w.view(r));
          return ok;
        };
      }
      if (!pass) break;
      bool ok = pass();  // warm-up
      const std::size_t before = allocation_count;
      ok &= profile_passes(pass, opts.passes);
      std::printf(
          "%s: %zu pass(es) over %zu events (%zu bytes) after a warm-up, %s; %zu heap "
          "allocations\n",
          opts.profile.c_str(), opts.passes, w.events(), w.data.size(), ok ? "ok" : "FAILED",
          allocation_count - before);
      return ok ? 0 : 1;
    }
    std::fprintf(stderr, "livesend_bench: no such WORKLOAD/CONTENDER: %s\n", opts.profile.c_str());
    return 2;
  }

  // ---- The equality check: every contender, every record, before any timing ----------------
  std::vector<verdict> verdicts(contenders.size());
  verdict stream_verdict;
  {
    livesend::parser reference_parser;
    for (const workload& w : workloads) {
      for (std::size_t i = 0; i < w.records.size(); ++i) {
        livesend::event expected;  // a fresh value: the reference owes nothing to reuse
        if (livesend::error err = reference_parser.parse(w.view(w.records[i]), expected)) {
          std::fprintf(stderr, "livesend_bench: %s: livesend rejects the corpus: %s\n",
                       where(w, i).c_str(), err.to_string().c_str());
          return 1;
        }
        for (std::size_t k = 0; k < contenders.size(); ++k) {
          const bool ok = contenders[k]->parse(w.view(w.records[i]));
          if (opts.tamper == contenders[k]->name()) {
            livesend::event altered = contenders[k]->result();
            tamper(altered);
            check(verdicts[k], w, i, ok, expected, altered);
          } else {
            check(verdicts[k], w, i, ok, expected, contenders[k]->result());
          }
        }
      }
      std::size_t index = 0;
      livesend::event owning;
      const bool ok =
          stream.run(w, [&](const livesend::stream_record&, const livesend::event_view& ev) {
            livesend::event expected;
            if (index < w.records.size() &&
                reference_parser.parse(w.view(w.records[index]), expected).ok()) {
              livesend::assign(owning, ev);
              check(stream_verdict, w, index, true, expected, owning);
            } else {
              check(stream_verdict, w, index, false, expected, owning);
            }
            ++index;
          });
      if (!ok || index != w.records.size()) {
        if (stream_verdict.problem.empty()) {
          stream_verdict.problem = w.name + ": parse_stream did not read every record";
        }
      }
    }
  }
  bool all_agree = true;
  auto report = [&](const std::string& name, const verdict& v) {
    if (v.problem.empty()) {
      std::fprintf(stderr, "verify: %-21s agrees with livesend on all %zu events\n", name.c_str(),
                   v.events);
    } else {
      all_agree = false;
      std::fprintf(stderr, "verify: %-21s DISAGREES, not timed: %s\n", name.c_str(),
                   v.problem.c_str());
    }
  };
  for (std::size_t k = 0; k < contenders.size(); ++k) report(contenders[k]->name(), verdicts[k]);
  report("livesend_stream", stream_verdict);
  for (const workload& w : workloads) {
    if (stage1_documents(stage1_parser, w) != w.events()) {
      std::fprintf(stderr, "verify: iterate_many finds another number of documents in %s\n",
                   w.name.c_str());
      all_agree = false;
    }
  }
  if (opts.verify_only) return all_agree ? 0 : 1;

  // ---- Registration -------------------------------------------------------------------------
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("compiler", __VERSION__);
  benchmark::AddCustomContext("flags", LIVESEND_BENCH_FLAGS);
  benchmark::AddCustomContext("simdjson_version", LIVESEND_BENCH_STRING(SIMDJSON_VERSION));
  // The On-Demand kernel compiled into this program is SIMDJSON_BUILTIN_IMPLEMENTATION as this
  // file sees it. simdjson::builtin_implementation() is defined in libsimdjson.so and names the
  // library's own builtin (Debian builds it without -march: "fallback"), whatever our flags.
  benchmark::AddCustomContext("simdjson_ondemand_kernel",
                              LIVESEND_BENCH_STRING(SIMDJSON_BUILTIN_IMPLEMENTATION));
  benchmark::AddCustomContext("simdjson_builtin_implementation",
                              simdjson::builtin_implementation()->name());
  benchmark::AddCustomContext("simdjson_active_implementation",
                              simdjson::get_active_implementation()->name());
  for (const workload& w : workloads) {
    benchmark::AddCustomContext("workload_" + w.name,
                                fmt::format("{} bytes, {} events", w.data.size(), w.events()));
  }

  for (workload& w : workloads) {
    const workload* wp = &w;
    for (std::size_t k = 0; k < contenders.size(); ++k) {
      contender* c = contenders[k].get();
      const std::string name = w.name + "/" + c->name();
      if (verdicts[k].problem.empty()) {
        benchmark::RegisterBenchmark(
            name.c_str(), [c, wp](benchmark::State& state) { time_contender(state, *c, *wp); });
      } else {
        const std::string problem = "disagrees with livesend: " + verdicts[k].problem;
        benchmark::RegisterBenchmark(name.c_str(), [problem](benchmark::State& state) {
          state.SkipWithError(problem.c_str());
          for (auto _ : state) {
          }
        });
      }
    }
    if (stream_verdict.problem.empty()) {
      benchmark::RegisterBenchmark(
          (w.name + "/livesend_stream").c_str(),
          [&stream, wp](benchmark::State& state) { time_stream(state, stream, *wp); });
    }
    benchmark::RegisterBenchmark(
        (w.name + "/limit_ondemand_walk").c_str(),
        [&walk, wp](benchmark::State& state) { time_walk(state, walk, *wp); });
    benchmark::RegisterBenchmark(
        (w.name + "/limit_stage1").c_str(),
        [&stage1_parser, wp](benchmark::State& state) { time_stage1(state, stage1_parser, *wp); });
    benchmark::RegisterBenchmark((w.name + "/limit_memory_read").c_str(),
                                 [wp](benchmark::State& state) { time_memory(state, *wp); });
  }

  // The seed event's latency, single parses one at a time, for the four typed On-Demand
  // contenders (livesend and the hand-written mapping, owning and view).
  for (workload& w : workloads) {
    if (w.name != "seed") continue;
    const workload* wp = &w;
    const std::size_t parses = opts.latency_parses;
    for (std::size_t k = 0; k < contenders.size(); ++k) {
      contender* c = contenders[k].get();
      if (c->name() != "livesend_owning" && c->name() != "livesend_view" &&
          c->name() != "ondemand_mapping" && c->name() != "ondemand_mapping_view") {
        continue;
      }
      if (!verdicts[k].problem.empty()) continue;  // reported as not timed above
      benchmark::RegisterBenchmark(
          ("seed/latency/" + c->name()).c_str(),
          [c, wp, parses](benchmark::State& state) { time_latency(state, *c, *wp, parses); })
          ->Iterations(1);
    }
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  std::fprintf(stderr,
               "simdjson kernels: On-Demand compiled in: %s; builtin_implementation(): %s; "
               "run time (DOM, stage 1, string unescaping): %s\n",
               LIVESEND_BENCH_STRING(SIMDJSON_BUILTIN_IMPLEMENTATION),
               simdjson::builtin_implementation()->name().c_str(),
               simdjson::get_active_implementation()->name().c_str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  const long rss = peak_rss_kib();
  std::fprintf(stderr, "peak RSS: %ld KiB\n", rss);
  if (!opts.rss_out.empty()) {
    std::ofstream out(opts.rss_out);
    out << rss << "\n";
  }
  return all_agree ? 0 : 1;
}
