// tools/livesend/command.hpp: what every command of the `livesend` tool is.
//
// A command is one file under commands/ that defines a `command_spec` named `<name>_command`,
// and one line in the table of main.cpp. It registers its own options and operands on its
// CLI11 subcommand (the options every event-reading command shares come from event_input, in
// input.hpp), then runs once the arguments are read. Its output goes through `output`
// (output.hpp), never straight to stdout or stderr.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace CLI {
class App;
}

namespace livesend_cli {

class output;

constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;  // an invalid event, or a file without any
constexpr int exit_usage = 2;    // a usage or I/O error (output errors included)

/// The worse of two exit statuses.
constexpr int worse(int a, int b) noexcept { return a > b ? a : b; }

/// One run of a command.
class command {
 public:
  command() = default;
  command(const command&) = delete;
  command& operator=(const command&) = delete;
  virtual ~command() = default;

  /// Registers the command's options and operands on its subcommand (`livesend NAME`); the
  /// help lists them in that order.
  virtual void add_options(CLI::App& app) = 0;

  /// Runs the command once the arguments are read; returns its exit status. It may throw
  /// `usage_error` before it writes anything. It stops early once `out.failed()`.
  virtual int run(output& out) = 0;
};

/// A command as the table of main.cpp lists it.
struct command_spec {
  std::string_view name;
  std::string_view synopsis;  ///< one line, for the top-level help
  std::string_view help;      ///< the paragraph of `livesend NAME --help`
  std::unique_ptr<command> (*make)();
};

/// A usage error a command finds in its options: `livesend: WHAT 'ARG'` and the usage lines.
struct usage_error {
  std::string what;
  std::string arg;
};

}  // namespace livesend_cli
