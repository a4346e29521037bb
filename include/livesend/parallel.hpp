// livesend/parallel.hpp: one stream parsed on several threads, its records handed out in order.
//
//   livesend::parser p;
//   livesend::event_view ev;
//   livesend::read_stream(p, read, ev, on_record);                          // one thread
//   livesend::read_stream(p, read, ev, on_record, livesend::parallel{4});   // four threads
//   livesend::read_stream_prepared<fmt::memory_buffer>(p, read, ev, prepare, on_record,
//                                                      livesend::parallel{4});
//
// The same records, errors, offsets, lines and unknown keys as the single-thread read_stream,
// handed to the same `on_record(const stream_record&, const error&, basic_event<S>&)` in the
// same order, on the calling thread. `read_stream_prepared` is the ordered sink: a step
// `prepare(const stream_record&, basic_event<S>&, Out&)` run for every record that parsed, on
// the thread that parsed it, right after the parse, into an `Out` of the record's own (a buffer
// its output is written to, say); then `on_record(const stream_record&, const error&, Out&)` on
// the calling thread, in input order, writes it out. So the formatting of an event runs on
// every thread, and the calling thread only hands out what is made.
//
// How: `jobs` counts the threads that parse, the calling thread included: jobs - 1 workers are
// started. The calling thread reads the source into a piece buffer and splits it (the splitter
// of record_reader), and puts the records, where they are, into a batch (up to `batch_records`
// records or `batch_bytes` of them), which it publishes; no record is copied. When every
// record of the piece buffer is in a batch, the buffer goes with its records and the reading
// goes on in a spare one (the bytes of the record not split yet copied over), free once the
// last batch with records in it is handed out: three buffers in turn. A ring of `batches`
// batches is in flight (by default 2 * jobs for read_stream, whose places each hold a parser,
// and 6 * jobs for read_stream_prepared, whose places are light: more batches waiting keep every
// thread parsing while the calling thread writes out). A published batch is claimed whole by the
// first thread to take the next number (one atomic counter, no static assignment): a worker, or the
// calling thread whenever it would otherwise wait (the ring full, or the next batch in order not
// parsed yet). The claimer parses each record in place and, for read_stream_prepared, runs
// `prepare`; the calling thread then hands the records of the parsed batches out in order. The
// threads meet once a batch, not once a record.
//
// read_stream hands out events, and an event_view points into its parser's buffers until that
// parser parses again, so each record there keeps its parser until it is handed out: a parser
// and an event per place in the ring (batches * batch_records, made on first use; one that
// parsed a record longer than 64 KiB is made anew before the next, so that they do not all
// keep the memory of a long record). read_stream_prepared needs the event only while prepare
// runs: a parser and an event per thread, and per place only the error, a copy of the unknown
// keys and the Out; a working set that stays in the threads' caches (on 2 cores, json ran
// markedly slower with a parser per place). Memory is bounded whatever the stream's size: three
// piece buffers (each grown, as record_reader's, to hold the longest record up to the parser's
// max_input_size), the ring's entries, the parsers, events and Outs.
//
// Threads: `read` and `on_record` are only ever called on the calling thread, one call at a
// time, as with read_stream: they need not be thread-safe. `prepare` runs on any of the
// threads, several calls at once, each with its own event and Out: it may only read what it
// shares with the others (options, say). An Out is touched by one thread at a time (the one
// that prepares into it, then the calling thread in on_record), and is reused: prepare should
// clear it. The workers share nothing else of the caller's but the parse options (copied) and
// the record bytes they are handed; `p` and `scratch` are used only when jobs == 1 (that is
// exactly the single-thread read_stream, prepare and on_record one after the other, no thread
// started). An exception from `prepare` (on any thread) or `on_record` comes out of the call
// (the records before it may not all have been handed out); every worker has joined when the
// call returns, or throws. Different calls may run at the same time on different threads.
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
#include <type_traits>
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
  std::size_t jobs = 1;  ///< threads that parse, the calling thread included (jobs - 1 are
                         ///< started); 1: the single-thread read_stream, no thread
  std::size_t piece_size = std::size_t{1} << 20;     ///< bytes read at a time into one of three
                                                     ///< piece buffers (see record_reader)
  std::size_t batch_bytes = std::size_t{256} << 10;  ///< a batch is full once its records hold
                                                     ///< this many bytes
  std::size_t batch_records = 16;  ///< records of one batch (each with a parser and an event)
  std::size_t batches = 0;         ///< batches in the ring; 0: 2 * jobs for read_stream, 6 * jobs
                                   ///< for read_stream_prepared
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

