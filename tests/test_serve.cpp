// tests/test_serve.cpp: `livesend serve`, run as a real process on loopback and spoken to with a
// real HTTP client (cpp-httplib's), the database read back with SQLite (read-only).
//
// LIVESEND_CLI_PATH names the tool, LIVESEND_TEST_DATA_DIR the tests/data folder. Every wait is
// bounded in time and every loop in count; Catch's assertions run on the main thread only.
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "livesend/webhook.hpp"

#ifndef LIVESEND_CLI_PATH
#error "LIVESEND_CLI_PATH must name the livesend executable (a string literal)"
#endif
#ifndef LIVESEND_TEST_DATA_DIR
#error "LIVESEND_TEST_DATA_DIR must name the tests/data folder (a string literal)"
#endif

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

constexpr const char* secret = "test-secret-\xc3\xa9";  // UTF-8 bytes are the key
constexpr const char* previous_secret = "the-previous-one";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const std::string& seed() {
  static const std::string text =
      read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "seed-session-summary-v3.json");
  return text;
}

/// The seed with its `id` and its `data.InteractionId` replaced (a distinct event).
std::string event_with_id(const std::string& id) {
  std::string body = seed();
  const auto replace = [&](const std::string& from, const std::string& to) {
    const std::size_t at = body.find(from);
    REQUIRE(at != std::string::npos);
    body.replace(at, from.size(), to);
  };
  replace("\"e40bbaab-f86e-e62b-d3c9-5104734edb18\"", "\"" + id + "\"");
  replace("\"89214603-0be5-4f78-86e3-fba72bdef6c3\"", "\"interaction-" + id + "\"");
  return body;
}

