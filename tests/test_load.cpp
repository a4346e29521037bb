// tests/test_load.cpp: `livesend load --db FILE`, run as a process: the tables equal the store's
// own of the same events, exactly once per id (a second load changes nothing, duplicates
// counted), bad records reported and the good ones stored, a database of another schema version
// refused, and a load killed (SIGKILL) at several points then run again equal to a clean load.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "cli_process.hpp"
#include "livesend/livesend.hpp"
#include "livesend/tables.hpp"
#include "sqlite_store.hpp"
#include "support.hpp"
#include "table_rows.hpp"

namespace {

using livesend::table;

/// An open database, closed at the end of the scope.
struct db_handle {
  sqlite3* db = nullptr;
  explicit db_handle(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  }
  ~db_handle() { sqlite3_close_v2(db); }
  db_handle(const db_handle&) = delete;
  db_handle& operator=(const db_handle&) = delete;

  long long integer(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const long long n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
  }
  std::string text(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    std::string out(p == nullptr ? "" : p);
    sqlite3_finalize(s);
    return out;
  }
  void exec(const std::string& sql) const {
    INFO(sql);
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
};

std::string order_of(table t) {
  return t == table::events  ? "id"
         : t == table::pages ? "event_id, session_idx, idx"
                             : "event_id, idx";
}

/// Every row of the five tables in key order, each value with its SQLite type.
std::string dump(const std::string& path) {
  const db_handle h(path);
  std::string out;
  for (table t : livesend::all_tables) {
    out += std::string(livesend::table_name(t)) + ":\n";
    const std::string sql =
        "SELECT * FROM " + std::string(livesend::table_name(t)) + " ORDER BY " + order_of(t);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h.db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_NULL:
            out += "null";
            break;
          case SQLITE_INTEGER:
            out += fmt::format("i:{}", sqlite3_column_int64(s, c));
            break;
          case SQLITE_FLOAT:
            out += fmt::format("d:{}", sqlite3_column_double(s, c));
            break;
          default:
            out += "s:";
            out += reinterpret_cast<const char*>(sqlite3_column_text(s, c));
        }
        out += '|';
      }
      out += '\n';
    }
    sqlite3_finalize(s);
  }
  return out;
}

/// The events of the files (relative to tests/data) stored with the store itself into `path`.
void store_directly(const std::vector<std::string>& files, const std::string& path) {
  livesend::store::sqlite_store db;
  REQUIRE(db.open(path).ok());
  livesend::parser parser;
  livesend::event scratch;
  for (const std::string& file : files) {
    const std::string text = test::read_file(test::data_path(file));
    livesend::parse_stream(
        parser, std::string_view(text), scratch,
        [&](const livesend::stream_record&, const livesend::error& err, const livesend::event& ev) {
          if (!err) REQUIRE(db.store(ev).ok());
        });
  }
}

std::string report(long long read, long long stored, long long duplicates, long long rejected) {
  return fmt::format(
      "{} records read, {} events stored, {} duplicates skipped, {} records rejected\n", read,
      stored, duplicates, rejected);
}

const std::string seed = "seed-session-summary-v3.json";

}  // namespace

TEST_CASE("load stores the events once; loading again leaves the same tables", "[cli][load]") {
  const test::temp_dir dir("load-twice");
  const std::string db = dir / "events.db";
  const std::string files = seed + " cli/two-events.json";  // the seed twice: a duplicate
  const test::process_result first =
      test::run_cli("load --db " + test::shell_quote(db) + " " + files);
  CHECK(first.status == 0);
  CHECK(first.out.empty());
  CHECK(first.err == report(3, 2, 1, 0));

  store_directly({seed, "cli/two-events.json"}, dir / "expected.db");
  const std::string tables = dump(db);
  CHECK(tables == dump(dir / "expected.db"));
  {
    const db_handle h(db);
    CHECK(h.text("PRAGMA journal_mode") == "wal");
    CHECK(h.integer("SELECT count(*) FROM events") == 2);
    CHECK(h.integer("SELECT count(*) FROM pages") == 4);
  }

  const test::process_result again =
      test::run_cli("load --db " + test::shell_quote(db) + " " + files);
  CHECK(again.status == 0);
  CHECK(again.err == report(3, 0, 3, 0));
  CHECK(dump(db) == tables);

  SECTION("from standard input too") {
    const test::process_result piped =
        test::run_shell("cat " + files + " | \"$LIVESEND\" load --db " + test::shell_quote(db));
    CHECK(piped.status == 0);
    CHECK(piped.err == report(3, 0, 3, 0));
    CHECK(dump(db) == tables);
  }
}

