// tools/livesend/serve/serve.cpp: `livesend serve`, the webhook receiver (issue 14), which keeps
// the contract of receiver.md (docs/deployment.md says how to run it).
//
//   livesend serve --listen 127.0.0.1:8080 --db events.db --secret-file secret.txt
//
// Built only with LIVESEND_BUILD_SERVE (cpp-httplib, OpenSSL's libcrypto and SQLite found): this
// file is outside commands/ so that the tool without it still builds from commands/*.cpp, and
// main.cpp lists it in its table when LIVESEND_HAVE_SERVE is defined.
//
// Threads:
// - cpp-httplib's pool (--threads, one thread per connection while it is open) reads each
//   request, checks its signature, classifies it, answers challenges at once, and parses a
//   session summary with its own thread_local parser. The store work (an event to store, a body
//   of another version, a body for the quarantine) is handed to
// - ONE writer thread that owns the sqlite_store (synchronous FULL): it takes everything queued,
//   stores it all in one transaction and commits (a group commit), and only then wakes each
//   request thread, which answers 200 (or 500 if the commit failed: Seismic retries). Nothing is
//   acknowledged before the commit that holds it.
// - A signal thread waits for SIGTERM or SIGINT (blocked in every other thread), stops the server
//   (no new connection; each open one ends after its request in flight), and the main thread
//   then drains the writer and exits 0.
#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../command.hpp"
#include "../output.hpp"
#include "livesend/livesend.hpp"
#include "livesend/webhook.hpp"
#include "sqlite_store.hpp"

namespace livesend_cli {

namespace {

using steady = std::chrono::steady_clock;

// ---- Small pieces ----------------------------------------------------------------------------

/// A `--listen` address: `HOST:PORT` or `[IPV6]:PORT`; PORT 0 picks a free port.
struct listen_address {
  std::string host;
  int port = 0;
};

std::optional<listen_address> parse_listen(std::string_view text) {
  listen_address out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    out.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) return std::nullopt;  // IPv6 needs brackets
  }
  if (out.host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  for (const char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    out.port = out.port * 10 + (c - '0');
  }
  if (out.port > 65535) return std::nullopt;
  return out;
}

/// The secret a file holds, one trailing newline (LF or CRLF) stripped. Errors name the file,
/// never its content.
std::string read_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error{"cannot read the secret file", path};
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw usage_error{"cannot read the secret file", path};
  if (!secret.empty() && secret.back() == '\n') {
    secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  }
  if (secret.empty()) throw usage_error{"empty secret in", path};
  return secret;
}

/// A value for a log line: printable ASCII only (anything else becomes '?'), at most 80
/// characters, "-" when empty; a sender cannot forge lines or fill the log with it.
std::string log_safe(std::string_view text) {
  if (text.empty()) return "-";
  constexpr std::size_t max = 80;
  std::string out;
  out.reserve(text.size() < max ? text.size() : max + 3);
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c > 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (text.size() > max) out += "...";
  return out;
}

/// Whole lines to stderr, one write each, never interleaved.
class log_sink {
 public:
  void line(std::string_view text) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!text.empty()) {
      const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // a log that cannot be written does not stop the receiver
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  std::mutex mutex_;
};

livesend::timestamp now_timestamp() {
  using namespace std::chrono;
  return livesend::timestamp::from_time_point(time_point_cast<microseconds>(system_clock::now()));
}

