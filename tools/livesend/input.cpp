// tools/livesend/input.cpp: see input.hpp.
#include "input.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#ifndef _WIN32
#include <unistd.h>
#endif

#include "output.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif
#ifdef __linux__
#include <sched.h>
#endif

namespace livesend_cli {

namespace {

constexpr const char* input_help =
    "Each FILE holds JSON events: NDJSON (one per line), pretty-printed or concatenated\n"
    "ones (on one line or not), or JSON arrays of them, mixed as they come; with no FILE, or\n"
    "for -, standard input is read. Errors go to stderr as FILE:LINE:COLUMN: PATH: message\n"
    "(or FILE:LINE:COLUMN: offset N: message for malformed JSON); COLUMN counts bytes from 1.\n"
    "Records are parsed on --jobs threads (the main one included); the output is the same,\n"
    "in the same order, for any --jobs.\n";

/// Regular files smaller than this are read on the main thread whatever --jobs says.
constexpr std::size_t small_file = std::size_t{1} << 20;

/// The cores this process may run on (its CPU affinity), else the machine's; at least 1.
std::size_t usable_cores() noexcept {
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<std::size_t>(n);
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

bool is_terminal(int fd) noexcept {
#ifdef _WIN32
  (void)fd;
  return false;
#else
  return ::isatty(fd) == 1;
#endif
}

/// "12.3 MB", "1.02 GB" (powers of 1000).
void format_bytes(fmt::memory_buffer& to, double bytes) {
  if (bytes >= 1e9) {
    fmt::format_to(fmt::appender(to), "{:.2f} GB", bytes / 1e9);
  } else {
    fmt::format_to(fmt::appender(to), "{:.1f} MB", bytes / 1e6);
  }
}

}  // namespace

/// The progress line on stderr (a terminal): bytes read (of the file's size for a regular file),
/// events and MB per second, errors so far, time left; redrawn at most ten times a second,
/// cleared before any other line on stderr and at the end.
class event_input::progress {
 public:
  using clock = std::chrono::steady_clock;

  explicit progress(bool on) : on_(on), start_(clock::now()) {}

  bool on() const noexcept { return on_; }

  void start_file(std::string_view name, std::size_t size) {
    name_ = name;
    file_size_ = size;
    file_bytes_ = 0;
  }

  void add_bytes(std::size_t n) noexcept {
    file_bytes_ += n;
    bytes_ += n;
  }

  /// After each record: redraws the line when a tenth of a second has passed.
  void record(output& out, bool failed) {
    ++events_;
    if (failed) ++errors_;
    if (!on_ || (events_ & 15) != 1) return;  // the clock every 16 records
    const clock::time_point now = clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    draw(out, now);
  }

  /// Clears the line (before another line on stderr, and at the end).
  void clear(output& out) {
    if (!shown_) return;
    shown_ = false;
    out.error_text("\r\x1b[2K");
  }

 private:
  void draw(output& out, clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - start_).count();
    text_.clear();
    fmt::format_to(fmt::appender(text_), "\r\x1b[2K{}: ", name_);
    format_bytes(text_, static_cast<double>(file_bytes_));
    if (file_size_ != 0) {
      text_.append(std::string_view(" of "));
      format_bytes(text_, static_cast<double>(file_size_));
      fmt::format_to(fmt::appender(text_), " ({:.0f}%)",
                     100.0 * static_cast<double>(file_bytes_) / static_cast<double>(file_size_));
    }
    const double rate = seconds > 0 ? static_cast<double>(bytes_) / seconds : 0;
    fmt::format_to(fmt::appender(text_), ", {} events, {:.0f} events/s, {:.1f} MB/s, {} errors",
                   events_, seconds > 0 ? static_cast<double>(events_) / seconds : 0, rate / 1e6,
                   errors_);
    if (file_size_ != 0 && rate > 0 && file_bytes_ <= file_size_) {
      const auto left =
          static_cast<long long>(static_cast<double>(file_size_ - file_bytes_) / rate);
      fmt::format_to(fmt::appender(text_), ", {}:{:02} left", left / 60, left % 60);
    }
    shown_ = true;
    out.error_text(std::string_view(text_.data(), text_.size()));
  }