/// An on_record that returns nothing never stops the stream.
template <class OnRecord, class... Args>
bool call_on_record(OnRecord& on_record, Args&... args) {
  if constexpr (std::is_void_v<decltype(on_record(args...))>) {
    on_record(args...);
    return true;
  } else {
    return static_cast<bool>(on_record(args...));
  }
}

/// The shared state of one parallel read: batches of records filled by the calling thread,
/// claimed one at a time by whichever thread is free (the workers, and the calling thread when
/// it would wait), parsed and prepared there, handed back in order.
///
/// With `Events` (read_stream), every record is parsed with the parser and event of its place
/// in the ring, which on_record gets. Without (read_stream_prepared), with the parser and
/// event of the thread, which prepare gets; the place keeps the error, a copy of the unknown
/// keys and the Out: `jobs` parsers and events instead of one per place, a working set that
/// stays in the threads' caches.
template <class S, class Out, bool Events>
class parallel_reader {
 public:
  /// A parser of a place that parsed a record longer than this is made anew before its next
  /// record, so that the many parsers of the ring do not all keep the memory of a long record.
  static constexpr std::size_t long_record = std::size_t{64} << 10;

  parallel_reader(const parse_options& options, const parallel& how)
      : options_(options),
        workers_count_(how.jobs - 1),
        batches_(how.batches != 0 ? how.batches
                                  : std::max<std::size_t>(2, (Events ? 2 : 6) * how.jobs)),
        batch_records_(how.batch_records == 0 ? 1 : how.batch_records),
        batch_bytes_(how.batch_bytes),
        ring_(new batch[batches_]) {
    for (std::size_t i = 0; i < batches_; ++i) {
      batch& b = ring_[i];
      b.entries.reset(new entry[batch_records_]);
      if constexpr (Events) {
        b.slots.reset(new std::unique_ptr<slot>[batch_records_]);
      } else {
        b.results.reset(new result[batch_records_]);
      }
      b.parsed.store(0, std::memory_order_relaxed);
    }
  }

  parallel_reader(const parallel_reader&) = delete;
  parallel_reader& operator=(const parallel_reader&) = delete;

  ~parallel_reader() { stop_and_join(); }

  /// Starts the workers; `prepare` must outlive them (until stop_and_join).
  template <class Prepare>
  void start(Prepare& prepare) {
    workers_.reserve(workers_count_);
    for (std::size_t w = 0; w < workers_count_; ++w) {
      workers_.emplace_back([this, &prepare] { work(prepare); });
    }
  }

  template <class Read, class Prepare, class OnRecord>
  stream_stats run(piece_splitter& pieces, Read& read, Prepare& prepare, OnRecord& on_record) {
    stream_stats stats;
    stream_record record;
    error err;
    bool have = false;  // `record` read, not placed yet
    bool full = false;  // every record of the reader's buffer is placed: it needs a spare one
    bool end = false;
    for (;;) {
      while (delivered_ < published_ && is_parsed(delivered_)) {
        if (!deliver(ring_[delivered_ % batches_], on_record, stats)) {
          stop_and_join();
          return stats;
        }
        ++delivered_;
      }
      if (failed_.load()) break;
      if (!end) {
        if (full) {
          publish();  // its records go to the parsing threads with the buffer
          if (exchange(pieces)) {
            full = false;
            continue;
          }
        } else {
          if (!have) {
            const piece_splitter::outcome outcome = pieces.next(read, record);
            if (outcome == piece_splitter::outcome::full) {
              full = true;
              continue;
            }
            have = record_outcome(outcome, pieces, record, err);
            if (!have) {
              end = true;
              publish();
              finished_.store(true);
              workers_wait_.notify();
              continue;
            }
          }
          if (place(record, err, err ? 0 : pieces.room(record.text))) {
            have = false;
            continue;
          }
          publish();  // no room: what is filled goes to the parsing threads
        }
      }
      if (end && delivered_ == published_) break;
      // The ring is full, the next batch in order is not parsed, or the next spare buffer
      // still holds records: parse a batch meanwhile, or wait for one (a batch can only be
      // published by this thread, so none comes meanwhile).
      if (parse_one(prepare, caller_slot_)) continue;
      const std::size_t k = delivered_;
      caller_wait_.wait([&] { return is_parsed(k) || failed_.load(); });
    }
    stop_and_join();
#if LIVESEND_EXCEPTIONS
    if (failure_) std::rethrow_exception(failure_);
#endif
    return stats;
  }

