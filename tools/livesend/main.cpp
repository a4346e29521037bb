// tools/livesend/main.cpp: the `livesend` command-line tool: its table of commands, and the run.
//
//   livesend summary  [--normalized] [--unknown-keys] [--redact] [FILE...]   a readable report
//   livesend json     [--normalized] [--unknown-keys] [--redact] [FILE...]   normalized JSON
//   livesend validate [--normalized] [--unknown-keys] [FILE...]   errors, then a count
//   livesend csv --out DIR [--redact] [FILE...]   the tables as DIR/<table>.csv
//   livesend load --db FILE [FILE...]   the tables in a SQLite database (LIVESEND_HAVE_SQLITE)
//   livesend serve    --db FILE --secret-file FILE [--listen HOST:PORT] ...   the webhook receiver
//
// The pieces: arguments.hpp (the command line, CLI11), input.hpp (files or standard input to
// events, FILE:LINE errors), output.hpp (buffered stdout, stderr in order, write errors),
// redact.hpp (--redact), command.hpp (what a command is) and one file per command in commands/.
#include <exception>
#include <vector>

#include "arguments.hpp"
#include "command.hpp"
#include "output.hpp"

// The commands, in the order the help lists them. A new command NAME is commands/NAME.cpp,
// which defines `const command_spec NAME_command`, and one line here. The commands over the
// SQLite store are in commands/sqlite/, built only with it (LIVESEND_WITH_SQLITE); `serve` is
// serve/serve.cpp, built only with LIVESEND_BUILD_SERVE (it needs cpp-httplib, OpenSSL and SQLite).
#if LIVESEND_HAVE_SQLITE
#define LIVESEND_CLI_SQLITE_COMMANDS(X) X(load)
#else
#define LIVESEND_CLI_SQLITE_COMMANDS(X)
#endif
#ifdef LIVESEND_HAVE_SERVE
#define LIVESEND_CLI_SERVE(X) X(serve)
#else
#define LIVESEND_CLI_SERVE(X)
#endif
#define LIVESEND_CLI_COMMANDS(X)  \
  X(summary)                      \
  X(json)                         \
  X(validate)                     \
  X(csv)                          \
  LIVESEND_CLI_SQLITE_COMMANDS(X) \
  LIVESEND_CLI_SERVE(X)

namespace livesend_cli {
#define LIVESEND_CLI_DECLARE(name) extern const command_spec name##_command;
LIVESEND_CLI_COMMANDS(LIVESEND_CLI_DECLARE)
#undef LIVESEND_CLI_DECLARE
}  // namespace livesend_cli

int main(int argc, char** argv) {
  using namespace livesend_cli;
  output::prepare_process();
  output out;
  try {
#define LIVESEND_CLI_ENTRY(name) &name##_command,
    arguments args({LIVESEND_CLI_COMMANDS(LIVESEND_CLI_ENTRY)});
#undef LIVESEND_CLI_ENTRY
    int status = exit_ok;
    command* cmd = args.read(argc, argv, out, status);
    if (cmd == nullptr) return out.finish(status);
    try {
      status = cmd->run(out);
    } catch (const usage_error& e) {
      status = args.usage_error(out, e.what, e.arg);
    }
    return out.finish(status);
  } catch (const std::exception& e) {  // out of memory, above all
    out.error("livesend: {}\n", e.what());
    return out.finish(exit_usage);
  }
}
