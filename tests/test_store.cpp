// tests/test_store.cpp: the tables' DDL in a real SQLite database, and the SQLite store of
// tools/livesend/store: every cell read back, exactly once per id, all-or-nothing events and
// batches, the schema version, the receiver's two extra tables.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "catch.hpp"
#include "livesend/parse.hpp"
#include "livesend/tables.hpp"
#include "sqlite_store.hpp"
#include "support.hpp"
#include "table_rows.hpp"

namespace {

using livesend::table;
namespace store = livesend::store;

/// A database file name of its own under the temp directory, removed (with its WAL files)
/// before and after.
struct temp_db {
  std::string path;
  explicit temp_db(const std::string& name) {
    path = (std::filesystem::temp_directory_path() /
            ("livesend-test-" + std::to_string(::getpid()) + "-" + name + ".db"))
               .string();
    remove();
  }
  ~temp_db() { remove(); }
  void remove() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove(path + suffix, ec);
    }
  }
};

/// One statement's rows, each value as test::cell_text per the column's contract type.
std::vector<test::recorded_row> read_table(sqlite3* db, table t, const std::string& where = "") {
  const auto cols = livesend::columns(t);
  std::string order = t == table::events  ? "id"
                      : t == table::pages ? "event_id, session_idx, idx"
                                          : "event_id, idx";
  const std::string sql =
      "SELECT * FROM " + std::string(livesend::table_name(t)) + " " + where + " ORDER BY " + order;
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(static_cast<std::size_t>(sqlite3_column_count(s)) == cols.size());
  std::vector<test::recorded_row> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    test::recorded_row row{t, {}};
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const int c = static_cast<int>(i);
      INFO(cols[i].name());
      CHECK(std::string_view(sqlite3_column_name(s, c)) == cols[i].name());
      const int type = sqlite3_column_type(s, c);
      if (type == SQLITE_NULL) {
        row.cells.push_back("null");
        continue;
      }
      const auto text = [&] {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
        return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
      };
      switch (cols[i].type) {
        case livesend::value_type::str:
          CHECK(type == SQLITE_TEXT);
          row.cells.push_back("s:" + text());
          break;
        case livesend::value_type::ts:
          CHECK(type == SQLITE_TEXT);
          row.cells.push_back("t:" + text());
          break;
        case livesend::value_type::raw:
        case livesend::value_type::str_array:
          CHECK(type == SQLITE_TEXT);
          row.cells.push_back("j:" + text());
          break;
        case livesend::value_type::int64:
          CHECK(type == SQLITE_INTEGER);
          row.cells.push_back(fmt::format("i:{}", sqlite3_column_int64(s, c)));
          break;
        case livesend::value_type::boolean:
          CHECK(type == SQLITE_INTEGER);
          CHECK(sqlite3_column_int64(s, c) >= 0);
          CHECK(sqlite3_column_int64(s, c) <= 1);
          row.cells.push_back(sqlite3_column_int64(s, c) != 0 ? "b:true" : "b:false");
          break;
        case livesend::value_type::num:
          CHECK(type == SQLITE_FLOAT);
          row.cells.push_back(fmt::format("d:{}", sqlite3_column_double(s, c)));
          break;
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  return rows;
}

long long count(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const long long n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

std::string text_of(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s, 0));
  std::string out(p == nullptr ? "" : p, static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
  sqlite3_finalize(s);
  return out;
}

long long rows_of_event(sqlite3* db, const std::string& id) {
  long long n = count(db, "SELECT count(*) FROM events WHERE id = '" + id + "'");
  for (table t : livesend::all_tables) {
    if (t == table::events) continue;
    n += count(db, "SELECT count(*) FROM " + std::string(livesend::table_name(t)) +
                       " WHERE event_id = '" + id + "'");
  }
  return n;
}

livesend::event seed_event(std::string_view id = {}) {
  livesend::parser parser;
  livesend::event ev;
  REQUIRE(parser.parse(test::seed(), ev).ok());
  if (!id.empty()) ev.id = std::string(id);
  return ev;
}

void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO((message != nullptr ? message : "") << "\n" << sql);
  sqlite3_free(message);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("the DDL creates the tables in SQLite as tables.hpp describes", "[store][ddl]") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  exec(db, livesend::sqlite_ddl());
  exec(db, livesend::sqlite_ddl(true));  // IF NOT EXISTS: a second run changes nothing
  for (table t : livesend::all_tables) {
    const auto cols = livesend::columns(t);
    INFO(livesend::table_name(t));
    sqlite3_stmt* s = nullptr;
    const std::string sql = "PRAGMA table_info(" + std::string(livesend::table_name(t)) + ")";
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    std::size_t i = 0;
    int key_columns = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      REQUIRE(i < cols.size());
      INFO(cols[i].name());
      CHECK(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)) == cols[i].name());
      CHECK(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)) ==
            livesend::sql_type_name(cols[i].sql()));
      CHECK((sqlite3_column_int(s, 3) != 0) == cols[i].not_null);
      CHECK((sqlite3_column_int(s, 5) != 0) == cols[i].key);
      key_columns += sqlite3_column_int(s, 5) != 0 ? 1 : 0;
      ++i;
    }
    sqlite3_finalize(s);
    CHECK(i == cols.size());
    CHECK(key_columns == (t == table::events ? 1 : t == table::pages ? 3 : 2));
  }
  CHECK(count(db,
              "SELECT count(*) FROM pragma_foreign_key_list('pages') "
              "WHERE \"table\" = 'content_sessions'") == 2);
  CHECK(count(db,
              "SELECT count(*) FROM pragma_foreign_key_list('participants') "
              "WHERE \"table\" = 'events' AND \"from\" = 'event_id' AND \"to\" = 'id'") == 1);
  sqlite3_close(db);
}

