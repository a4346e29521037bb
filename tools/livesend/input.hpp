// tools/livesend/input.hpp: the input of the commands that read events.
//
// FILE... operands (standard input for `-` or when none is given) and the options they share
// (--normalized, --unknown-keys, --jobs, --rejects, --progress), registered on a command's
// subcommand by add_options; `read` then reads each file piece by piece (livesend::read_stream:
// 1 MiB at a time, more only for a longer record), parses its records on --jobs threads
// (livesend/parallel.hpp; --jobs 1: one reused parser and event_view on this thread), reports
// each bad record on stderr as FILE:LINE:COLUMN: ... (and copies it to the --rejects file), and
// hands each good event to the command, in input order, on this thread: the output is the same for
// every --jobs. Memory stays bounded whatever the size of a file, and after the first few
// events the steady path allocates nothing but the buffers of each file's run.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "livesend/livesend.hpp"

namespace CLI {
class Option;
}  // namespace CLI

namespace livesend_cli {

class event_input {
 public:
  /// A good event; valid until the call returns.
  using on_event = std::function<void(const livesend::event_view&)>;

  /// Registers FILE..., --normalized, --unknown-keys, --jobs, --rejects, --progress and
  /// --no-progress (and the hidden --max-input-size), and the help's paragraph on input.
  void add_options(CLI::App& app);

  /// Reads every file, calls `handle` for each good event; returns the exit status so far (1
  /// for a bad event or a file without any, 2 for a file that cannot be read). Stops at the
  /// first failed write to stdout.
  int read(output& out, const on_event& handle);

  std::size_t events() const noexcept { return events_; }  ///< records read, good or bad
  std::size_t failed() const noexcept { return failed_; }  ///< records that did not parse

 private:
  class progress;

  int read_file(output& out, livesend::parser& parser, const std::string& file,
                const on_event& handle, progress& shown);
  void keep_reject(const livesend::stream_record& record);

  std::vector<std::string> files_;
  livesend::parse_options parse_;
  livesend::event_view scratch_;
  std::size_t jobs_ = 1;
  CLI::Option* jobs_option_ = nullptr;  // to tell a --jobs given from its default
  std::string rejects_path_;
  std::FILE* rejects_ = nullptr;
  std::size_t rejected_ = 0;   // records written to the rejects file
  std::size_t not_kept_ = 0;   // records rejected, too large to keep
  int rejects_error_ = 0;      // errno of the first failed write to it
  bool progress_on_ = false;   // --progress
  bool progress_off_ = false;  // --no-progress
  std::size_t events_ = 0;
  std::size_t failed_ = 0;
};

}  // namespace livesend_cli