/// A private folder per test case, removed at the end.
struct temp_dir {
  fs::path path;
  temp_dir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("livesend-test-serve-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

/// `livesend serve` as a child process, its stderr in a file.
class server {
 public:
  server(const fs::path& dir, std::vector<std::string> args)
      : log_(dir / ("serve-" + std::to_string(++instances) + ".log")) {
    if (std::find(args.begin(), args.end(), "--listen") == args.end()) {
      args.insert(args.begin(), {"--listen", "127.0.0.1:0"});
    }
    args.insert(args.begin(), {LIVESEND_CLI_PATH, "serve"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    const int rc = posix_spawn(&pid_, LIVESEND_CLI_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
  }
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int ignored = 0;
      ::waitpid(pid_, &ignored, 0);
    }
  }

  /// The port it listens on, read from its line `livesend: listening on 127.0.0.1:PORT`; 0 if
  /// it exits or says nothing within the time.
  int wait_for_port(std::chrono::seconds limit = 30s) {
    const auto end = steady_clock::now() + limit;
    const std::string marker = "livesend: listening on 127.0.0.1:";
    while (steady_clock::now() < end && pid_ > 0) {
      const std::string text = read_file(log_);
      const std::size_t at = text.rfind(marker);
      if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
        return std::stoi(text.substr(at + marker.size()));
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return 0;
      }
      std::this_thread::sleep_for(10ms);
    }
    return 0;
  }

  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  /// Waits for the process to end: its exit status, -1 if killed by a signal, -2 on timeout.
  int wait(std::chrono::seconds limit = 40s) {
    if (pid_ <= 0) return exit_status_;
    const auto end = steady_clock::now() + limit;
    while (steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return exit_status_;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -2;
  }

  std::string log() const { return read_file(log_); }

 private:
  static inline int instances = 0;  // a log file each
  fs::path log_;
  pid_t pid_ = -1;
  int exit_status_ = -3;
};

/// Runs the tool to its end (for usage errors): its exit status.
int run_to_end(const fs::path& dir, std::vector<std::string> args) {
  server s(dir, std::move(args));
  return s.wait();
}

std::unique_ptr<httplib::Client> client(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_connection_timeout(2, 0);
  c->set_read_timeout(15, 0);
  c->set_write_timeout(5, 0);
  c->set_keep_alive(true);
  return c;
}

httplib::Headers signed_with(const std::string& body, const char* key = secret) {
  return {{"x-seismic-signature", livesend::signature_hex(body, key)}};
}

/// A database opened read-only.
class database {
 public:
  explicit database(const fs::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      FAIL("cannot open " << path << ": " << sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database() { sqlite3_close(db_); }

  /// The first column of every row of `sql`, as text.
  std::vector<std::string> column(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    std::vector<std::string> out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      FAIL(sql << ": " << sqlite3_errmsg(db_));
    }
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const auto* text = sqlite3_column_blob(s, 0);
      out.emplace_back(text != nullptr ? static_cast<const char*>(text) : "",
                       static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) FAIL(sql << ": " << sqlite3_errmsg(db_));
    return out;
  }

  long long count(const std::string& sql) const { return std::stoll(column(sql).at(0)); }

 private:
  sqlite3* db_ = nullptr;
};

long long rows(const database& db, const std::string& table) {
  return db.count("SELECT COUNT(*) FROM " + table);
}

/// The tables with an `event_id` column (the event's child rows).
std::vector<std::string> child_tables(const database& db) {
  std::vector<std::string> out;
  for (const std::string& t :
       db.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
    if (db.count("SELECT COUNT(*) FROM pragma_table_info('" + t + "') WHERE name = 'event_id'") >
        0) {
      out.push_back(t);
    }
  }
  return out;
}

/// Every event of `ids` stored exactly once: one events row each, and each child table holding
/// the same number of rows per event as the first one.
void check_exactly_once(const database& db, const std::vector<std::string>& ids) {
  const auto n = static_cast<long long>(ids.size());
  CHECK(rows(db, "events") == n);
  CHECK(db.count("SELECT COUNT(DISTINCT id) FROM events") == n);
  std::set<std::string> stored;
  for (std::string& id : db.column("SELECT id FROM events")) stored.insert(std::move(id));
  std::size_t missing = 0;
  for (const std::string& id : ids) missing += stored.count(id) == 0 ? 1 : 0;
  CHECK(missing == 0);
  for (const std::string& t : child_tables(db)) {
    const long long per_event =
        db.count("SELECT COUNT(*) FROM " + t + " WHERE event_id = '" + ids.front() + "'");
    INFO("table " << t);
    CHECK(rows(db, t) == per_event * n);
  }
}

struct started {
  temp_dir dir;
  fs::path db_path;
  std::unique_ptr<server> proc;
  int port = 0;

  explicit started(std::vector<std::string> extra = {}) {
    db_path = dir.path / "events.db";
    write_file(dir.path / "secret", std::string(secret) + "\n");
    std::vector<std::string> args = {"--db", db_path.string(), "--secret-file",
                                     (dir.path / "secret").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    proc = std::make_unique<server>(dir.path, args);
    port = proc->wait_for_port();
    REQUIRE(port > 0);
  }
};

}  // namespace

TEST_CASE("serve: usage", "[serve]") {
  temp_dir dir;
  const std::string db = (dir.path / "x.db").string();
  // Without a secret and without --insecure-no-signature: refused.
  CHECK(run_to_end(dir.path, {"--db", db}) == 2);
  CHECK(!fs::exists(db));
  // A secret file that is missing, or empty.
  CHECK(run_to_end(dir.path, {"--db", db, "--secret-file", (dir.path / "none").string()}) == 2);
  write_file(dir.path / "empty", "\n");
  CHECK(run_to_end(dir.path, {"--db", db, "--secret-file", (dir.path / "empty").string()}) == 2);
  CHECK(run_to_end(dir.path, {"--db", db, "--insecure-no-signature", "--listen", "nowhere"}) == 2);
  // The secret never appears in what the tool says.
  write_file(dir.path / "secret", "s3cr3t-value\n");
  server s(dir.path, {"--db", db, "--secret-file", (dir.path / "secret").string(),
                      "--insecure-no-signature"});
  CHECK(s.wait() == 2);
  CHECK(s.log().find("s3cr3t") == std::string::npos);
}

TEST_CASE("serve: --insecure-no-signature accepts unsigned bodies", "[serve]") {
  temp_dir dir;
  const fs::path db = dir.path / "events.db";
  server s(dir.path, {"--db", db.string(), "--insecure-no-signature"});
  const int port = s.wait_for_port();
  REQUIRE(port > 0);
  auto c = client(port);
  auto r = c->Post("/", seed(), "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  s.signal(SIGTERM);
  CHECK(s.wait() == 0);
  database d(db);
  CHECK(rows(d, "events") == 1);
}

TEST_CASE("serve: every row of the contract", "[serve]") {
  started srv({"--max-body", "20000", "--path", "/hooks/seismic"});
  auto c = client(srv.port);
  const auto post = [&](const std::string& body, const std::string& path = "/hooks/seismic") {
    auto r = c->Post(path.c_str(), signed_with(body), body, "application/json");
    REQUIRE(r);
    return *r;
  };

  SECTION("challenges, old and new form") {
    const std::string old_form = R"({"type":"verification","challenge":"abc-123"})";
    auto r = post(old_form);
    CHECK(r.status == 200);
    CHECK(r.get_header_value("Content-Type") == "text/plain");
    CHECK(r.body == "abc-123");
    const std::string new_form =
        R"({"id":"c1","version":"WebhookChallengeV1","data":{"challenge":"x\"y"}})";
    r = post(new_form);
    CHECK(r.status == 200);
    CHECK(r.get_header_value("Content-Type") == "application/json");
    CHECK(r.body == R"({"challenge":"x\"y"})");
  }
  SECTION("a session summary, an event of another version, and bodies for the quarantine") {
    CHECK(post(seed()).status == 200);
    const std::string other = R"({"id":"other-1","version":"email-v3","data":{"x":1}})";
    CHECK(post(other).status == 200);
    CHECK(post("this is not json").status == 200);
    std::string broken = seed();
    const std::string total = "\"TotalContent\": 1";
    REQUIRE(broken.find(total) != std::string::npos);
    broken.replace(broken.find(total), total.size(), "\"TotalContent\": \"one\"");
    CHECK(post(broken).status == 200);
    srv.proc->signal(SIGTERM);
    CHECK(srv.proc->wait() == 0);

    database d(srv.db_path);
    CHECK(d.column("SELECT id FROM events") ==
          std::vector<std::string>{"e40bbaab-f86e-e62b-d3c9-5104734edb18"});
    CHECK(d.column("SELECT id || ' ' || version FROM other_version_events") ==
          std::vector<std::string>{"other-1 email-v3"});
    CHECK(d.column("SELECT body FROM other_version_events") == std::vector<std::string>{other});
    CHECK(d.column("SELECT body FROM quarantine ORDER BY seq") ==
          std::vector<std::string>{"this is not json", broken});
    const auto errors = d.column("SELECT error FROM quarantine ORDER BY seq");
    REQUIRE(errors.size() == 2);
    CHECK(errors[1].find("data.TotalContent") != std::string::npos);
    CHECK(d.count("SELECT COUNT(*) FROM quarantine WHERE received_at LIKE '20%Z'") == 2);
    // The log: one line per request, with the id, never a body.
    const std::string log = srv.proc->log();
    CHECK(log.find("id=e40bbaab-f86e-e62b-d3c9-5104734edb18") != std::string::npos);
    CHECK(log.find("outcome=quarantined") != std::string::npos);
    CHECK(log.find("this is not json") == std::string::npos);
    CHECK(log.find("Charlotte") == std::string::npos);
    CHECK(log.find(livesend::signature_hex(seed(), secret)) == std::string::npos);
  }
  SECTION("not authentic: 401 and nothing stored; other methods, paths and sizes") {
    auto r = c->Post("/hooks/seismic", seed(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 401);
    r = c->Post("/hooks/seismic", signed_with(seed(), "another secret"), seed(),
                "application/json");
    REQUIRE(r);
    CHECK(r->status == 401);
    r = c->Get("/hooks/seismic");
    REQUIRE(r);
    CHECK(r->status == 405);
    r = c->Put("/hooks/seismic", seed(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 405);
    CHECK(post(seed(), "/").status == 404);
    r = c->Get("/elsewhere");
    REQUIRE(r);
    CHECK(r->status == 404);
    r = c->Get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 200);
    const std::string big = event_with_id("big") + std::string(20000, ' ');
    auto big_client = client(srv.port);
    r = big_client->Post("/hooks/seismic", signed_with(big), big, "application/json");
    REQUIRE(r);
    CHECK(r->status == 413);
    srv.proc->signal(SIGTERM);
    CHECK(srv.proc->wait() == 0);
    database d(srv.db_path);
    CHECK(rows(d, "events") == 0);
    CHECK(rows(d, "quarantine") == 0);
    CHECK(rows(d, "other_version_events") == 0);
  }
}

TEST_CASE("serve: signatures", "[serve]") {
  temp_dir dir_for_previous;
  write_file(dir_for_previous.path / "previous", std::string(previous_secret) + "\r\n");
  started srv({"--previous-secret-file", (dir_for_previous.path / "previous").string()});
  auto c = client(srv.port);
  int n = 0;
  const auto post = [&](const httplib::Headers& headers, std::string body = {}) {
    if (body.empty()) body = event_with_id("sig-" + std::to_string(++n));
    auto r = c->Post("/", headers, body, "application/json");
    REQUIRE(r);
    return r->status;
  };
  const auto sig = [](const std::string& body, const char* key) {
    return livesend::signature_hex(body, key);
  };
  auto upper = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](char ch) {
      return static_cast<char>(ch >= 'a' && ch <= 'f' ? ch - 'a' + 'A' : ch);
    });
    return s;
  };
  std::string b = event_with_id("valid");
  CHECK(post({{"x-seismic-signature", sig(b, secret)}}, b) == 200);
  b = event_with_id("old-header");
  CHECK(post({{"x-seismic-signature", std::string(64, '0')},
              {"x-seismic-signature-old", sig(b, secret)}},
             b) == 200);
  b = event_with_id("previous-secret");
  CHECK(post({{"x-seismic-signature", sig(b, previous_secret)}}, b) == 200);
  b = event_with_id("previous-secret-old-header");
  CHECK(post({{"x-seismic-signature-old", sig(b, previous_secret)}}, b) == 200);
  b = event_with_id("upper");
  CHECK(post({{"x-seismic-signature", upper(sig(b, secret))}}, b) == 200);
  b = event_with_id("wrong");
  CHECK(post({{"x-seismic-signature", sig(b, "wrong")}}, b) == 401);
  b = event_with_id("other-body");
  CHECK(post({{"x-seismic-signature", sig(b + " ", secret)}}, b) == 401);
  CHECK(post({}) == 401);
  CHECK(post({{"x-seismic-signature", std::string(64, 'z')}}) == 401);
  CHECK(post({{"x-seismic-signature", sig(b, secret).substr(0, 63)}}, b) == 401);
  srv.proc->signal(SIGTERM);
  CHECK(srv.proc->wait() == 0);
  database d(srv.db_path);
  CHECK(d.column("SELECT id FROM events ORDER BY id") ==
        std::vector<std::string>{"old-header", "previous-secret", "previous-secret-old-header",
                                 "upper", "valid"});
}