TEST_CASE("the store keeps every cell of the seed", "[store]") {
  temp_db file("cells");
  store::sqlite_store db;
  {
    const auto st = db.open(file.path);
    INFO(st.message);
    REQUIRE(st.ok());
  }
  const livesend::event ev = seed_event();
  const auto r = db.store(ev);
  INFO(r.message);
  REQUIRE(r.what == store::outcome::stored);
  CHECK(db.stored_count() == 1);

  const test::recording_sink expected = [&] {
    test::recording_sink s;
    livesend::for_each_row(ev, s);
    return s;
  }();
  for (table t : livesend::all_tables) {
    INFO(livesend::table_name(t));
    const auto rows = read_table(db.handle(), t);
    CHECK(rows.size() == 1);
    CHECK(rows == expected.of(t));
  }

  // The view flavour stores the same cells (under another id).
  livesend::parser parser;
  livesend::event_view view;
  const std::string other =
      test::seed_with("\"id\": \"e40bbaab-f86e-e62b-d3c9-5104734edb18\"", "\"id\": \"view-1\"");
  REQUIRE(parser.parse(other, view).ok());
  REQUIRE(db.store(view).what == store::outcome::stored);
  const auto view_rows = test::rows_of(view);
  for (table t : livesend::all_tables) {
    std::vector<test::recorded_row> expected_rows;
    for (const auto& row : view_rows) {
      if (row.table == t) expected_rows.push_back(row);
    }
    const std::string where =
        t == table::events ? "WHERE id = 'view-1'" : "WHERE event_id = 'view-1'";
    CHECK(read_table(db.handle(), t, where) == expected_rows);
  }

  // WAL mode, FULL by default.
  CHECK(text_of(db.handle(), "PRAGMA journal_mode") == "wal");
  CHECK(count(db.handle(), "PRAGMA synchronous") == 2);
  CHECK(count(db.handle(), "PRAGMA user_version") == store::sqlite_store::schema_version);

  // Reopened, the data is there, and NORMAL is an option.
  db.close();
  store::options normal;
  normal.synchronous = store::options::sync_mode::normal;
  REQUIRE(db.open(file.path, normal).ok());
  CHECK(count(db.handle(), "PRAGMA synchronous") == 1);
  CHECK(count(db.handle(), "SELECT count(*) FROM events") == 2);
}

TEST_CASE("an event is stored once: the next ones with its id are counted", "[store]") {
  store::sqlite_store db;
  REQUIRE(db.open(":memory:").ok());
  const livesend::event ev = seed_event();
  CHECK(db.store(ev).what == store::outcome::stored);
  CHECK(db.store(ev).what == store::outcome::duplicate);
  CHECK(db.stored_count() == 1);
  CHECK(db.duplicate_count() == 1);
  CHECK(rows_of_event(db.handle(), ev.id) == 5);

  // The first one stored wins, also within a batch.
  livesend::event changed = ev;
  changed.tenant_name = "changed";
  REQUIRE(db.begin().ok());
  CHECK(db.store(seed_event("batch-1")).what == store::outcome::stored);
  CHECK(db.store(changed).what == store::outcome::duplicate);
  CHECK(db.store(seed_event("batch-1")).what == store::outcome::duplicate);
  REQUIRE(db.commit().ok());
  CHECK(db.stored_count() == 2);
  CHECK(db.duplicate_count() == 3);
  CHECK(count(db.handle(), "SELECT count(*) FROM events") == 2);
  CHECK(text_of(db.handle(), "SELECT tenant_name FROM events WHERE id = '" + ev.id + "'") ==
        "demo");
}

