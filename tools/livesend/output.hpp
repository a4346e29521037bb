// tools/livesend/output.hpp: the tool's standard output and standard error.
//
// Standard output is buffered in one reused fmt::memory_buffer and written in large pieces;
// a line for stderr is written after what stdout already holds, so the two read in order when
// they go to the same place. No write error ever throws or aborts: the first failed write to
// stdout (a full disk, a closed pipe: SIGPIPE is ignored, so that is EPIPE) is reported on
// stderr and stops the run (`failed()`), a failed write to stderr is remembered, and either
// makes the exit status 2.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string_view>
#include <utility>

#include "command.hpp"

namespace livesend_cli {

class output {
 public:
  /// Prepares the process once, first thing in main: standard input, output and error open
  /// (one that was closed becomes /dev/null opened read-only, so that it reads as empty, a
  /// write to it fails, and no file the tool opens takes its place), SIGPIPE ignored, binary
  /// mode on Windows.
  static void prepare_process() noexcept;

  /// What goes to stdout: append to it, then call `flush_if_full()` now and then.
  fmt::memory_buffer& buffer() noexcept { return out_; }

  /// Writes the buffer to stdout once it holds enough.
  void flush_if_full() {
    if (out_.size() >= flush_threshold) flush();
  }

  /// Writes the buffer to stdout now; false once stdout has failed.
  bool flush() noexcept;

  /// Whether a write to stdout failed: nothing more is written there, the run stops.
  bool failed() const noexcept { return stdout_failed_; }

  /// One line (or more) to stderr, after what stdout holds; nothing once stdout has failed
  /// (the run stops there, and the last line on stderr says why).
  template <class... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (!flush()) return;
    try {
      err_.clear();
      fmt::format_to(fmt::appender(err_), format, std::forward<Args>(args)...);
      write_stderr(std::string_view(err_.data(), err_.size()));
    } catch (...) {  // no memory for the message: say what we can
      write_stderr("livesend: out of memory\n");
    }
  }

  /// Text to stderr as it is, after what stdout holds; nothing once stdout has failed.
  void error_text(std::string_view text) noexcept {
    if (flush()) write_stderr(text);
  }

  /// Ends the run: flushes stdout; returns `status`, or 2 when any output failed.
  int finish(int status) noexcept;

 private:
  void write_stderr(std::string_view text) noexcept;

  static constexpr std::size_t flush_threshold = std::size_t{1} << 16;

  fmt::memory_buffer out_;
  fmt::memory_buffer err_;
  bool stdout_failed_ = false;
  bool stderr_failed_ = false;
};

}  // namespace livesend_cli
