// tools/livesend/output.cpp: see output.hpp.
#include "output.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace livesend_cli {

void output::prepare_process() noexcept {
#ifdef _WIN32
  // Bytes in and out as they are: no CRLF translation of the JSON.
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#else
  // A closed descriptor (`2>&-`, a daemon's children) would otherwise be the next file opened:
  // the tool would read its input from "standard input" or write its errors into it.
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      const int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0 && null != fd) {
        ::dup2(null, fd);
        ::close(null);
      }
    }
  }
  // A reader that goes away (`livesend json big.ndjson | head`) is a write error like any
  // other (EPIPE): reported, exit status 2, rather than a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
#endif
}

bool output::flush() noexcept {
  if (stdout_failed_) {
    out_.clear();
    return false;
  }
  bool ok = true;
  if (out_.size() != 0) {
    ok = std::fwrite(out_.data(), 1, out_.size(), stdout) == out_.size();
    out_.clear();
  }
  if (ok) ok = std::fflush(stdout) == 0;
  if (ok) return true;
  const int error = errno;
  stdout_failed_ = true;
  try {
    err_.clear();
    fmt::format_to(fmt::appender(err_), "livesend: standard output: {}\n", std::strerror(error));
    write_stderr(std::string_view(err_.data(), err_.size()));
  } catch (...) {
    write_stderr("livesend: standard output: write error\n");
  }
  return false;
}

void output::write_stderr(std::string_view text) noexcept {
  if (stderr_failed_ || text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), stderr) != text.size() || std::fflush(stderr) != 0) {
    stderr_failed_ = true;
  }
}

int output::finish(int status) noexcept {
  flush();
  return stdout_failed_ || stderr_failed_ ? worse(status, exit_usage) : status;
}

}  // namespace livesend_cli