TEST_CASE("serve: three deliveries of one event, one stored", "[serve]") {
  started srv;
  auto c = client(srv.port);
  for (int i = 0; i < 3; ++i) {
    auto r = c->Post("/", signed_with(seed()), seed(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  srv.proc->signal(SIGINT);
  CHECK(srv.proc->wait() == 0);
  database d(srv.db_path);
  check_exactly_once(d, {"e40bbaab-f86e-e62b-d3c9-5104734edb18"});
}

namespace {

/// Several connections posting signed unique events, each retried until it gets a 200 (as
/// Seismic does), bounded in attempts and time. The port may change (a restarted server).
struct load {
  std::vector<std::string> ids;
  std::vector<std::string> bodies;
  std::vector<std::string> signatures;
  std::atomic<int> port{0};
  std::atomic<long> acked{0};
  std::atomic<bool> give_up{false};
  std::atomic<bool> retry{true};
  std::mutex mutex;
  std::vector<std::size_t> acked_ids;  // under mutex
  std::vector<std::size_t> failed_ids;

  load(const std::string& prefix, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      ids.push_back(prefix + std::to_string(i));
      bodies.push_back(event_with_id(ids.back()));
      signatures.push_back(livesend::signature_hex(bodies.back(), secret));
    }
  }

  void run(std::size_t threads) {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) {
      pool.emplace_back([this, t, threads] { post_share(t, threads); });
    }
    for (std::thread& th : pool) th.join();
  }

  void post_share(std::size_t first, std::size_t step) {
    const auto deadline = steady_clock::now() + 120s;
    int connected_to = 0;
    std::unique_ptr<httplib::Client> c;
    for (std::size_t i = first; i < ids.size(); i += step) {
      bool ok = false;
      for (int attempt = 0; attempt < 400 && !ok && !give_up && steady_clock::now() < deadline;
           ++attempt) {
        if (attempt > 0) {
          if (!retry) break;
          std::this_thread::sleep_for(25ms);
        }
        const int p = port.load();
        if (p == 0) continue;
        if (!c || connected_to != p) {
          c = client(p);
          connected_to = p;
        }
        auto r =
            c->Post("/", {{"x-seismic-signature", signatures[i]}}, bodies[i], "application/json");
        if (r && r->status == 200) {
          ok = true;
        } else if (!r) {
          c.reset();  // a new connection next time
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      (ok ? acked_ids : failed_ids).push_back(i);
      if (ok) ++acked;
    }
  }

  std::vector<std::string> acked_now() {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::string> out;
    for (std::size_t i : acked_ids) out.push_back(ids[i]);
    return out;
  }
};

bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto end = steady_clock::now() + limit;
  while (!done()) {
    if (steady_clock::now() > end) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace

TEST_CASE("serve: nothing acknowledged is lost when the server is killed", "[serve]") {
  started srv;
  load gen("kill-", 2000);
  gen.port = srv.port;
  std::thread posting([&] { gen.run(8); });

  const bool enough = wait_until([&] { return gen.acked >= 300; }, 60s);
  srv.proc->signal(SIGKILL);
  CHECK(srv.proc->wait() == -1);
  gen.port = 0;  // nobody listens: the generator waits and retries
  const std::vector<std::string> acked_before_kill = gen.acked_now();
  INFO(acked_before_kill.size() << " events acknowledged before the kill");
  CHECK(enough);
  CHECK(acked_before_kill.size() >= 300);
  {
    // Every event that got a 200 is in the database the killed process left.
    database d(srv.db_path);
    std::set<std::string> stored;
    for (std::string& id : d.column("SELECT id FROM events")) stored.insert(std::move(id));
    std::size_t lost = 0;
    for (const std::string& id : acked_before_kill) lost += stored.count(id) == 0 ? 1 : 0;
    CHECK(lost == 0);
  }

  // Restarted on the same database; the generator retries what did not get a 200.
  server again(srv.dir.path,
               {"--db", srv.db_path.string(), "--secret-file", (srv.dir.path / "secret").string()});
  const int port = again.wait_for_port();
  CHECK(port > 0);
  if (port == 0) gen.give_up = true;
  gen.port = port;
  posting.join();
  CHECK(gen.failed_ids.empty());
  CHECK(gen.acked_ids.size() == gen.ids.size());
  again.signal(SIGTERM);
  CHECK(again.wait() == 0);

  database d(srv.db_path);
  check_exactly_once(d, gen.ids);
  CHECK(rows(d, "quarantine") == 0);
}

TEST_CASE("serve: SIGTERM during load exits 0 and keeps everything acknowledged", "[serve]") {
  started srv;
  load gen("term-", 1500);
  gen.retry = false;  // one try each: after the stop, the rest fail
  gen.port = srv.port;
  std::thread posting([&] { gen.run(8); });
  const bool enough = wait_until([&] { return gen.acked >= 200; }, 60s);
  srv.proc->signal(SIGTERM);
  const int status = srv.proc->wait();
  gen.give_up = true;
  posting.join();
  CHECK(enough);
  CHECK(status == 0);
  const std::vector<std::string> acked = gen.acked_now();
  INFO(acked.size() << " acknowledged, " << gen.failed_ids.size() << " not");
  CHECK(acked.size() >= 200);
  database d(srv.db_path);
  std::set<std::string> stored;
  for (std::string& id : d.column("SELECT id FROM events")) stored.insert(std::move(id));
  std::size_t lost = 0;
  for (const std::string& id : acked) lost += stored.count(id) == 0 ? 1 : 0;
  CHECK(lost == 0);
  CHECK(srv.proc->log().find("livesend: stopped (SIGTERM)") != std::string::npos);
}
