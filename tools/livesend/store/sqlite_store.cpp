// tools/livesend/store/sqlite_store.cpp: the SQLite store (see sqlite_store.hpp).
#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "livesend/tables.hpp"

namespace livesend::store {

namespace {

constexpr std::string_view receiver_ddl =
    "CREATE TABLE other_version_events (\n"
    "  id TEXT NOT NULL,\n"
    "  version TEXT NOT NULL,\n"
    "  body TEXT NOT NULL,\n"
    "  received_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (id)\n"
    ");\n"
    "CREATE TABLE quarantine (\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  body BLOB NOT NULL,\n"
    "  error TEXT NOT NULL,\n"
    "  received_at TEXT NOT NULL\n"
    ");\n";

std::string sqlite_message(sqlite3* db, std::string_view doing) {
  std::string m = "sqlite: ";
  m += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  if (!doing.empty()) {
    m += " (";
    m += doing;
    m += ')';
  }
  return m;
}

/// `INSERT INTO t (c, ...) VALUES (?, ...)`; the events row skips a stored id (ON CONFLICT on
/// the key only: a NOT NULL violation stays an error, unlike INSERT OR IGNORE).
std::string insert_sql(table t) {
  std::string sql = "INSERT INTO ";
  sql += table_name(t);
  sql += " (";
  std::string values;
  bool first = true;
  for (const column& c : columns(t)) {
    if (!first) {
      sql += ", ";
      values += ", ";
    }
    first = false;
    sql += c.name();
    values += '?';
  }
  sql += ") VALUES (" + values + ")";
  if (t == table::events) sql += " ON CONFLICT (id) DO NOTHING";
  return sql;
}

/// Binds one event's cells and steps each row; stops at the first error, or after the events
/// row when that id is stored already.
struct binder {
  sqlite3* db = nullptr;
  const std::array<sqlite3_stmt*, table_count>* inserts = nullptr;
  sqlite3_stmt* row = nullptr;
  table current = table::events;
  bool stopped = false;
  bool duplicate = false;
  std::string error;

  int index(std::size_t column) const noexcept { return static_cast<int>(column) + 1; }
  bool skip() const noexcept { return stopped; }
  void check(int rc) {
    if (rc != SQLITE_OK && !stopped) {
      stopped = true;
      error =
          sqlite_message(db, std::string("binding a cell of ") + std::string(table_name(current)));
    }
  }

  void begin_row(table t) {
    if (skip()) return;
    current = t;
    row = (*inserts)[static_cast<std::size_t>(t)];
    sqlite3_reset(row);
  }
  void cell(std::size_t c, null_cell) {
    if (!skip()) check(sqlite3_bind_null(row, index(c)));
  }
  void cell(std::size_t c, std::string_view s) {
    // The text lives in the event, which outlives the step: no copy. A null pointer would bind
    // NULL, so an empty string points at a literal.
    if (!skip()) {
      check(sqlite3_bind_text(row, index(c), s.empty() ? "" : s.data(), static_cast<int>(s.size()),
                              SQLITE_STATIC));
    }
  }
  void cell(std::size_t c, std::int64_t i) {
    if (!skip()) check(sqlite3_bind_int64(row, index(c), i));
  }
  void cell(std::size_t c, double d) {
    if (!skip()) check(sqlite3_bind_double(row, index(c), d));
  }
  void cell(std::size_t c, bool b) {
    if (!skip()) check(sqlite3_bind_int(row, index(c), b ? 1 : 0));
  }
  void cell(std::size_t c, timestamp t) {
    if (skip()) return;
    char text[timestamp::max_chars];
    const std::size_t n = t.to_chars(text);
    check(sqlite3_bind_text(row, index(c), text, static_cast<int>(n), SQLITE_TRANSIENT));
  }
  void cell(std::size_t c, json_cell j) {
    // The scratch buffer is reused by the next JSON cell before the step: SQLite copies.
    if (!skip()) {
      check(sqlite3_bind_text(row, index(c), j.text.empty() ? "" : j.text.data(),
                              static_cast<int>(j.text.size()), SQLITE_TRANSIENT));
    }
  }
  void end_row() {
    if (skip()) return;
    const int rc = sqlite3_step(row);
    sqlite3_reset(row);
    if (rc != SQLITE_DONE) {
      stopped = true;
      error = sqlite_message(db, std::string("inserting into ") + std::string(table_name(current)));
      return;
    }
    if (current == table::events && sqlite3_changes(db) == 0) {
      stopped = true;
      duplicate = true;
    }
  }
};

}  // namespace

std::string receiver_tables_ddl() { return std::string(receiver_ddl); }

struct sqlite_store::impl {
  sqlite3* db = nullptr;
  std::array<sqlite3_stmt*, table_count> inserts = {};
  sqlite3_stmt* insert_other = nullptr;
  sqlite3_stmt* insert_quarantine = nullptr;
  sqlite3_stmt* savepoint = nullptr;  // per event: SAVEPOINT, RELEASE, ROLLBACK TO
  sqlite3_stmt* release = nullptr;
  sqlite3_stmt* rollback_to = nullptr;
  row_scratch scratch;

