// tools/livesend/commands/json.cpp: `livesend json`, each event as normalized JSON, one a line.
#include <CLI/CLI.hpp>

#include "../arguments.hpp"
#include "../command.hpp"
#include "../input.hpp"
#include "../output.hpp"
#include "livesend/livesend.hpp"

namespace livesend_cli {

namespace {

class json final : public command {
 public:
  void add_options(CLI::App& app) override {
    input_.add_options(app);
    add_redact_option(app, options_.redact);
  }

  int run(output& out) override {
    return input_.read(out, [&](const livesend::event_view& ev) {
      livesend::write_json(out.buffer(), ev, options_);
      out.buffer().push_back('\n');
    });
  }

 private:
  event_input input_;
  livesend::write_options options_;  // --redact: the library masks what the schema marks personal
};

}  // namespace

extern const command_spec json_command{
    "json", "print each event as normalized JSON, one per line",
    "Prints each event as the contract's normalized JSON, one event per line. Read that\n"
    "output back with --normalized.\n",
    [] { return std::unique_ptr<command>(new json); }};

}  // namespace livesend_cli
