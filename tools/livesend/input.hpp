// tools/livesend/input.hpp: the input of the commands that read events.
//
// FILE... operands (standard input for `-` or when none is given) and the parse options they
// share (--normalized, --unknown-keys), registered on a command's subcommand by add_options;
// `read` then reads each file piece by piece (livesend::read_stream: 1 MiB at a time, more only
// for a longer record) into one reused parser and event_view, reports each bad record on
// stderr as FILE:LINE:COLUMN: ..., and hands each good event to the command. Memory stays bounded
// whatever the size of a file, and after the first few events the steady path allocates
// nothing but one buffer per file.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "livesend/livesend.hpp"

namespace livesend_cli {

class event_input {
 public:
  /// A good event; valid until the call returns.
  using on_event = std::function<void(const livesend::event_view&)>;

  /// Registers FILE..., --normalized and --unknown-keys, and the help's paragraph on input.
  void add_options(CLI::App& app);

  /// Reads every file, calls `handle` for each good event; returns the exit status so far (1
  /// for a bad event or a file without any, 2 for a file that cannot be read). Stops at the
  /// first failed write to stdout.
  int read(output& out, const on_event& handle);

  std::size_t events() const noexcept { return events_; }  ///< records read, good or bad
  std::size_t failed() const noexcept { return failed_; }  ///< records that did not parse

 private:
  int read_file(output& out, livesend::parser& parser, const std::string& file,
                const on_event& handle);

  std::vector<std::string> files_;
  livesend::parse_options parse_;
  livesend::event_view scratch_;
  std::size_t events_ = 0;
  std::size_t failed_ = 0;
};

}  // namespace livesend_cli