/// The request's Content-Length, or nullopt when absent or not a number.
std::optional<std::uint64_t> content_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  const std::string text = req.get_header_value("Content-Length");
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::optional<std::string_view> header(const httplib::Request& req, std::string_view name) {
  const auto it = req.headers.find(std::string(name));  // the map compares case-insensitively
  if (it == req.headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

// ---- The writer: group commit ----------------------------------------------------------------

/// One body's store work. It lives on the request thread's stack, which waits until `done`; the
/// views point into that thread's buffers, which stay put while it waits.
struct job {
  enum class kind : std::uint8_t { summary, other_version, quarantine };
  kind what = kind::quarantine;
  const livesend::event_view* event = nullptr;  // summary
  std::string_view id, version;                 // other_version
  std::string_view body;                        // other_version, quarantine
  std::string_view error;                       // quarantine
  livesend::timestamp received_at;

  // Set by the writer before `done`.
  bool done = false;
  bool durable = false;  // committed (stored, or a duplicate of a committed one)
  livesend::store::outcome outcome = livesend::store::outcome::failed;
  std::condition_variable wake;
};

class writer {
 public:
  writer(livesend::store::sqlite_store& store, log_sink& log) : store_(store), log_(log) {}
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;
  ~writer() { stop(); }

  void start() {
    thread_ = std::thread([this] { loop(); });
  }

  /// Hands `j` to the writer and waits until the commit that holds it is done (or failed).
  void submit(job& j) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) return;  // j.durable stays false: 500, and Seismic retries
    queue_.push_back(&j);
    work_.notify_one();
    j.wake.wait(lock, [&] { return j.done; });
  }

  /// Stores what is queued, then ends the thread. Idempotent.
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  std::uint64_t batches() const noexcept { return batches_; }

 private:
  void loop() {
    std::vector<job*> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;  // stopping, and nothing left
        batch.swap(queue_);
      }
      run(batch);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        // Once the lock is released a woken thread may return and free its job: none is
        // touched after this loop.
        for (job* j : batch) {
          j->done = true;
          j->wake.notify_one();
        }
      }
      batch.clear();
    }
  }

  void run(const std::vector<job*>& batch) {
    using livesend::store::outcome;
    ++batches_;
    if (auto st = store_.begin(); !st.ok()) {
      log_.line(
          fmt::format("livesend: cannot begin a batch of {}: {}\n", batch.size(), st.message));
      return;
    }
    for (job* j : batch) {
      switch (j->what) {
        case job::kind::summary: {
          auto r = store_.store(*j->event);
          j->outcome = r.what;
          if (!r.ok()) log_.line(fmt::format("livesend: cannot store an event: {}\n", r.message));
          break;
        }
        case job::kind::other_version: {
          auto r = store_.store_other_version(j->id, j->version, j->body, j->received_at);
          j->outcome = r.what;
          if (!r.ok()) log_.line(fmt::format("livesend: cannot store an event: {}\n", r.message));
          break;
        }
        case job::kind::quarantine: {
          auto st = store_.quarantine(j->body, j->error, j->received_at);
          j->outcome = st.ok() ? outcome::stored : outcome::failed;
          if (!st.ok()) log_.line(fmt::format("livesend: cannot quarantine: {}\n", st.message));
          break;
        }
      }
    }
    if (auto st = store_.commit(); !st.ok()) {
      log_.line(
          fmt::format("livesend: cannot commit a batch of {}: {}\n", batch.size(), st.message));
      return;
    }
    for (job* j : batch) j->durable = j->outcome != outcome::failed;
  }

  livesend::store::sqlite_store& store_;
  log_sink& log_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::vector<job*> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::uint64_t batches_ = 0;  // the writer thread's, read after stop()
};

// ---- Per request -----------------------------------------------------------------------------

/// What the log line of the request on this thread says (set by the handlers, written by the
/// server's logger, which runs on the same thread once the answer is sent).
struct request_log {
  bool started = false;
  steady::time_point start;
  std::string version = "-";
  std::string id = "-";
  std::uint64_t bytes = 0;
  std::string_view outcome = "-";

  void reset() {
    started = true;
    start = steady::now();
    version = "-";
    id = "-";
    bytes = 0;
    outcome = "-";
  }
};

thread_local request_log this_request;

/// The per-thread state a POST needs: its body, an envelope reader, a parser and an event.
struct request_buffers {
  std::string body;
  livesend::envelope_reader reader;
  livesend::parser parser;
  livesend::event_view event;
};