  ~impl() { close(); }

  void close() noexcept {
    for (auto*& s : inserts) {
      sqlite3_finalize(s);
      s = nullptr;
    }
    for (sqlite3_stmt** s :
         {&insert_other, &insert_quarantine, &savepoint, &release, &rollback_to}) {
      sqlite3_finalize(*s);
      *s = nullptr;
    }
    if (db != nullptr) {
      // An open transaction is rolled back by closing.
      sqlite3_close_v2(db);
      db = nullptr;
    }
  }

  /// Runs SQL without results; the message is empty on success.
  std::string exec(const char* sql, std::string_view doing = {}) {
    char* raw = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &raw) == SQLITE_OK) return {};
    std::string m = "sqlite: ";
    m += raw != nullptr ? raw : sqlite3_errmsg(db);
    sqlite3_free(raw);
    if (!doing.empty()) {
      m += " (";
      m += doing;
      m += ')';
    }
    return m;
  }

  /// The single integer a query returns, or -1 with `error` set.
  long long query_int(const char* sql, std::string& error) {
    sqlite3_stmt* s = nullptr;
    long long value = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
      error = sqlite_message(db, sql);
    } else if (sqlite3_step(s) == SQLITE_ROW) {
      value = sqlite3_column_int64(s, 0);
    } else {
      error = sqlite_message(db, sql);
    }
    sqlite3_finalize(s);
    return value;
  }

  /// Runs a prepared statement without results; the message is empty on success.
  std::string run(sqlite3_stmt* s, std::string_view doing) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? std::string() : sqlite_message(db, doing);
  }

  std::string prepare(const std::string& sql, sqlite3_stmt*& out) {
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()) + 1,
                           SQLITE_PREPARE_PERSISTENT, &out, nullptr) != SQLITE_OK) {
      return sqlite_message(db, "preparing " + sql.substr(0, 40));
    }
    return {};
  }
};

sqlite_store::sqlite_store() = default;
sqlite_store::~sqlite_store() { close(); }
sqlite_store::sqlite_store(sqlite_store&&) noexcept = default;
sqlite_store& sqlite_store::operator=(sqlite_store&&) noexcept = default;

bool sqlite_store::is_open() const noexcept { return impl_ != nullptr && impl_->db != nullptr; }
sqlite3* sqlite_store::handle() const noexcept { return impl_ ? impl_->db : nullptr; }

void sqlite_store::close() noexcept {
  if (impl_) impl_->close();
  impl_.reset();
  in_batch_ = false;
  batch_stored_ = batch_duplicates_ = 0;
}