TEST_CASE("load stores the good events of a file with bad records, reports the bad",
          "[cli][load]") {
  const test::temp_dir dir("load-mixed");
  const std::string db = dir / "events.db";
  const test::process_result r =
      test::run_cli("load --db " + test::shell_quote(db) + " cli/mixed.ndjson");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "cli/mixed.ndjson:2:3227: data.TotalContent: expected an integer, found a string\n"
        "cli/mixed.ndjson:3:3533: offset 10664: expected ':' after object key\n" +
            report(4, 2, 0, 2));
  const db_handle h(db);
  CHECK(h.integer("SELECT count(*) FROM events") == 2);
  CHECK(h.integer(
            "SELECT count(*) FROM events WHERE id = 'e40bbaab-f86e-e62b-d3c9-000000000004'") == 1);
}

TEST_CASE("load refuses a database of another schema version", "[cli][load]") {
  const test::temp_dir dir("load-version");
  const std::string db = dir / "other.db";
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "CREATE TABLE t (x); PRAGMA user_version = 7;", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  const test::process_result r = test::run_cli("load --db " + test::shell_quote(db) + " " + seed);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "livesend: " + db + ": database " + db +
                     " has livesend schema version 7 (PRAGMA user_version), this program reads "
                     "and writes version 1: use another database file\n");
  const db_handle h(db);
  CHECK(h.integer("PRAGMA user_version") == 7);
  CHECK(h.integer("SELECT count(*) FROM sqlite_master WHERE name = 'events'") == 0);

  SECTION("and a file that is not a database") {
    const test::process_result bad = test::run_cli("load --db " + seed + " " + seed);
    CHECK(bad.status == 2);
    CHECK(bad.err.find("livesend: " + seed + ": sqlite: file is not a database") == 0);
  }
}

