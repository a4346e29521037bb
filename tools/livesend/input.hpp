// tools/livesend/input.hpp: the input of the commands that read events.
//
// FILE... operands (standard input for `-` or when none is given) and the options they share
// (--normalized, --unknown-keys, --jobs, --rejects, --progress), registered on a command's
// subcommand by add_options; `read` then reads each file piece by piece (livesend::read_stream:
// 1 MiB at a time, more only for a longer record), parses its records on --jobs threads in all
// (livesend/parallel.hpp: the main thread and --jobs - 1 workers; --jobs 1: one reused parser
// and event_view on this thread), reports each bad record on stderr as FILE:LINE:COLUMN: ...
// (and copies it to the --rejects file), and hands each good event to the command, in input
// order, on this thread: the output is the same for every --jobs. A command whose output is
// made event by event (json, csv, summary) uses `read_prepared` instead: its event_output
// objects make each event's output on the thread that parsed it, and the main thread only
// writes them out, in input order. Memory stays bounded whatever the size of a file, and after
// the first few events the steady path allocates nothing but the buffers of each file's run.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "livesend/livesend.hpp"

namespace CLI {
class Option;
}  // namespace CLI

namespace livesend_cli {

/// What a command makes of one good event, made on the thread that parsed the event and
/// written out on the main thread, in input order (event_input::read_prepared). One object per
/// place in the parallel reader's ring, reused from event to event.
class event_output {
 public:
  event_output() = default;
  event_output(const event_output&) = delete;
  event_output& operator=(const event_output&) = delete;
  virtual ~event_output() = default;

  /// On a parsing thread (any, several at once, each with its own object): the event's output,
  /// replacing what this object held. It may only read what it shares with the others.
  virtual void prepare(const livesend::event_view& ev) = 0;

  /// On the main thread, in input order: writes what prepare made (to `out`, say).
  virtual void emit(output& out) = 0;
};

class event_input {
 public:
  /// A good event; valid until the call returns.
  using on_event = std::function<void(const livesend::event_view&)>;
  /// Makes one event_output; called on the parsing threads (several at once), the first time
  /// a place of the ring holds a good event. Empty: nothing is made (a command that only
  /// counts, as validate does).
  using make_output = std::function<std::unique_ptr<event_output>()>;

  /// Registers FILE..., --normalized, --unknown-keys, --jobs, --rejects, --progress and
  /// --no-progress (and the hidden --max-input-size), and the help's paragraph on input.
  void add_options(CLI::App& app);

  /// Reads every file, calls `handle` for each good event; returns the exit status so far (1
  /// for a bad event or a file without any, 2 for a file that cannot be read). Stops at the
  /// first failed write to stdout.
  int read(output& out, const on_event& handle);

  /// As read, each good event made into output by an event_output (from `make`) on the thread
  /// that parsed it, then emitted on this thread in input order, between the error lines of the
  /// records around it: the same output as `read` with a handler that prepares, then emits.
  int read_prepared(output& out, const make_output& make);

  std::size_t events() const noexcept { return events_; }  ///< records read, good or bad
  std::size_t failed() const noexcept { return failed_; }  ///< records that did not parse

 private:
  class progress;

  int read_all(output& out, const on_event* handle, const make_output* make);
  int read_file(output& out, livesend::parser& parser, const std::string& file,
                const on_event* handle, const make_output* make, progress& shown);
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