status sqlite_store::open(const std::string& path, const options& opts) {
  close();
  auto p = std::make_unique<impl>();
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &p->db, flags, nullptr) != SQLITE_OK) {
    return {sqlite_message(p->db, "opening " + path)};
  }
  sqlite3_extended_result_codes(p->db, 1);
  sqlite3_busy_timeout(p->db, opts.busy_timeout_ms);

  // WAL: readers (serve's queries) do not block the writer. A database that cannot use it (a
  // private in-memory one) keeps its mode.
  if (auto m = p->exec("PRAGMA journal_mode = WAL", "setting WAL mode"); !m.empty()) return {m};
  const char* sync = opts.synchronous == options::sync_mode::full ? "PRAGMA synchronous = FULL"
                                                                  : "PRAGMA synchronous = NORMAL";
  if (auto m = p->exec(sync); !m.empty()) return {m};
  if (auto m = p->exec("PRAGMA foreign_keys = ON"); !m.empty()) return {m};

  // Create the tables once, under the write lock, so two processes opening a new file at once
  // do not both create them.
  if (auto m = p->exec("BEGIN IMMEDIATE", "opening " + path); !m.empty()) return {m};
  std::string error;
  const long long version = p->query_int("PRAGMA user_version", error);
  if (!error.empty()) {
    p->exec("ROLLBACK");
    return {error};
  }
  if (version == 0) {
    const std::string ddl = sqlite_ddl() + std::string(receiver_ddl) +
                            "PRAGMA user_version = " + std::to_string(schema_version) + ";\n";
    if (auto m = p->exec(ddl.c_str(), "creating the tables in " + path); !m.empty()) {
      p->exec("ROLLBACK");
      return {m};
    }
  } else if (version != schema_version) {
    p->exec("ROLLBACK");
    return {"database " + path + " has livesend schema version " + std::to_string(version) +
            " (PRAGMA user_version), this program reads and writes version " +
            std::to_string(schema_version) + ": use another database file"};
  }
  if (auto m = p->exec("COMMIT", "creating the tables in " + path); !m.empty()) {
    p->exec("ROLLBACK");
    return {m};
  }

  for (table t : all_tables) {
    if (auto m = p->prepare(insert_sql(t), p->inserts[static_cast<std::size_t>(t)]); !m.empty()) {
      return {m};
    }
  }
  if (auto m = p->prepare(
          "INSERT INTO other_version_events (id, version, body, received_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (id) DO NOTHING",
          p->insert_other);
      !m.empty()) {
    return {m};
  }
  if (auto m = p->prepare("INSERT INTO quarantine (body, error, received_at) VALUES (?, ?, ?)",
                          p->insert_quarantine);
      !m.empty()) {
    return {m};
  }
  for (auto [sql, stmt] : {std::pair{"SAVEPOINT livesend_event", &p->savepoint},
                           std::pair{"RELEASE livesend_event", &p->release},
                           std::pair{"ROLLBACK TO livesend_event", &p->rollback_to}}) {
    if (auto m = p->prepare(sql, *stmt); !m.empty()) return {m};
  }
  impl_ = std::move(p);
  return {};
}

status sqlite_store::begin() {
  if (!is_open()) return {"the store is not open"};
  if (in_batch_) return {"a batch is open already"};
  // IMMEDIATE: take the write lock now, not at the first insert, so a busy database fails here.
  if (auto m = impl_->exec("BEGIN IMMEDIATE", "beginning a batch"); !m.empty()) return {m};
  in_batch_ = true;
  batch_stored_ = batch_duplicates_ = 0;
  return {};
}

status sqlite_store::commit() {
  if (!is_open()) return {"the store is not open"};
  if (!in_batch_) return {"no batch is open"};
  if (auto m = impl_->exec("COMMIT", "committing the batch"); !m.empty()) {
    impl_->exec("ROLLBACK");
    in_batch_ = false;
    batch_stored_ = batch_duplicates_ = 0;
    return {m + ": the batch was rolled back"};
  }
  in_batch_ = false;
  stored_ += batch_stored_;
  duplicates_ += batch_duplicates_;
  batch_stored_ = batch_duplicates_ = 0;
  return {};
}