  /// Before the source is read (it may block): the parsing threads get the batch being filled.
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

  /// A parser and its event: one per place (Events), else one per thread.
  struct slot {
    explicit slot(const parse_options& options) : p(options) {}
    parser p;
    basic_event<S> event;
    error err;
    bool parsed_long = false;
  };

  /// What the parse of a record left at its place, without Events.
  struct result {
    error err;
    std::vector<unknown_key> keys;
    Out out{};
  };

  struct batch {
    std::size_t used = 0;   // bytes of its records
    std::size_t count = 0;  // records
    std::unique_ptr<entry[]> entries;
    std::unique_ptr<std::unique_ptr<slot>[]> slots;  // Events: made by the parsing threads
    std::unique_ptr<result[]> results;               // else
    std::atomic<std::size_t> parsed;                 // k + 1 once batch k is parsed
  };

  /// A piece buffer the reader goes on in when its own is full of records waiting in batches.
  struct spare {
    std::unique_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used_until = 0;  // free once the batches before this one are handed out
  };
  static constexpr std::size_t spares = 2;

  bool is_parsed(std::size_t k) const noexcept {
    return ring_[k % batches_].parsed.load() == k + 1;
  }

  /// Puts the record (its text where the reader has it, `room` bytes readable from its first)
  /// into the batch being filled, or the next one when free, and returns true; false when there
  /// is no room until a batch is handed out.
  bool place(const stream_record& record, error& err, std::size_t room) {
    if (open_) {
      batch& b = ring_[published_ % batches_];
      if (b.count < batch_records_ && b.used < batch_bytes_) {
        append(b, record, err, room);
        return true;
      }
      publish();
    }
    const std::size_t k = published_;                               // the next batch
    if (k >= batches_ && delivered_ <= k - batches_) return false;  // still being read
    batch& b = ring_[k % batches_];
    b.used = 0;
    b.count = 0;
    open_ = true;
    append(b, record, err, room);
    return true;
  }

  void append(batch& b, const stream_record& record, error& err, std::size_t room) {
    entry& e = b.entries[b.count++];
    e.record = record;
    e.passed_over = std::move(err);
    err = error();
    e.room = room;
    b.used += record.text.size();
  }

  /// The reader's buffer, every record of it in a published batch, for the next spare, when
  /// the batches with records in that one are handed out; false when they are not yet.
  bool exchange(piece_splitter& pieces) {
    spare& s = spares_[next_spare_];
    if (delivered_ < s.used_until) return false;
    pieces.exchange(s.bytes, s.capacity);
    s.used_until = published_;
    next_spare_ = (next_spare_ + 1) % spares;
    return true;
  }

  /// Hands the batch being filled to the parsing threads.
  void publish() {
    if (!open_) return;
    open_ = false;
    ++published_;
    published_count_.store(published_);
    workers_wait_.notify();
  }

  /// Takes the number of the next published batch nobody has taken; false when there is none.
  bool try_claim(std::size_t& k) noexcept {
    std::size_t next = claimed_.load();
    while (next < published_count_.load()) {
      if (claimed_.compare_exchange_weak(next, next + 1)) {
        k = next;
        return true;
      }
    }
    return false;
  }

  /// Claims, parses and prepares one batch, with `own`, the thread's parser and event (made on
  /// first use, without Events); false when none is waiting.
  template <class Prepare>
  bool parse_one(Prepare& prepare, std::unique_ptr<slot>& own) {
    std::size_t k = 0;
    if (!try_claim(k)) return false;
    parse_batch(k, prepare, own);
    return true;
  }

