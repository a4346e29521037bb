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
// How: the calling thread reads the source and splits it (one record_reader) and copies each
// record once, with its padding, into a batch: a buffer of `batch_bytes` holding up to
// `batch_records` records. A ring of `batches` batches (2 * jobs by default) is in flight:
// batch k is parsed by worker k % jobs, each record in place with the parser and event of its
// place in the batch, and the calling thread hands the records of the parsed batches out in
// order. An event_view points into its parser's buffers until that parser parses again, so a
// parsed record keeps its parser until it is handed out: hence a parser per place in the ring
// (batches * batch_records, made on first use; one that parsed a record longer than 64 KiB is
// made anew before the next, so that they do not all keep the memory of a long record). The
// threads meet once a batch, not once a record. Memory is bounded whatever the stream's size:
// the reader's piece buffer, the ring's buffers (a record longer than `batch_bytes` gets a
// buffer of its own size, up to the parser's max_input_size) and its parsers.
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
  std::size_t batch_records = 16;  ///< records of one batch (each with a parser and an event)
  std::size_t batches = 0;         ///< batches in the ring; 0: 2 * jobs (at least 2)
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

/// The shared state of one parallel read: batches of records filled by the calling thread,
/// parsed by the workers (batch k by worker k % jobs), handed back in order.
template <class S>
class parallel_reader {
 public:
  static constexpr std::size_t padding = simdjson::SIMDJSON_PADDING;
  /// A parser that parsed a record longer than this is made anew before its next record, so
  /// that the many parsers of the ring do not all keep the memory of a long record.
  static constexpr std::size_t long_record = std::size_t{64} << 10;

  parallel_reader(const parse_options& options, const parallel& how)
      : options_(options),
        jobs_(how.jobs),
        batches_(how.batches != 0 ? how.batches : std::max<std::size_t>(2, 2 * how.jobs)),
        batch_records_(how.batch_records == 0 ? 1 : how.batch_records),
        ring_(new batch[batches_]) {
    for (std::size_t i = 0; i < batches_; ++i) {
      batch& b = ring_[i];
      b.reserve(how.batch_bytes);
      b.entries.reset(new entry[batch_records_]);
      b.slots.reset(new std::unique_ptr<slot>[batch_records_]);
      b.published.store(0, std::memory_order_relaxed);
      b.parsed.store(0, std::memory_order_relaxed);
    }
  }

  parallel_reader(const parallel_reader&) = delete;
  parallel_reader& operator=(const parallel_reader&) = delete;

  ~parallel_reader() { stop_and_join(); }

  void start() {
    workers_.reserve(jobs_);
    for (std::size_t w = 0; w < jobs_; ++w) workers_.emplace_back([this, w] { work(w); });
  }

  template <class Reader, class OnRecord>
  stream_stats run(Reader& reader, OnRecord& on_record) {
    stream_stats stats;
    stream_record record;
    error err;
    bool have = false;  // `record` read, not placed yet
    bool end = false;
    for (;;) {
      while (delivered_ < published_ &&
             ring_[delivered_ % batches_].parsed.load() == delivered_ + 1) {
        if (!deliver(ring_[delivered_ % batches_], on_record, stats)) return stats;
        ++delivered_;
      }
      if (failed_.load()) break;
      if (!end) {
        if (!have) {
          have = reader.next(record, err);
          if (!have) {
            end = true;
            publish();
            finished_.store(true);
            workers_wait_.notify();
            continue;
          }
        }
        if (place(record, err)) {
          have = false;
          continue;
        }
        publish();  // no room: the workers get what is filled
      }
      if (end && delivered_ == published_) break;
      const std::size_t k = delivered_;
      caller_wait_.wait(
          [&] { return ring_[k % batches_].parsed.load() == k + 1 || failed_.load(); });
    }
    stop_and_join();
#if LIVESEND_EXCEPTIONS
    if (failure_) std::rethrow_exception(failure_);
#endif
    return stats;
  }

  /// Before the source is read (it may block): the workers get the batch being filled.
  void before_read() { publish(); }

