// tools/livesend/arguments.hpp: the command line, read with CLI11.
//
//   livesend <command> [options] [FILE...]
//
// One CLI11 subcommand per command of the table, with the options and operands the command
// registers; options may come before or after the operands, and `--` ends them. The help, the
// version and the usage errors are the tool's own text (not CLI11's formatter), written through
// `output`, so a failed write is an exit status 2 like any other.
#pragma once

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace livesend_cli {

class arguments {
 public:
  /// Makes each command of `table` and lets it register its options.
  explicit arguments(std::vector<const command_spec*> table);

  /// Reads the arguments. Returns the command to run, or nullptr when the run ends here (help,
  /// version, a usage error), with its exit status in `status`.
  command* read(int argc, char** argv, output& out, int& status);

  /// `livesend: WHAT 'ARG'` and the usage lines on stderr; returns 2.
  int usage_error(output& out, std::string_view what, std::string_view arg) const;

 private:
  int usage(output& out, std::string_view message) const;
  void write_top_help(fmt::memory_buffer& to) const;
  void write_command_help(fmt::memory_buffer& to, std::size_t index) const;

  CLI::App app_;
  std::vector<const command_spec*> table_;
  std::vector<CLI::App*> subcommands_;  // one per command of the table
  std::vector<std::unique_ptr<command>> commands_;
  bool version_ = false;
};

/// Registers --redact; `hidden` for a command that refuses it (the help does not list it).
void add_redact_option(CLI::App& app, bool& redact, bool hidden = false);

}  // namespace livesend_cli