  template <class Prepare>
  void parse_batch(std::size_t k, Prepare& prepare, std::unique_ptr<slot>& own) {
    batch& b = ring_[k % batches_];
    for (std::size_t j = 0; j < b.count; ++j) {
      const entry& e = b.entries[j];
      if (e.passed_over) continue;
      const simdjson::padded_string_view text(e.record.text.data(), e.record.text.size(), e.room);
      if constexpr (Events) {
        (void)prepare;
        (void)own;
        std::unique_ptr<slot>& s = b.slots[j];
        if (!s || s->parsed_long) s.reset(new slot(options_));
        s->err = s->p.parse_at(text, s->event, e.record.offset, e.record.line, e.record.column);
        s->parsed_long = e.record.text.size() > long_record;
      } else {
        if (!own) own.reset(new slot(options_));
        result& r = b.results[j];
        r.err = own->p.parse_at(text, own->event, e.record.offset, e.record.line, e.record.column);
        const std::vector<unknown_key>& keys = own->p.unknown_keys();
        r.keys.assign(keys.begin(), keys.end());
        if (!r.err) {
          stream_record record;
          static_cast<detail::framed_record&>(record) = e.record;
          record.unknown_keys = unknown_key_range(keys);
          prepare(static_cast<const stream_record&>(record), own->event, r.out);
        }
      }
    }
    b.parsed.store(k + 1);
    caller_wait_.notify();
  }

  template <class OnRecord>
  bool deliver(batch& b, OnRecord& on_record, stream_stats& stats) {
    for (std::size_t j = 0; j < b.count; ++j) {
      const entry& e = b.entries[j];
      stream_record record;
      static_cast<detail::framed_record&>(record) = e.record;
      bool go_on = true;
      if constexpr (Events) {
        slot* s = e.passed_over ? nullptr : b.slots[j].get();
        if (s != nullptr) record.unknown_keys = unknown_key_range(s->p.unknown_keys());
        const error& err = s != nullptr ? s->err : e.passed_over;
        ++stats.events;
        if (err) ++stats.failed;
        go_on = deliver_record(on_record, static_cast<const stream_record&>(record), err,
                               s != nullptr ? s->event : unparsed_);
      } else {
        result& r = b.results[j];
        if (!e.passed_over) record.unknown_keys = unknown_key_range(r.keys);
        const error& err = e.passed_over ? e.passed_over : r.err;
        ++stats.events;
        if (err) ++stats.failed;
        go_on = call_on_record(on_record, static_cast<const stream_record&>(record), err, r.out);
      }
      if (!go_on) return false;
    }
    return true;
  }

