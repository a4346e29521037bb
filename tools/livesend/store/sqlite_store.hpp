// tools/livesend/store/sqlite_store.hpp: events stored in a SQLite database as the contract's
// tables (livesend/tables.hpp), exactly once per event id, for `livesend load --db FILE` and
// `livesend serve`.
//
//   livesend::store::sqlite_store db;
//   if (auto st = db.open("events.db"); !st.ok()) { /* st.message */ }
//   (void)db.begin();                        // a batch: one transaction, the caller commits
//   auto r = db.store(ev);                   // stored, duplicate (counted) or error
//   if (auto st = db.commit(); !st.ok()) { /* nothing of the batch is stored */ }
//
// Errors are values (a status with a message), never exceptions out of this API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

struct sqlite3;

namespace livesend::store {

/// The outcome of an operation: ok, or a message a person can act on.
struct [[nodiscard]] status {
  std::string message;  ///< empty when ok
  bool ok() const noexcept { return message.empty(); }
};

/// What store() did with an event.
enum class outcome {
  stored,     ///< all its rows were written
  duplicate,  ///< an event with its id was there already: nothing written (counted)
  failed,     ///< an error (in store_result::message): nothing of this event written
};

struct [[nodiscard]] store_result {
  outcome what = outcome::failed;
  std::string message;  ///< set when what == failed
  bool ok() const noexcept { return what != outcome::failed; }
};

/// How the database is opened.
struct options {
  /// `PRAGMA synchronous`: FULL (the default) makes a commit durable across a power loss, which
  /// the receiver needs before it answers 200; NORMAL is safe against a crashed process in WAL
  /// mode and faster, enough for the loader (a reload is idempotent).
  enum class sync_mode { full, normal };
  sync_mode synchronous = sync_mode::full;
  /// How long a writer waits for another's lock before failing (`PRAGMA busy_timeout`).
  int busy_timeout_ms = 5000;
};

/// A SQLite database holding the five tables, and two more for the receiver:
/// `other_version_events (id, version, body, received_at)` for events of other versions, stored
/// as they came, once per id; and `quarantine (seq, body, error, received_at)` for bodies that
/// are not valid JSON or break the contract (body kept verbatim as a BLOB).
///
/// Not thread-safe: one object per thread (SQLite serialises writers between connections).
class sqlite_store {
 public:
  /// The schema version this code writes and reads, kept in `PRAGMA user_version`.
  static constexpr int schema_version = 1;

  sqlite_store();
  ~sqlite_store();  ///< rolls back an open batch, closes the database
  sqlite_store(sqlite_store&&) noexcept;
  sqlite_store& operator=(sqlite_store&&) noexcept;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  /// Opens (creating it if needed) the database at `path` (`:memory:` for a private one). A new
  /// database gets the tables and user_version = schema_version; a database with another
  /// user_version is an error naming both versions. Sets WAL mode, the synchronous mode,
  /// foreign keys on, and prepares the statements.
  status open(const std::string& path, const options& opts = {});
  bool is_open() const noexcept;
  /// Closes the database (rolling back an open batch). Idempotent.
  void close() noexcept;

  /// Starts a batch: one transaction until commit() or rollback(). Without a batch, each
  /// store() is its own transaction.
  status begin();
  /// Makes the batch durable (per the synchronous mode). On failure the batch is rolled back.
  status commit();
  /// Drops everything stored since begin(); the counters go back too.
  status rollback();
  bool in_batch() const noexcept { return in_batch_; }

  /// Stores the event's rows in all five tables, or nothing: an event whose id is stored
  /// already is a duplicate (the first one stored wins); an error leaves none of this event's
  /// rows (earlier events of the batch stay).
  store_result store(const event& ev);
  store_result store(const event_view& ev);

  /// Stores an event of another version as it came. A second body with the same id is a
  /// duplicate.
  store_result store_other_version(std::string_view id, std::string_view version,
                                   std::string_view body, timestamp received_at);
  /// Stores a body that failed (not JSON, or against the contract) with its error.
  status quarantine(std::string_view body, std::string_view error, timestamp received_at);

  /// Events stored and duplicates skipped since open() (a rolled back batch does not count).
  std::uint64_t stored_count() const noexcept { return stored_; }
  std::uint64_t duplicate_count() const noexcept { return duplicates_; }

  /// The connection, for reading back (tests, `serve`'s queries). Null when closed.
  sqlite3* handle() const noexcept;

 private:
  struct impl;
  template <class S>
  store_result store_event(const basic_event<S>& ev);

  std::unique_ptr<impl> impl_;
  bool in_batch_ = false;
  std::uint64_t stored_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t batch_stored_ = 0;
  std::uint64_t batch_duplicates_ = 0;
};

/// The DDL of the receiver's two extra tables (other_version_events, quarantine).
std::string receiver_tables_ddl();

}  // namespace livesend::store