// ---- The command -----------------------------------------------------------------------------

class serve final : public command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--listen", listen_,
                   "the address to listen on: HOST:PORT or [IPV6]:PORT (port 0: any free one)")
        ->type_name("ADDR");
    app.add_option("--db", db_, "the SQLite database the events are stored in (created if need be)")
        ->type_name("FILE")
        ->required();
    app.add_option("--secret-file", secret_file_,
                   "the file holding the app's signing secret (one trailing newline ignored)")
        ->type_name("FILE");
    app.add_option("--previous-secret-file", previous_secret_file_,
                   "the file holding the previous secret, during a rotation")
        ->type_name("FILE");
    app.add_option("--path", path_, "the URL path the webhook POSTs to (default /)")
        ->type_name("PATH");
    app.add_option("--max-body", max_body_,
                   "the largest body accepted, in bytes (default 16777216); larger: 413")
        ->type_name("BYTES");
    app.add_option("--threads", threads_,
                   "connections served at once, one thread each (default 128)")
        ->type_name("N");
    app.add_flag("--insecure-no-signature", insecure_,
                 "accept bodies without checking their signature (local tests only)");
  }

  int run(output& out) override {
    const auto address = parse_listen(listen_);
    if (!address) throw usage_error{"not an address (HOST:PORT or [IPV6]:PORT)", listen_};
    if (path_.empty() || path_.front() != '/') throw usage_error{"not a path", path_};
    if (path_ == health_path) throw usage_error{"the health check's path", path_};
    if (max_body_ == 0) throw usage_error{"not a size", "--max-body 0"};
    if (threads_ < 2 || threads_ > 4096) throw usage_error{"not a thread count", "--threads"};
    if (secret_file_.empty()) {
      if (!previous_secret_file_.empty()) {
        throw usage_error{"--previous-secret-file without", "--secret-file"};
      }
      if (!insecure_) {
        throw usage_error{"no secret: give --secret-file, or for local tests only",
                          "--insecure-no-signature"};
      }
    } else {
      if (insecure_) throw usage_error{"--secret-file with", "--insecure-no-signature"};
      secret_ = read_secret(secret_file_);
      if (!previous_secret_file_.empty()) previous_secret_ = read_secret(previous_secret_file_);
    }

    livesend::store::sqlite_store store;
    livesend::store::options store_options;
    store_options.synchronous = livesend::store::options::sync_mode::full;
    if (auto st = store.open(db_, store_options); !st.ok()) {
      out.error("livesend: {}\n", st.message);
      return exit_usage;
    }
    if (!out.flush()) return exit_usage;

    // SIGTERM and SIGINT are taken by the signal thread alone: blocked here, before any other
    // thread starts, so that every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigset_t previous_mask;
    pthread_sigmask(SIG_BLOCK, &signals, &previous_mask);

    writer store_writer(store, log_);
    store_writer.start();

    httplib::Server svr;
    const std::size_t threads = threads_;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_read_timeout(5, 0);  // a client that sends too slowly is cut off
    svr.set_write_timeout(5, 0);
    svr.set_keep_alive_timeout(2);  // an idle connection holds a thread (and a shutdown) no longer
    svr.set_keep_alive_max_count(100000);
    svr.set_tcp_nodelay(true);
    svr.set_payload_max_length(max_body_);  // over it: 413, the body skipped, never held
    svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      this_request.reset();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    svr.set_expect_100_continue_handler(
        [this](const httplib::Request& req, httplib::Response& res) {
          // A client that asks first is told before it sends a body that is too large.
          this_request.reset();
          const auto length = content_length(req);
          if (length && *length > max_body_) {
            this_request.bytes = *length;
            this_request.outcome = "too_large";
            res.set_header("Connection", "close");
            return 413;
          }
          return 100;
        });
    svr.Post(".*", [this, &store_writer](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& read) {
      handle_post(req, res, read, store_writer);
    });
    const auto other = [this](const httplib::Request& req, httplib::Response& res) {
      this_request.bytes = req.body.size();
      if (req.path == health_path && (req.method == "GET" || req.method == "HEAD")) {
        res.status = 200;
        res.set_content("ok\n", "text/plain");
        this_request.outcome = "health";
      } else if (req.path == path_ || req.path == health_path) {
        res.status = 405;
        res.set_header("Allow", req.path == path_ ? "POST" : "GET, HEAD");
        res.set_content("method not allowed\n", "text/plain");
      } else {
        res.status = 404;
        res.set_content("not found\n", "text/plain");
      }
    };
    svr.Get(".*", other);
    svr.Put(".*", other);
    svr.Patch(".*", other);
    svr.Delete(".*", other);
    svr.Options(".*", other);
    svr.set_logger(
        [this](const httplib::Request&, const httplib::Response& res) { log_request(res.status); });

    int port = address->port;
    const bool bound = port == 0 ? (port = svr.bind_to_any_port(address->host)) > 0
                                 : svr.bind_to_port(address->host, port);
    if (!bound) {
      store_writer.stop();
      pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
      out.error("livesend: cannot listen on {}\n", listen_);
      return exit_usage;
    }
    const bool v6 = address->host.find(':') != std::string::npos;
    log_.line(fmt::format("livesend: listening on {}{}{}:{}\n", v6 ? "[" : "", address->host,
                          v6 ? "]" : "", port));

    std::atomic<bool> server_done{false};
    std::atomic<int> signal_number{0};
    std::thread signal_thread([&] {
      const timespec tick{0, 100 * 1000 * 1000};
      while (!server_done.load()) {
        const int sig = sigtimedwait(&signals, nullptr, &tick);
        if (sig <= 0) continue;
        signal_number = sig;
        // The server may be between bind and listen: stop() acts only once it runs.
        while (!svr.is_running() && !server_done.load()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (!server_done.load()) svr.stop();
        return;
      }
    });

    const bool listened = svr.listen_after_bind();  // returns once stopped and every thread joined
    server_done = true;
    signal_thread.join();
    store_writer.stop();  // nothing is queued by now: every request thread has had its answer
    const auto stored = store.stored_count();
    const auto duplicates = store.duplicate_count();
    store.close();
    pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);

    if (signal_number.load() == 0 && !listened) {
      log_.line("livesend: the server stopped unexpectedly\n");
      return exit_usage;
    }
    log_.line(
        fmt::format("livesend: stopped ({}), {} events stored, {} duplicates, in {} transactions\n",
                    signal_number.load() == SIGINT ? "SIGINT" : "SIGTERM", stored, duplicates,
                    store_writer.batches()));
    return exit_ok;
  }

 private:
  static constexpr std::string_view health_path = "/healthz";

  void handle_post(const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read, writer& store_writer) {
    thread_local request_buffers buffers;
    std::string& body = buffers.body;
    body.clear();
    if (body.capacity() > (std::size_t{1} << 20)) body.shrink_to_fit();  // after a large one
    bool too_large = false;
    const auto length = content_length(req);
    if (length && *length <= max_body_) body.reserve(static_cast<std::size_t>(*length));
    const bool whole = read([&](const char* data, std::size_t size) {
      if (size > max_body_ - body.size()) {
        too_large = true;
        return false;
      }
      body.append(data, size);
      return true;
    });
    this_request.bytes = body.size();
    if (too_large || res.status == 413) {
      if (length) this_request.bytes = *length;
      this_request.outcome = "too_large";
      res.status = 413;
      res.set_header("Connection", "close");
      res.set_content("body too large\n", "text/plain");
      return;
    }
    if (!whole) {
      this_request.outcome = "unreadable";
      res.status = 400;
      return;
    }
    if (req.path != path_) {
      res.status = req.path == health_path ? 405 : 404;
      if (res.status == 405) res.set_header("Allow", "GET, HEAD");
      res.set_content(res.status == 404 ? "not found\n" : "method not allowed\n", "text/plain");
      return;
    }

    if (!insecure_) {
      const livesend::signature_headers signatures{header(req, livesend::signature_header),
                                                   header(req, livesend::signature_old_header)};
      const livesend::signing_secrets secrets =
          previous_secret_ ? livesend::signing_secrets{secret_, *previous_secret_}
                           : livesend::signing_secrets{secret_};
      if (!livesend::verify_signature(body, signatures, secrets)) {
        this_request.outcome = "unauthentic";
        res.status = 401;
        res.set_content("not authentic\n", "text/plain");
        return;
      }
    }

    const livesend::envelope env = buffers.reader.read(body);
    this_request.version = log_safe(env.version);
    if (env.id) this_request.id = log_safe(*env.id);
    if (auto answer = livesend::answer_challenge(env)) {
      this_request.outcome = "challenge";
      res.status = answer->status;
      res.set_content(answer->body, std::string(answer->content_type));
      return;
    }

    job j;
    j.body = body;
    j.received_at = now_timestamp();
    std::string why;
    switch (env.kind) {
      case livesend::envelope_kind::session_summary:
        if (auto err = buffers.parser.parse(std::string_view(body), buffers.event)) {
          why = err.to_string();
        } else {
          j.what = job::kind::summary;
          j.event = &buffers.event;
        }
        break;
      case livesend::envelope_kind::other_event:
        if (env.id) {
          j.what = job::kind::other_version;
          j.id = *env.id;
          j.version = env.version;
        } else {
          why = "id: an event of another version without a string id";
        }
        break;
      default:
        why = env.error.to_string();
        break;
    }
    if (j.what == job::kind::quarantine) {
      if (why.empty()) why = "not an event";
      j.error = why;
    }
    store_writer.submit(j);
    if (!j.durable) {
      this_request.outcome = "not_stored";
      res.status = 500;
      res.set_content("not stored, try again\n", "text/plain");
      return;
    }
    using livesend::store::outcome;
    this_request.outcome = j.what == job::kind::quarantine   ? "quarantined"
                           : j.outcome == outcome::duplicate ? "duplicate"
                                                             : "stored";
    res.status = 200;
    res.set_content("ok\n", "text/plain");
  }

  /// `TIME status=S version=V id=I bytes=B ms=M outcome=O`: never a body, a signature, a secret
  /// or a field of the event beyond its id and version.
  void log_request(int status) {
    request_log& r = this_request;
    char time[livesend::timestamp::max_chars];
    const std::size_t n = now_timestamp().to_chars(time);
    const double ms =
        r.started ? std::chrono::duration<double, std::milli>(steady::now() - r.start).count()
                  : 0.0;
    log_.line(fmt::format("{} status={} version={} id={} bytes={} ms={:.2f} outcome={}\n",
                          std::string_view(time, n), status, r.version, r.id, r.bytes, ms,
                          r.outcome));
    r = request_log{};
  }

  std::string listen_ = "127.0.0.1:8080";
  std::string db_;
  std::string secret_file_;
  std::string previous_secret_file_;
  std::string path_ = "/";
  std::size_t max_body_ = std::size_t{16} << 20;
  std::size_t threads_ = 128;
  bool insecure_ = false;
  std::string secret_;
  std::optional<std::string> previous_secret_;
  log_sink log_;
};

}  // namespace

extern const command_spec serve_command{
    "serve", "receive the webhook over HTTP and store each event durably",
    "Receives Seismic's webhook: checks each body's signature, answers verification\n"
    "challenges, and stores session summaries (in the tables), events of other versions (raw)\n"
    "and bodies that break the contract (in quarantine) in a SQLite database, answering 200\n"
    "only once the body is committed (synchronous FULL). One line per request on stderr.\n"
    "SIGTERM or SIGINT: stop accepting, finish what is in flight, exit 0.\n",
    [] { return std::unique_ptr<command>(new serve); }};

}  // namespace livesend_cli