  template <class Prepare>
  void work(Prepare& prepare) {
    std::unique_ptr<slot> own;  // this thread's parser and event (without Events)
#if LIVESEND_EXCEPTIONS
    try {
#endif
      for (;;) {
        std::size_t k = 0;
        bool quit = false;
        workers_wait_.wait([&] {
          if (stop_.load()) return quit = true;
          if (try_claim(k)) return true;
          // finished_ is set after the last batch is published: read the count after it.
          return quit = finished_.load() && claimed_.load() >= published_count_.load();
        });
        if (quit) return;
        parse_batch(k, prepare, own);
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
  std::size_t workers_count_;
  std::size_t batches_;
  std::size_t batch_records_;
  std::size_t batch_bytes_;
  std::unique_ptr<batch[]> ring_;
  spare spares_[spares];
  std::size_t next_spare_ = 0;
  std::vector<std::thread> workers_;
  basic_event<S> unparsed_;  // handed with a record passed over (meaningless: it has an error)
  std::unique_ptr<slot> caller_slot_;  // the calling thread's parser and event (without Events)

  // The calling thread's own.
  bool open_ = false;          // batch `published_` is being filled
  std::size_t published_ = 0;  // batches handed to the parsing threads
  std::size_t delivered_ = 0;  // batches handed out to on_record

  // Shared.
  std::atomic<std::size_t> published_count_{0};
  std::atomic<std::size_t> claimed_{0};  // batches taken by a parsing thread
  std::atomic<bool> finished_{false};    // no batch will be published
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  wait_point workers_wait_;  // for published_count_, claimed_, finished_, stop_
  wait_point caller_wait_;   // for batch.parsed, failed_
#if LIVESEND_EXCEPTIONS
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
#endif
};

/// Runs a parallel read: the reader over `read`, the workers, the calling thread's loop.
template <class S, class Out, bool Events, class Read, class Prepare, class OnRecord>
stream_stats run_parallel(const parse_options& options, Read& read, Prepare& prepare,
                          OnRecord& on_record, const parallel& how) {
  // The buffers the workers read records in outlive them (the pool joins them when it ends).
  piece_splitter pieces(options.max_input_size, how.piece_size);
  pieces.hold(true);
  parallel_reader<S, Out, Events> pool(options, how);
  auto source = [&](char* into, std::size_t room) -> std::size_t {
    pool.before_read();
    return read(into, room);
  };
  pool.start(prepare);
  return pool.run(pieces, source, prepare, on_record);
}

}  // namespace detail

/// Reads a stream as read_stream does, and for each record that parses runs
/// `prepare(const stream_record&, basic_event<S>& event, Out&)` right after the parse, on the
/// thread that parsed it (one of `how.jobs` threads, the calling thread included), then hands
/// every record to `on_record(const stream_record&, const error&, Out&)` in input order, on the
/// calling thread, with the Out that prepare filled (meaningful only when the error is ok; a
/// reused Out of the record's place in the ring: prepare should clear it). The event is valid
/// only while prepare runs; the record's text and its unknown keys until `on_record` returns.
/// The same records, errors (same offsets, lines, messages) and unknown keys as read_stream.
/// An `on_record` that returns false stops the reading: no more records are read or handed
/// out, and the workers are joined before this returns. With `how.jobs` <= 1 this is
/// read_stream(p, read, scratch, ..., how.piece_size) on this thread, with one Out, prepare
/// then on_record for each record. Memory: three piece buffers of `piece_size` (each grown to
/// the longest record it held), a parser and an event per thread
/// (made from `p.options()`; `p` and `scratch` are used only when jobs <= 1) and `batches *
/// batch_records` Outs (value-initialized); nothing is allocated per record once they have
/// seen the workload (an error's message excepted, as in read_stream, an unknown key's path,
/// and what prepare allocates).
template <class Out, class S, class Read, class Prepare, class OnRecord>
stream_stats read_stream_prepared(parser& p, Read&& read, basic_event<S>& scratch,
                                  Prepare&& prepare, OnRecord&& on_record, const parallel& how) {
  if (how.jobs <= 1) {
    Out out{};
    return read_stream(
        p, read, scratch,
        [&](const stream_record& record, const error& err, basic_event<S>& ev) {
          if (!err) prepare(record, ev, out);
          return detail::call_on_record(on_record, record, err, out);
        },
        how.piece_size);
  }
  return detail::run_parallel<S, Out, false>(p.options(), read, prepare, on_record, how);
}

/// Reads a stream as read_stream does, parsing its records on `how.jobs` threads (the calling
/// thread and `how.jobs - 1` workers), and hands every record to `on_record` in input order,
/// on the calling thread: the same records, errors (same offsets, lines, messages) and unknown
/// keys as read_stream. The event, the record's text and its unknown keys are valid until
/// `on_record` returns; an `on_record` that returns false stops the reading: no more records
/// are read or handed out, and the workers are joined before this returns. With `how.jobs` <= 1
/// this is read_stream(p, read, scratch, on_record, how.piece_size), on this thread. Each
/// record keeps its parser and event until it is handed out: a parser and an event per place
/// in the ring (`batches * batch_records`, made from `p.options()` on first use; one that
/// parsed a record longer than 64 KiB made anew before the next); nothing is allocated per
/// record once they have seen the workload (an error's message excepted, as in read_stream).
/// When the caller needs only what it makes of each event, read_stream_prepared is lighter.
template <class S, class Read, class OnRecord>
stream_stats read_stream(parser& p, Read&& read, basic_event<S>& scratch, OnRecord&& on_record,
                         const parallel& how) {
  if (how.jobs <= 1) return read_stream(p, read, scratch, on_record, how.piece_size);
  struct nothing {};
  auto prepare = [](const stream_record&, basic_event<S>&, nothing&) {};
  return detail::run_parallel<S, nothing, true>(p.options(), read, prepare, on_record, how);
}

}  // namespace livesend
