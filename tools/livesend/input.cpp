// tools/livesend/input.cpp: see input.hpp.
#include "input.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#ifndef _WIN32
#include <unistd.h>
#endif

#include "output.hpp"

namespace livesend_cli {

namespace {

constexpr const char* input_help =
    "Each FILE holds JSON events: NDJSON (one per line), pretty-printed or concatenated\n"
    "ones (on one line or not), or JSON arrays of them, mixed as they come; with no FILE, or\n"
    "for -, standard input is read. Errors go to stderr as FILE:LINE:COLUMN: PATH: message\n"
    "(or FILE:LINE:COLUMN: offset N: message for malformed JSON); COLUMN counts bytes from 1.\n";

}  // namespace

void event_input::add_options(CLI::App& app) {
  app.add_option("FILE", files_, "the files to read (- for standard input)")->type_name("FILE");
  app.add_flag("--normalized", parse_.null_timestamp_is_unset,
               "read null timestamps as unset (to read `livesend json` output back)");
  app.add_flag("--unknown-keys", parse_.report_unknown_keys,
               "warn on stderr about each key the contract does not know");
  app.footer(input_help);
}

int event_input::read(output& out, const on_event& handle) {
  livesend::parser parser(parse_);
  if (files_.empty()) files_.emplace_back("-");
  int status = exit_ok;
  for (const std::string& file : files_) {
    if (out.failed()) break;
    status = worse(status, read_file(out, parser, file, handle));
  }
  return status;
}

int event_input::read_file(output& out, livesend::parser& parser, const std::string& file,
                           const on_event& handle) {
  const std::string_view name = file;
  const bool is_stdin = name == "-";
  std::FILE* in = is_stdin ? stdin : std::fopen(file.c_str(), "rb");
  if (in == nullptr) {
    out.error("livesend: {}: {}\n", name, std::strerror(errno));
    return exit_usage;
  }
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
    return n;
#else
    for (;;) {
      const ssize_t n = ::read(fileno(in), into, room);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) {
        read_error = errno;
        return 0;
      }
    }
#endif
  };
  auto on_record = [&](const livesend::stream_record& record, const livesend::error& err,
                       const livesend::event_view& ev) {
    if (out.failed()) return;
    // Located in the file already (empty unless --unknown-keys).
    for (const livesend::unknown_key& key : record.unknown_keys) {
      out.error("{}:{}:{}: {}: unknown key\n", name, key.line, key.column, key.path);
    }
    if (err) {
      out.error("{}:{}:{}: {}\n", name, err.line(), err.column(), err);
      return;
    }
    handle(ev);
    out.flush_if_full();
  };
  errno = 0;
  const livesend::stream_stats stats = livesend::read_stream(parser, source, scratch_, on_record);
  if (!is_stdin) std::fclose(in);
  if (out.failed()) return exit_usage;
  events_ += stats.events;
  failed_ += stats.failed;
  int status = stats.failed != 0 ? exit_invalid : exit_ok;
  if (read_error != 0) {
    out.error("livesend: {}: {}\n", name, std::strerror(read_error));
    status = exit_usage;
  } else if (stats.events == 0) {
    out.error("{}: no event found\n", name);
    status = worse(status, exit_invalid);
  }
  return status;
}

}  // namespace livesend_cli
