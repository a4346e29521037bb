// livesend/parallel.hpp: one stream parsed on several threads, its records handed out in order.
//
//   livesend::parser p;
//   livesend::event_view ev;
//   livesend::read_stream(p, read, ev, on_record);                          // one thread
//   livesend::read_stream(p, read, ev, on_record, livesend::parallel{4});   // four workers
//
// The same records, errors, offsets, lines and unknown keys as the single-thread read_stream,
// handed to the same `on_record(const stream_record&, const error&, basic_event<S>&)` in the
// same order, on the calling thread; only the parses run on the workers.
//
// How: the calling thread reads the source and splits it (one record_reader), copies each record
// once into a batch buffer (with its padding) and publishes it; record i goes to worker
// i % jobs, which parses it in place with its own parser into its own event and marks it
// parsed; the calling thread hands the records out in order as they are parsed. An event_view
// points into its parser's buffers until that parser parses again, so each worker keeps `depth`
// parsers and events (a ring): it parses its next record into the next one while the calling
// thread still reads the last. Records in flight are bounded: `batches` buffers of
// `batch_bytes` (a longer record gets a buffer of its own size, up to the parser's
// max_input_size) and at most `batches * batch_records` records.
//
// Threads: `read` and `on_record` are only ever called on the calling thread, one call at a
// time, as with read_stream: they need not be thread-safe. The workers share nothing of the
// caller's but the parse options (copied) and the record bytes they are handed; `p` and
// `scratch` are used only when jobs == 1 (that is exactly the single-thread read_stream, no
// thread started). Every worker has joined when the call returns, or throws. Different calls
// may run at the same time on different threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "livesend/detail/config.hpp"
#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/parse.hpp"
#include "livesend/stream.hpp"

#if LIVESEND_SSE2
#include <emmintrin.h>
#endif

namespace livesend {

/// How read_stream parses on several threads. `parallel{jobs}` is what most callers set.
struct parallel {
  std::size_t jobs = 1;  ///< worker threads; 1: the single-thread read_stream, no thread
  std::size_t piece_size = std::size_t{1} << 20;     ///< the reader's piece (see record_reader)
  std::size_t batch_bytes = std::size_t{256} << 10;  ///< bytes of one batch buffer
  std::size_t batch_records = 512;                   ///< records in flight per batch buffer
  std::size_t batches = 0;  ///< batch buffers in the ring; 0: 2 * jobs (at least 2)
  std::size_t depth = 2;    ///< parsed records each worker may hold for the caller
};

namespace detail {

/// Threads that wait for a condition on atomics, and those that change them: a short spin,
/// then a condition variable. No wake-up is lost: a waiter registers under the mutex before
/// its last check, and a notifier that sees a waiter goes through the mutex.
class wait_point {
 public:
  template <class Pred>
  void wait(Pred pred) {
    for (int spin = 0; spin < 256; ++spin) {
      if (pred()) return;
#if LIVESEND_SSE2
      _mm_pause();
#endif
    }
    std::unique_lock<std::mutex> lock(mutex_);
    waiting_.fetch_add(1);
    while (!pred()) cv_.wait(lock);
    waiting_.fetch_sub(1);
  }

  void notify() {
    if (waiting_.load() == 0) return;
    { const std::lock_guard<std::mutex> lock(mutex_); }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<int> waiting_{0};
};

/// The shared state of one parallel read: records handed out by the calling thread, parsed by
/// the workers, handed back in order.
template <class S>
class parallel_reader {
 public:
  static constexpr std::size_t padding = simdjson::SIMDJSON_PADDING;

  parallel_reader(const parse_options& options, const parallel& how)
      : jobs_(how.jobs),
        depth_(how.depth == 0 ? 1 : how.depth),
        batches_(how.batches != 0 ? how.batches : std::max<std::size_t>(2, 2 * how.jobs)),
        batch_records_(how.batch_records == 0 ? 1 : how.batch_records),
        records_(batches_ * batch_records_),
        entries_(new entry[records_]),
        parsed_(new std::atomic<std::size_t>[records_]),
        chunks_(batches_) {
    for (std::size_t i = 0; i < records_; ++i) parsed_[i].store(0, std::memory_order_relaxed);
    for (chunk& c : chunks_) c.reserve(how.batch_bytes);
    slots_.reserve(jobs_ * depth_);
    for (std::size_t i = 0; i < jobs_ * depth_; ++i) slots_.emplace_back(new slot(options));
  }