  void stop_and_join() {
    stop_.store(true);
    workers_wait_.notify();
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  struct entry {
    detail::framed_record record;  // its text in the batch's bytes (empty when passed over)
    std::size_t room = 0;          // readable bytes from the text's first
    error passed_over;             // a record not held, or a framing error: not parsed; else ok
  };

  struct slot {
    explicit slot(const parse_options& options) : p(options) {}
    parser p;
    basic_event<S> event;
    error err;
    bool parsed_long = false;
  };

  struct batch {
    std::unique_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used = 0;
    std::size_t count = 0;  // records
    std::unique_ptr<entry[]> entries;
    std::unique_ptr<std::unique_ptr<slot>[]> slots;  // made by the workers, on first use
    std::atomic<std::size_t> published;              // k + 1 once it holds batch k
    std::atomic<std::size_t> parsed;                 // k + 1 once batch k is parsed

    void reserve(std::size_t want) {
      if (want <= capacity && bytes) return;
      bytes.reset(new char[want + padding]);
      capacity = want;
    }
  };

  /// Copies the record into the batch being filled (or the next one, when free) and returns
  /// true; false when there is no room until a batch is handed out.
  bool place(const stream_record& record, error& err) {
    const std::size_t need = err ? 0 : record.text.size() + padding;
    if (open_) {
      batch& b = ring_[published_ % batches_];
      if (b.count < batch_records_ && b.used + need <= b.capacity + padding) {
        append(b, record, err, need);
        return true;
      }
      publish();
    }
    const std::size_t k = published_;                               // the next batch
    if (k >= batches_ && delivered_ <= k - batches_) return false;  // still being read
    batch& b = ring_[k % batches_];
    b.used = 0;
    b.count = 0;
    if (need > b.capacity + padding) b.reserve(record.text.size());  // a long record
    open_ = true;
    append(b, record, err, need);
    return true;
  }

  void append(batch& b, const stream_record& record, error& err, std::size_t need) {
    entry& e = b.entries[b.count++];
    e.record = record;
    e.passed_over = std::move(err);
    err = error();
    if (need == 0) {
      e.record.text = std::string_view();
      e.room = 0;
      return;
    }
    char* at = b.bytes.get() + b.used;
    std::memcpy(at, record.text.data(), record.text.size());
    std::memset(at + record.text.size(), 0, padding);
    e.record.text = std::string_view(at, record.text.size());
    e.room = b.capacity + padding - b.used;
    b.used += need;
  }

  /// Hands the batch being filled to its worker.
  void publish() {
    if (!open_) return;
    open_ = false;
    ring_[published_ % batches_].published.store(published_ + 1);
    ++published_;
    published_count_.store(published_);
    workers_wait_.notify();
  }

  template <class OnRecord>
  bool deliver(batch& b, OnRecord& on_record, stream_stats& stats) {
    for (std::size_t j = 0; j < b.count; ++j) {
      const entry& e = b.entries[j];
      stream_record record;
      static_cast<detail::framed_record&>(record) = e.record;
      const bool passed_over = static_cast<bool>(e.passed_over);
      slot* s = passed_over ? nullptr : b.slots[j].get();
      if (s != nullptr) record.unknown_keys = unknown_key_range(s->p.unknown_keys());
      const error& err = s != nullptr ? s->err : e.passed_over;
      ++stats.events;
      if (err) ++stats.failed;
      if (!detail::deliver_record(on_record, static_cast<const stream_record&>(record), err,
                                  s != nullptr ? s->event : unparsed_)) {
        return false;
      }
    }
    return true;
  }

  void work(std::size_t w) {
#if LIVESEND_EXCEPTIONS
    try {
#endif
      for (std::size_t k = w;; k += jobs_) {
        batch& b = ring_[k % batches_];
        bool quit = false;
        workers_wait_.wait([&] {
          if (b.published.load() == k + 1 && !stop_.load()) return true;
          // finished_ is set after the last batch is published: read the count after it.
          quit = stop_.load() || (finished_.load() && published_count_.load() <= k);
          return quit;
        });
        if (quit) return;
        for (std::size_t j = 0; j < b.count; ++j) {
          const entry& e = b.entries[j];
          if (e.passed_over) continue;
          std::unique_ptr<slot>& s = b.slots[j];
          if (!s || s->parsed_long) s.reset(new slot(options_));
          s->err = s->p.parse_at(
              simdjson::padded_string_view(e.record.text.data(), e.record.text.size(), e.room),
              s->event, e.record.offset, e.record.line, e.record.column);
          s->parsed_long = e.record.text.size() > long_record;
        }
        b.parsed.store(k + 1);
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

  parse_options options_;
  std::size_t jobs_;
  std::size_t batches_;
  std::size_t batch_records_;
  std::unique_ptr<batch[]> ring_;
  std::vector<std::thread> workers_;
  basic_event<S> unparsed_;  // handed with a record passed over (meaningless: it has an error)

  // The calling thread's own.
  bool open_ = false;          // batch `published_` is being filled
  std::size_t published_ = 0;  // batches handed to the workers
  std::size_t delivered_ = 0;  // batches handed out to on_record

  // Shared.
  std::atomic<std::size_t> published_count_{0};
  std::atomic<bool> finished_{false};  // no batch will be published
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  wait_point workers_wait_;  // for batch.published, published_count_, finished_, stop_
  wait_point caller_wait_;   // for batch.parsed, failed_
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
/// `batch_bytes` (each grown to the longest record it held) and `batches * batch_records`
/// parsers and events; nothing is allocated per record once they have seen the workload (an
/// error's message excepted, as in read_stream, and a record longer than 64 KiB).
template <class S, class Read, class OnRecord>
stream_stats read_stream(parser& p, Read&& read, basic_event<S>& scratch, OnRecord&& on_record,
                         const parallel& how) {
  if (how.jobs <= 1) return read_stream(p, read, scratch, on_record, how.piece_size);
  detail::parallel_reader<S> pool(p.options(), how);
  auto source = [&](char* into, std::size_t room) -> std::size_t {
    pool.before_read();
    return read(into, room);
  };
  record_reader<decltype(source)&> reader(source, p.options().max_input_size, how.piece_size);
  pool.start();
  return pool.run(reader, on_record);
}

}  // namespace livesend