  bool on_;
  bool shown_ = false;
  clock::time_point start_;
  clock::time_point last_;
  std::string name_;
  std::size_t file_size_ = 0;
  std::size_t file_bytes_ = 0;
  std::size_t bytes_ = 0;
  std::size_t events_ = 0;
  std::size_t errors_ = 0;
  fmt::memory_buffer text_;
};

void event_input::add_options(CLI::App& app) {
  app.add_option("FILE", files_, "the files to read (- for standard input)")->type_name("FILE");
  app.add_flag("--normalized", parse_.null_timestamp_is_unset,
               "read null timestamps as unset (to read `livesend json` output back)");
  app.add_flag("--unknown-keys", parse_.report_unknown_keys,
               "warn on stderr about each key the contract does not know");
  jobs_ = usable_cores();
  jobs_option_ = app.add_option("--jobs", jobs_,
                                "parse on N threads in all, the main one included (default:\n"
                                "the cores this process may use for a file; 1 for a pipe or a\n"
                                "terminal, whose records then come out as soon as they\n"
                                "arrive); 1: on the main thread only")
                     ->type_name("N");
  app.add_option("--rejects", rejects_path_,
                 "write every record that fails to FILE, as it came, one per line\n"
                 "(a record too large to hold is reported, not written)")
      ->type_name("FILE");
  app.add_flag("--progress", progress_on_,
               "show progress on stderr even when stdout is a terminal too\n"
               "(never when stderr is not a terminal)");
  app.add_flag("--no-progress", progress_off_, "never show progress");
  // For tests: a record longer than this is passed over (input_too_large).
  app.add_option("--max-input-size", parse_.max_input_size)->type_name("BYTES")->group("");
  app.footer(input_help);
}

int event_input::read(output& out, const on_event& handle) {
  return read_all(out, &handle, nullptr);
}

int event_input::read_prepared(output& out, const make_output& make) {
  return read_all(out, nullptr, &make);
}

int event_input::read_all(output& out, const on_event* handle, const make_output* make) {
  if (jobs_ == 0 || jobs_ > 1024)
    throw usage_error{"--jobs wants 1 to 1024", std::to_string(jobs_)};
  livesend::parser parser(parse_);
  if (files_.empty()) files_.emplace_back("-");
  if (!rejects_path_.empty()) {
    rejects_ = std::fopen(rejects_path_.c_str(), "wb");
    if (rejects_ == nullptr) {
      out.error("livesend: {}: {}\n", rejects_path_, std::strerror(errno));
      return exit_usage;
    }
  }
  // Shown when stderr is a terminal, unless stdout is that terminal too (the lines would mix)
  // and --progress is not given.
  progress shown(!progress_off_ && is_terminal(2) && (progress_on_ || !is_terminal(1)));
  int status = exit_ok;
  for (const std::string& file : files_) {
    if (out.failed()) break;
    status = worse(status, read_file(out, parser, file, handle, make, shown));
  }
  shown.clear(out);
  if (rejects_ != nullptr) {
    if (std::fclose(rejects_) != 0 && rejects_error_ == 0) rejects_error_ = errno;
    rejects_ = nullptr;
    if (rejects_error_ != 0) {
      out.error("livesend: {}: {}\n", rejects_path_, std::strerror(rejects_error_));
      status = worse(status, exit_usage);
    } else if (!out.failed()) {
      out.error(
          "livesend: {} rejected records written to {}{}\n", rejected_, rejects_path_,
          not_kept_ == 0 ? std::string() : fmt::format(", {} more too large to keep", not_kept_));
    }
  }
  return status;
}

int event_input::read_file(output& out, livesend::parser& parser, const std::string& file,
                           const on_event* handle, const make_output* make, progress& shown) {
  const std::string_view name = file;
  const bool is_stdin = name == "-";
  std::FILE* in = is_stdin ? stdin : std::fopen(file.c_str(), "rb");
  if (in == nullptr) {
    out.error("livesend: {}: {}\n", name, std::strerror(errno));
    return exit_usage;
  }
  std::size_t size = 0;
  bool regular = false;
#ifndef _WIN32
  struct stat st;
  if (::fstat(::fileno(in), &st) == 0 && S_ISREG(st.st_mode)) {
    size = static_cast<std::size_t>(st.st_size);
    regular = true;
  }
#endif
  shown.start_file(name, size);
  // A small file is read on this thread, with the parser kept from file to file: threads and
  // their parsers, made anew for each file, would cost more than they save. Same output.
  // Not a file (a pipe, a terminal): one thread unless --jobs says otherwise, because the
  // threads hand records out in batches, and a record of a slow pipe must come out as soon as
  // it has arrived.
  const bool jobs_given = jobs_option_ != nullptr && jobs_option_->count() > 0;
  const std::size_t jobs = (regular && size < small_file) || (!regular && !jobs_given) ? 1 : jobs_;
  int read_error = 0;
  // Once stdout fails the source ends: nothing more is read, and what is already read is
  // passed over in silence.
  // Before the reader may wait for input, what stdout holds goes out, and a read returns what
  // has arrived: each record's output leaves as soon as the record is in (`tail -f x.ndjson |
  // livesend json`), and a file still goes a MiB at a time.
  auto source = [&](char* into, std::size_t room) -> std::size_t {
    if (out.failed() || read_error != 0) return 0;
    if (out.buffer().size() != 0 && !out.flush()) return 0;
#ifdef _WIN32
    const std::size_t n = std::fread(into, 1, room, in);
    if (n < room && std::ferror(in) != 0) read_error = errno != 0 ? errno : EIO;
    shown.add_bytes(n);
    return n;
#else
    for (;;) {
      const ssize_t n = ::read(fileno(in), into, room);
      if (n >= 0) {
        shown.add_bytes(static_cast<std::size_t>(n));
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) {
        read_error = errno;
        return 0;
      }
    }
#endif
  };
  // In input order, on this thread, whatever --jobs: the record's unknown keys and error;
  // false when it is no good event.
  auto report = [&](const livesend::stream_record& record, const livesend::error& err) {
    if (err || !record.unknown_keys.empty()) shown.clear(out);
    // Located in the file already (empty unless --unknown-keys).
    for (const livesend::unknown_key& key : record.unknown_keys) {
      out.error("{}:{}:{}: {}: unknown key\n", name, key.line, key.column, key.path);
    }
    if (!err) return true;
    out.error("{}:{}:{}: {}\n", name, err.line(), err.column(), err);
    if (rejects_ != nullptr) keep_reject(record);
    return false;
  };
  // After the record, on this thread; false stops the reading.
  auto done = [&](bool failed) {
    shown.record(out, failed);
    return !out.failed();
  };
  errno = 0;
  livesend::stream_stats stats;
  if (make == nullptr) {  // the events themselves, on this thread
    auto on_record = [&](const livesend::stream_record& record, const livesend::error& err,
                         const livesend::event_view& ev) -> bool {
      if (out.failed()) return false;
      if (report(record, err)) {
        (*handle)(ev);
        out.flush_if_full();
      }
      return done(static_cast<bool>(err));
    };
    stats = livesend::read_stream(parser, source, scratch_, on_record, livesend::parallel{jobs});
  } else {  // what the command makes of them, made on the thread that parsed each
    using made = std::unique_ptr<event_output>;
    auto prepare = [make](const livesend::stream_record&, const livesend::event_view& ev,
                          made& to) {
      if (!*make) return;  // nothing to make (validate)
      if (!to) to = (*make)();
      to->prepare(ev);
    };
    auto on_record = [&](const livesend::stream_record& record, const livesend::error& err,
                         made& prepared) -> bool {
      if (out.failed()) return false;
      if (report(record, err) && prepared) {
        prepared->emit(out);
        out.flush_if_full();
      }
      return done(static_cast<bool>(err));
    };
    stats = livesend::read_stream_prepared<made>(parser, source, scratch_, prepare, on_record,
                                                 livesend::parallel{jobs});
  }
  if (!is_stdin) std::fclose(in);
  if (out.failed()) return exit_usage;
  events_ += stats.events;
  failed_ += stats.failed;
  int status = stats.failed != 0 ? exit_invalid : exit_ok;
  if (read_error != 0) {
    shown.clear(out);
    out.error("livesend: {}: {}\n", name, std::strerror(read_error));
    status = exit_usage;
  } else if (stats.events == 0) {
    shown.clear(out);
    out.error("{}: no event found\n", name);
    status = worse(status, exit_invalid);
  }
  return status;
}

void event_input::keep_reject(const livesend::stream_record& record) {
  if (record.text.empty()) {  // passed over as too large: its bytes were never held
    ++not_kept_;
    return;
  }
  ++rejected_;
  if (rejects_error_ != 0) return;
  if (std::fwrite(record.text.data(), 1, record.text.size(), rejects_) != record.text.size() ||
      std::fputc('\n', rejects_) == EOF) {
    rejects_error_ = errno != 0 ? errno : EIO;
  }
}

}  // namespace livesend_cli