  parallel_reader(const parallel_reader&) = delete;
  parallel_reader& operator=(const parallel_reader&) = delete;

  ~parallel_reader() { stop_and_join(); }

  void start() {
    workers_.reserve(jobs_);
    for (std::size_t w = 0; w < jobs_; ++w) workers_.emplace_back([this, w] { work(w); });
  }

  template <class Read, class OnRecord>
  stream_stats run(record_reader<Read&>& reader, OnRecord& on_record) {
    stream_stats stats;
    stream_record record;
    error err;
    bool have = false;  // `record` read, not placed yet
    bool end = false;
    for (;;) {
      while (delivered_ < filled_ && is_parsed(delivered_)) {
        if (!deliver(on_record, stats)) return stats;
      }
      if (failed_.load()) break;
      if (!end) {
        if (!have) {
          have = reader.next(record, err);
          if (!have) {
            end = true;
            finished_.store(true);
            workers_wait_.notify();
            continue;
          }
        }
        if (place(record, err)) {
          have = false;
          continue;
        }
      }
      if (end && delivered_ == filled_) break;
      const std::size_t next = delivered_;
      caller_wait_.wait([&] { return is_parsed(next) || failed_.load(); });
    }
    stop_and_join();
#if LIVESEND_EXCEPTIONS
    if (failure_) std::rethrow_exception(failure_);
#endif
    return stats;
  }