TEST_CASE("load killed at several points, then run again: every event exactly once",
          "[cli][load][crash]") {
  const test::temp_dir dir("load-crash");
  constexpr int events = 20000;
  // The seed on one line, with its id and data.InteractionId rewritten for each event.
  std::string line = test::seed();
  line.erase(std::remove(line.begin(), line.end(), '\n'), line.end());
  const std::string id = "e40bbaab-f86e-e62b-d3c9-5104734edb18";
  const std::string interaction = "89214603-0be5-4f78-86e3-fba72bdef6c3";
  const std::size_t id_at = line.find(id);
  const std::size_t interaction_at = line.find(interaction);
  REQUIRE(id_at != std::string::npos);
  REQUIRE(interaction_at != std::string::npos);
  REQUIRE(interaction_at < id_at);
  const std::string input = dir / "events.ndjson";
  {
    std::FILE* f = std::fopen(input.c_str(), "wb");
    REQUIRE(f != nullptr);
    for (int i = 0; i < events; ++i) {
      const std::string suffix = fmt::format("{:012d}", i);
      std::string text = line.substr(0, interaction_at);
      text += interaction.substr(0, interaction.size() - 12) + suffix;
      text += line.substr(interaction_at + interaction.size(),
                          id_at - interaction_at - interaction.size());
      text += id.substr(0, id.size() - 12) + suffix;
      text += line.substr(id_at + id.size());
      text += '\n';
      REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
    }
    REQUIRE(std::fclose(f) == 0);
  }
  // The rows of one event in each table: every copy has the seed's.
  std::vector<long long> rows_per_event(livesend::table_count, 0);
  {
    livesend::parser parser;
    livesend::event ev;
    REQUIRE(parser.parse(test::seed(), ev).ok());
    for (const auto& row : test::rows_of(ev)) ++rows_per_event[static_cast<std::size_t>(row.table)];
  }

  const std::string db = dir / "killed.db";
  const std::string cli = test::cli_path();
  // Whatever the moment of the kill, the database holds whole events only.
  auto check_whole_events = [&](long long& stored) {
    stored = 0;
    // Killed before it made the database (a slow start: under ASan, say): nothing to check.
    if (!std::filesystem::exists(db)) return;
    const db_handle h(db);
    CHECK(h.text("PRAGMA integrity_check") == "ok");
    // Killed before its tables were made (one transaction): no table, no row.
    if (h.integer("SELECT count(*) FROM sqlite_master WHERE name = 'events'") == 0) return;
    stored = h.integer("SELECT count(*) FROM events");
    CHECK(stored <= events);
    for (table t : livesend::all_tables) {
      INFO(livesend::table_name(t));
      CHECK(h.integer("SELECT count(*) FROM " + std::string(livesend::table_name(t))) ==
            stored * rows_per_event[static_cast<std::size_t>(t)]);
    }
  };

  // The events committed so far, read while a load runs (WAL: a reader does not block it); -1
  // while the database is not there yet.
  auto committed = [&]() -> long long {
    sqlite3* raw = nullptr;
    long long n = -1;
    if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM events", -1, &s, nullptr) == SQLITE_OK &&
          sqlite3_step(s) == SQLITE_ROW) {
        n = sqlite3_column_int64(s, 0);
      }
      sqlite3_finalize(s);
    }
    sqlite3_close_v2(raw);
    return n;
  };
  auto wal_size = [&]() -> std::uintmax_t {
    std::error_code ec;
    const std::uintmax_t n = std::filesystem::file_size(db + "-wal", ec);
    return ec ? 0 : n;
  };

  // When to kill: after a time; once the WAL has grown (a batch is being written, not yet
  // committed); or once more events are committed (just after a commit) — each then after an
  // extra delay. Bounded: at most 8 runs, each waiting at most 30 s; 4 kills that land are enough.
  enum class trigger { time, wal_grows, commit };
  struct kill_point {
    trigger when;
    int extra_ms;
  };
  int kills = 0;
  long long stored = 0;
  bool partial = false;  // a kill left some events stored, not all
  for (const kill_point point :
       {kill_point{trigger::time, 200}, kill_point{trigger::wal_grows, 0},
        kill_point{trigger::commit, 0}, kill_point{trigger::wal_grows, 150},
        kill_point{trigger::commit, 40}, kill_point{trigger::time, 1000},
        kill_point{trigger::time, 500}, kill_point{trigger::time, 100}}) {
    if (kills >= 4) break;
    const long long committed_before = std::max(0LL, committed());
    const std::uintmax_t wal_before = wal_size();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(cli.c_str(), "livesend", "load", "--db", db.c_str(), input.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int wait_status = 0;
    bool ended = false;
    while (point.when != trigger::time && std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid, &wait_status, WNOHANG) == pid) {
        ended = true;
        break;
      }
      if (point.when == trigger::wal_grows ? wal_size() > wal_before
                                           : committed() > committed_before) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!ended) {
      std::this_thread::sleep_for(std::chrono::milliseconds(point.extra_ms));
      ::kill(pid, SIGKILL);
      REQUIRE(::waitpid(pid, &wait_status, 0) == pid);
    }
    const bool killed = WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL;
    if (!killed) {
      // It ended first: then it must have succeeded.
      REQUIRE(WIFEXITED(wait_status));
      REQUIRE(WEXITSTATUS(wait_status) == 0);
    }
    kills += killed ? 1 : 0;
    INFO("kill point " << static_cast<int>(point.when) << " + " << point.extra_ms << " ms: killed "
                       << killed);
    const long long before = stored;
    check_whole_events(stored);
    CHECK(stored >= before);  // what a killed run committed stays
    partial = partial || (killed && stored > 0 && stored < events);
  }
  CHECK(kills >= 3);
  CHECK(partial);

  const test::process_result finish =
      test::run_cli("load --db " + test::shell_quote(db) + " " + test::shell_quote(input));
  CHECK(finish.status == 0);
  CHECK(finish.err == report(events, events - stored, stored, 0));
  const std::string clean = dir / "clean.db";
  const test::process_result fresh =
      test::run_cli("load --db " + test::shell_quote(clean) + " " + test::shell_quote(input));
  CHECK(fresh.status == 0);
  CHECK(fresh.err == report(events, events, 0, 0));

  const db_handle h(db);
  h.exec("ATTACH DATABASE " + fmt::format("'{}'", clean) + " AS clean");
  CHECK(h.integer("SELECT count(DISTINCT id) FROM events") == events);
  CHECK(h.integer("SELECT count(*) FROM events WHERE id NOT LIKE 'e40bbaab-f86e-e62b-d3c9-%'") ==
        0);
  for (table t : livesend::all_tables) {
    const std::string name(livesend::table_name(t));
    INFO(name);
    const long long n = h.integer("SELECT count(*) FROM main." + name);
    CHECK(n == events * rows_per_event[static_cast<std::size_t>(t)]);
    CHECK(n == h.integer("SELECT count(*) FROM clean." + name));
    // The same rows: nothing in one that is not in the other (keys are unique in both).
    CHECK(h.integer("SELECT count(*) FROM (SELECT * FROM main." + name +
                    " EXCEPT SELECT * FROM clean." + name + ")") == 0);
    CHECK(h.integer("SELECT count(*) FROM (SELECT * FROM clean." + name +
                    " EXCEPT SELECT * FROM main." + name + ")") == 0);
  }
}
