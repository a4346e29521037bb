// tools/livesend/commands/json.cpp: `livesend json`, each event as normalized JSON, one a line.
#include <CLI/CLI.hpp>
#include <memory>

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
    // Each event is written as JSON on the thread that parsed it; the main thread copies the
    // lines out in input order.
    return input_.read_prepared(out, [this] { return std::make_unique<line>(options_); });
  }

 private:
  /// One event's JSON line.
  class line final : public event_output {
   public:
    explicit line(const livesend::write_options& options) : options_(options) {}
    void prepare(const livesend::event_view& ev) override {
      text_.clear();
      livesend::write_json(text_, ev, options_);
      text_.push_back('\n');
    }
    void emit(output& out) override {
      out.buffer().append(text_.data(), text_.data() + text_.size());
    }

   private:
    const livesend::write_options& options_;
    fmt::memory_buffer text_;
  };

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