  void stop_and_join() {
    stop_.store(true);
    workers_wait_.notify();
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  struct entry {
    detail::framed_record record;  // its text in a chunk (empty when passed over)
    std::size_t room = 0;          // readable bytes from the text's first
    error passed_over;             // input_too_large for a record not held, else ok
  };

  struct chunk {
    std::unique_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used = 0;
    std::size_t records = 0;
    std::size_t end_index = 0;  // one past the last record placed in it: free once delivered

    void reserve(std::size_t want) {
      if (want <= capacity && bytes) return;
      bytes.reset(new char[want + padding]);
      capacity = want;
    }
  };

  struct slot {
    explicit slot(const parse_options& options) : p(options) {}
    parser p;
    basic_event<S> event;
    error err;
  };

  bool is_parsed(std::size_t i) const noexcept { return parsed_[i % records_].load() == i + 1; }

  slot& slot_of(std::size_t i) noexcept {
    return *slots_[(i % jobs_) * depth_ + (i / jobs_) % depth_];
  }

  /// Copies the record into the ring and publishes it; false when there is no room until more
  /// records are handed out.
  bool place(const stream_record& record, error& err) {
    if (filled_ - delivered_ >= records_) return false;
    const std::size_t need = err ? 0 : record.text.size() + padding;
    chunk* c = &chunks_[current_];
    if (c->used + need > c->capacity + padding || c->records == batch_records_) {
      const std::size_t next = (current_ + 1) % batches_;
      if (chunks_[next].end_index > delivered_) return false;  // still being read
      current_ = next;
      c = &chunks_[next];
      c->used = 0;
      c->records = 0;
    }
    if (need > c->capacity + padding) c->reserve(record.text.size());  // a long record
    entry& e = entries_[filled_ % records_];
    e.record = record;
    e.passed_over = std::move(err);
    err = error();
    if (need != 0) {
      char* at = c->bytes.get() + c->used;
      std::memcpy(at, record.text.data(), record.text.size());
      std::memset(at + record.text.size(), 0, padding);
      e.record.text = std::string_view(at, record.text.size());
      e.room = c->capacity + padding - c->used;
      c->used += need;
    } else {
      e.record.text = std::string_view();
      e.room = 0;
    }
    ++c->records;
    c->end_index = ++filled_;
    published_.store(filled_);
    workers_wait_.notify();
    return true;
  }

  template <class OnRecord>
  bool deliver(OnRecord& on_record, stream_stats& stats) {
    const std::size_t i = delivered_;
    entry& e = entries_[i % records_];
    slot& s = slot_of(i);
    stream_record record;
    static_cast<detail::framed_record&>(record) = e.record;
    const bool passed_over = static_cast<bool>(e.passed_over);
    if (!passed_over) record.unknown_keys = unknown_key_range(s.p.unknown_keys());
    const error& err = passed_over ? e.passed_over : s.err;
    ++stats.events;
    if (err) ++stats.failed;
    const bool go_on =
        detail::deliver_record(on_record, static_cast<const stream_record&>(record), err, s.event);
    delivered_ = i + 1;
    delivered_shared_.store(delivered_);
    workers_wait_.notify();
    return go_on;
  }

  void work(std::size_t w) {
#if LIVESEND_EXCEPTIONS
    try {
#endif
      for (std::size_t i = w;; i += jobs_) {
        bool quit = false;
        workers_wait_.wait([&] {
          if (published_.load() > i && !stop_.load()) return true;
          // finished_ is set after the last record is published: read published_ after it.
          quit = stop_.load() || (finished_.load() && published_.load() <= i);
          return quit;
        });
        if (quit) return;
        if (i >= jobs_ * depth_) {
          const std::size_t before = i - jobs_ * depth_;  // the last record of this slot
          workers_wait_.wait([&] { return delivered_shared_.load() > before || stop_.load(); });
          if (stop_.load()) return;
        }
        entry& e = entries_[i % records_];
        slot& s = slot_of(i);
        if (!e.passed_over) {
          s.err = s.p.parse_at(
              simdjson::padded_string_view(e.record.text.data(), e.record.text.size(), e.room),
              s.event, e.record.offset, e.record.line);
        }
        parsed_[i % records_].store(i + 1);
        caller_wait_.notify();
      }
#if LIVESEND_EXCEPTIONS
    } catch (...) {
      {
        const std::lock_guard<std::mutex> lock(failure_mutex_);
        if (!failure_) failure_ = std::current_exception();
      }
      failed_.store(true);
      caller_wait_.notify();
    }
#endif
  }

  std::size_t jobs_;
  std::size_t depth_;
  std::size_t batches_;
  std::size_t batch_records_;
  std::size_t records_;  // entries in the ring
  std::unique_ptr<entry[]> entries_;
  std::unique_ptr<std::atomic<std::size_t>[]> parsed_;  // i + 1 once record i is parsed
  std::vector<chunk> chunks_;
  std::vector<std::unique_ptr<slot>> slots_;
  std::vector<std::thread> workers_;

  // The calling thread's own.
  std::size_t current_ = 0;    // the chunk being filled
  std::size_t filled_ = 0;     // records placed
  std::size_t delivered_ = 0;  // records handed out

  // Shared.
  std::atomic<std::size_t> published_{0};
  std::atomic<std::size_t> delivered_shared_{0};
  std::atomic<bool> finished_{false};  // no record will be published
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  wait_point workers_wait_;  // for published_, delivered_shared_, finished_, stop_
  wait_point caller_wait_;   // for parsed_, failed_
#if LIVESEND_EXCEPTIONS
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
#endif
};

}  // namespace detail

/// Reads a stream as read_stream does, parsing its records on `how.jobs` worker threads (each
/// with its own parsers and events, made from `p.options()`), and hands every record to
/// `on_record` in input order, on the calling thread: the same records, errors (same offsets,
/// lines, messages) and unknown keys as read_stream. The event, the record's text and its
/// unknown keys are valid until `on_record` returns; an `on_record` that returns false stops
/// the reading: no more records are read or handed out, and the workers are joined before
/// this returns. With `how.jobs` <= 1 this is read_stream(p, read, scratch, on_record,
/// how.piece_size), on this thread. Memory: the reader's piece buffer, `batches` buffers of
/// `batch_bytes` (each grown to the longest record it held) and `jobs * depth` parsers;
/// nothing is allocated per record once they have seen the workload (an error's message
/// excepted, as in read_stream).
template <class S, class Read, class OnRecord>
stream_stats read_stream(parser& p, Read&& read, basic_event<S>& scratch, OnRecord&& on_record,
                         const parallel& how) {
  if (how.jobs <= 1) return read_stream(p, read, scratch, on_record, how.piece_size);
  record_reader<Read&> reader(read, p.options().max_input_size, how.piece_size);
  detail::parallel_reader<S> pool(p.options(), how);
  pool.start();
  return pool.run(reader, on_record);
}

}  // namespace livesend