TEST_CASE("a batch rolled back leaves nothing", "[store]") {
  store::sqlite_store db;
  REQUIRE(db.open(":memory:").ok());
  REQUIRE(db.begin().ok());
  CHECK(db.in_batch());
  CHECK_FALSE(db.begin().ok());  // one batch at a time
  CHECK(db.store(seed_event("a")).ok());
  CHECK(db.store(seed_event("b")).ok());
  REQUIRE(db.rollback().ok());
  CHECK_FALSE(db.in_batch());
  for (table t : livesend::all_tables) {
    CHECK(count(db.handle(), "SELECT count(*) FROM " + std::string(livesend::table_name(t))) == 0);
  }
  CHECK(db.stored_count() == 0);
  CHECK_FALSE(db.commit().ok());  // no batch
  // Then the same events store normally.
  CHECK(db.store(seed_event("a")).what == store::outcome::stored);
}

TEST_CASE("an event that fails half-way leaves none of its rows", "[store]") {
  temp_db file("half");
  store::sqlite_store db;
  REQUIRE(db.open(file.path).ok());
  // A trigger makes the insert of one particular page fail, after the event's first rows.
  exec(db.handle(),
       "CREATE TRIGGER no_page_99 BEFORE INSERT ON pages WHEN NEW.page_index = 99 "
       "BEGIN SELECT RAISE(ABORT, 'page 99 refused'); END");
  livesend::event bad = seed_event("bad");
  bad.data.content_sessions[0].pages[0].page_index = 99;

  REQUIRE(db.begin().ok());
  CHECK(db.store(seed_event("good-1")).what == store::outcome::stored);
  const auto r = db.store(bad);
  CHECK(r.what == store::outcome::failed);
  CHECK(r.message.find("page 99 refused") != std::string::npos);
  CHECK(r.message.find("pages") != std::string::npos);
  CHECK(r.message.find("bad") != std::string::npos);
  CHECK(db.store(seed_event("good-2")).what == store::outcome::stored);
  REQUIRE(db.commit().ok());
  CHECK(rows_of_event(db.handle(), "bad") == 0);
  CHECK(rows_of_event(db.handle(), "good-1") == 5);
  CHECK(rows_of_event(db.handle(), "good-2") == 5);

  // Outside a batch too.
  CHECK(db.store(bad).what == store::outcome::failed);
  CHECK(rows_of_event(db.handle(), "bad") == 0);
  CHECK(db.stored_count() == 2);
}

TEST_CASE("a database of another schema version is a clear error", "[store]") {
  temp_db file("version");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(file.path.c_str(), &raw) == SQLITE_OK);
    exec(raw, "PRAGMA user_version = 7");
    sqlite3_close(raw);
  }
  store::sqlite_store db;
  const auto st = db.open(file.path);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message.find(file.path) != std::string::npos);
  CHECK(st.message.find("schema version 7") != std::string::npos);
  CHECK(st.message.find("version 1") != std::string::npos);
  CHECK_FALSE(db.is_open());
  CHECK(db.store(seed_event()).what == store::outcome::failed);
  CHECK_FALSE(db.begin().ok());

  const auto unreadable = db.open("/nonexistent-dir/x.db");
  CHECK_FALSE(unreadable.ok());
  CHECK(unreadable.message.find("/nonexistent-dir/x.db") != std::string::npos);
}

TEST_CASE("other versions and quarantined bodies are kept as they came", "[store]") {
  store::sqlite_store db;
  REQUIRE(db.open(":memory:").ok());
  const auto at = livesend::parse_timestamp("2024-07-14T14:03:52.5Z").value();
  const std::string body = R"({"id":"x1","version":"email-v3","data":{ "a" : 1 }})";
  CHECK(db.store_other_version("x1", "email-v3", body, at).what == store::outcome::stored);
  CHECK(db.store_other_version("x1", "email-v3", body, at).what == store::outcome::duplicate);
  CHECK(count(db.handle(), "SELECT count(*) FROM other_version_events") == 1);
  CHECK(text_of(db.handle(), "SELECT body FROM other_version_events") == body);
  CHECK(text_of(db.handle(), "SELECT received_at FROM other_version_events") ==
        "2024-07-14T14:03:52.500000Z");

  const std::string bad("{\"id\": \xff\x00 oops", 14);
  REQUIRE(db.quarantine(bad, "invalid UTF-8 at byte 7", at).ok());
  REQUIRE(db.quarantine("", "empty input", at).ok());
  CHECK(count(db.handle(), "SELECT count(*) FROM quarantine") == 2);
  CHECK(text_of(db.handle(), "SELECT body FROM quarantine WHERE seq = 1") == bad);
  CHECK(text_of(db.handle(), "SELECT error FROM quarantine WHERE seq = 1") ==
        "invalid UTF-8 at byte 7");
  CHECK(text_of(db.handle(), "SELECT typeof(body) FROM quarantine WHERE seq = 2") == "blob");
  CHECK(store::receiver_tables_ddl().find("CREATE TABLE quarantine (") != std::string::npos);
}
