// tools/livesend/commands/validate.cpp: `livesend validate`, errors on stderr, then a count.
#include <CLI/CLI.hpp>

#include "../arguments.hpp"
#include "../command.hpp"
#include "../input.hpp"
#include "../output.hpp"
#include "livesend/livesend.hpp"

namespace livesend_cli {

namespace {

class validate final : public command {
 public:
  void add_options(CLI::App& app) override {
    input_.add_options(app);
    add_redact_option(app, redact_, /*hidden=*/true);  // known, to be refused clearly
  }

  int run(output& out) override {
    if (redact_) throw usage_error{"option not for validate (it prints no values)", "--redact"};
    // Nothing is made of the events: each thread keeps one parser (event_input::read_prepared).
    const int status = input_.read_prepared(out, event_input::make_output());
    if (!out.failed()) {
      fmt::format_to(fmt::appender(out.buffer()), "{} events, {} valid, {} invalid\n",
                     input_.events(), input_.events() - input_.failed(), input_.failed());
    }
    return status;
  }

 private:
  event_input input_;
  bool redact_ = false;
};

}  // namespace

extern const command_spec validate_command{
    "validate", "check every event and print how many are valid",
    "Checks every event, reports each error on stderr and prints, at the end,\n"
    "\"<total> events, <ok> valid, <bad> invalid\".\n",
    [] { return std::unique_ptr<command>(new validate); }};

}  // namespace livesend_cli