status sqlite_store::rollback() {
  if (!is_open()) return {"the store is not open"};
  if (!in_batch_) return {"no batch is open"};
  in_batch_ = false;
  batch_stored_ = batch_duplicates_ = 0;
  if (auto m = impl_->exec("ROLLBACK", "rolling back the batch"); !m.empty()) return {m};
  return {};
}

template <class S>
store_result sqlite_store::store_event(const basic_event<S>& ev) {
  if (!is_open()) return {outcome::failed, "the store is not open"};
  // A savepoint per event: its rows all or none, whether or not a batch is open (without one,
  // the savepoint is the transaction and RELEASE commits it).
  if (auto m = impl_->run(impl_->savepoint, "starting an event"); !m.empty()) {
    return {outcome::failed, m};
  }
  binder b;
  b.db = impl_->db;
  b.inserts = &impl_->inserts;
  for_each_row(ev, b, impl_->scratch);
  if (!b.error.empty()) {
    impl_->run(impl_->rollback_to, {});
    impl_->run(impl_->release, {});
    return {outcome::failed, b.error + " in event " + std::string(ev.id)};
  }
  if (auto m = impl_->run(impl_->release, "committing the event"); !m.empty()) {
    impl_->run(impl_->rollback_to, {});
    impl_->run(impl_->release, {});
    return {outcome::failed, m};
  }
  auto& stored = in_batch_ ? batch_stored_ : stored_;
  auto& duplicates = in_batch_ ? batch_duplicates_ : duplicates_;
  if (b.duplicate) {
    ++duplicates;
    return {outcome::duplicate, {}};
  }
  ++stored;
  return {outcome::stored, {}};
}

store_result sqlite_store::store(const event& ev) { return store_event(ev); }
store_result sqlite_store::store(const event_view& ev) { return store_event(ev); }

namespace {
int bind_text(sqlite3_stmt* s, int i, std::string_view text) {
  return sqlite3_bind_text(s, i, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                           SQLITE_TRANSIENT);
}
int bind_time(sqlite3_stmt* s, int i, timestamp t) {
  char text[timestamp::max_chars];
  return bind_text(s, i, std::string_view(text, t.to_chars(text)));
}
}  // namespace

store_result sqlite_store::store_other_version(std::string_view id, std::string_view version,
                                               std::string_view body, timestamp received_at) {
  if (!is_open()) return {outcome::failed, "the store is not open"};
  sqlite3_stmt* s = impl_->insert_other;
  sqlite3_reset(s);
  if (bind_text(s, 1, id) != SQLITE_OK || bind_text(s, 2, version) != SQLITE_OK ||
      bind_text(s, 3, body) != SQLITE_OK || bind_time(s, 4, received_at) != SQLITE_OK ||
      sqlite3_step(s) != SQLITE_DONE) {
    std::string m = sqlite_message(impl_->db, "storing an event of another version");
    sqlite3_reset(s);
    return {outcome::failed, m};
  }
  sqlite3_reset(s);
  if (sqlite3_changes(impl_->db) == 0) return {outcome::duplicate, {}};
  return {outcome::stored, {}};
}

status sqlite_store::quarantine(std::string_view body, std::string_view error,
                                timestamp received_at) {
  if (!is_open()) return {"the store is not open"};
  sqlite3_stmt* s = impl_->insert_quarantine;
  sqlite3_reset(s);
  if (sqlite3_bind_blob(s, 1, body.empty() ? "" : body.data(), static_cast<int>(body.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK ||
      bind_text(s, 2, error) != SQLITE_OK || bind_time(s, 3, received_at) != SQLITE_OK ||
      sqlite3_step(s) != SQLITE_DONE) {
    std::string m = sqlite_message(impl_->db, "storing a body in quarantine");
    sqlite3_reset(s);
    return {m};
  }
  sqlite3_reset(s);
  return {};
}

}  // namespace livesend::store
