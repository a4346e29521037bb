// tools/livesend/commands/summary.cpp: `livesend summary`, a readable report of each event.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "../arguments.hpp"
#include "../command.hpp"
#include "../input.hpp"
#include "../output.hpp"
#include "../redact.hpp"
#include "livesend/livesend.hpp"

namespace livesend_cli {

namespace {

/// A missing value, as the summary shows it.
constexpr std::string_view dash = "-";

std::string_view or_dash(std::string_view s) noexcept { return s.empty() ? dash : s; }
std::string_view or_dash(const std::optional<std::string_view>& s) noexcept {
  return s ? or_dash(*s) : dash;
}
livesend::timestamp or_unset(const std::optional<livesend::timestamp>& t) noexcept {
  return t.value_or(livesend::timestamp::unset());
}

/// The report of one event; every line ends with a newline. With `redact`, as --redact says.
void write_summary(fmt::memory_buffer& out, const livesend::event_view& ev, bool redact,
                   std::string& scratch) {
  const livesend::data_view& d = ev.data;
  auto it = fmt::appender(out);
  it = fmt::format_to(it, "Event {} ({})\n", ev.id, ev.version);
  it = fmt::format_to(it, "  tenant     {} ({})\n", or_dash(ev.tenant_name), or_dash(ev.tenant_id));
  it = fmt::format_to(it, "  occurred   {}\n", ev.occurred_at);
  it = fmt::format_to(it, "  session    {} to {}, {} s in all, {} s on the landing page\n",
                      d.session_started_at, d.session_ended_at, d.total_duration_seconds,
                      d.landing_page_duration_seconds);
  for (const livesend::participant_view& p : d.participants) {
    std::string_view email = p.email;
    if (redact) email = redacted<&livesend::participant_view::email>(p.email, scratch);
    it = fmt::format_to(it, "  viewer     {} ({}, {})\n", or_dash(email), or_dash(p.user_type),
                        or_dash(p.user_login_type));
  }
  if (d.participants.empty()) it = fmt::format_to(it, "  viewer     {}\n", dash);
  const livesend::client_details_view& c = d.client_details;
  it = fmt::format_to(it, "  device     {}, {} {}, {} {}\n", or_dash(c.device_type),
                      or_dash(c.operating_system), or_dash(c.operating_system_version),
                      or_dash(c.browser), or_dash(c.browser_version));
  it = fmt::format_to(
      it, "  place      {}, {}, {} ({}, {})\n", or_dash(c.city), or_dash(c.state),
      or_dash(c.country),
      redact
          ? redacted<&livesend::client_details_view::geolocation_latitude>(c.geolocation_latitude)
          : c.geolocation_latitude,
      redact
          ? redacted<&livesend::client_details_view::geolocation_longitude>(c.geolocation_longitude)
          : c.geolocation_longitude);
  it = fmt::format_to(it, "  content    {} item(s), {} viewed, {} downloaded\n", d.total_content,
                      d.total_content_viewed, d.total_content_downloaded);
  for (const livesend::content_session_view& s : d.content_sessions) {
    it = fmt::format_to(it, "    - {} ({}, {}): {} of {} page(s) viewed, {} s, ",
                        or_dash(s.content.name), or_dash(s.content.type),
                        or_dash(s.content.repository), s.total_pages_viewed, s.total_pages,
                        s.duration_seconds);
    if (s.was_downloaded) {
      it = fmt::format_to(it, "downloaded {} time(s)\n", s.download_count);
    } else {
      it = fmt::format_to(it, "not downloaded\n");
    }
    for (const livesend::page_view& p : s.pages) {
      it = fmt::format_to(it, "        page {}: {} ms", p.page_index, p.duration_milliseconds);
      if (p.started_at || p.ended_at) {
        it = fmt::format_to(it, ", {} to {}", or_unset(p.started_at), or_unset(p.ended_at));
      }
      it = fmt::format_to(it, "\n");
    }
  }
}

class summary final : public command {
 public:
  void add_options(CLI::App& app) override {
    input_.add_options(app);
    add_redact_option(app, redact_);
  }

  int run(output& out) override {
    // Each report is written on the thread that parsed its event; the main thread copies them
    // out in input order, a blank line between two.
    return input_.read_prepared(out, [this] { return std::make_unique<report>(*this); });
  }

 private:
  /// One event's report.
  class report final : public event_output {
   public:
    explicit report(summary& command) : command_(command) {}
    void prepare(const livesend::event_view& ev) override {
      text_.clear();
      write_summary(text_, ev, command_.redact_, scratch_);
    }
    void emit(output& out) override {
      if (command_.reports_++ != 0) out.buffer().push_back('\n');
      out.buffer().append(text_.data(), text_.data() + text_.size());
    }

   private:
    summary& command_;  // its redact_ read on any thread, its reports_ counted on the main one
    fmt::memory_buffer text_;
    std::string scratch_;
  };

  event_input input_;
  bool redact_ = false;
  std::size_t reports_ = 0;
};

}  // namespace

extern const command_spec summary_command{
    "summary", "print a readable report of each event",
    "Prints a readable report of each event: tenant, time, session, viewers, device, place\n"
    "and every content item with its pages. A blank line separates events; \"-\" or \"unset\"\n"
    "marks a missing value.\n",
    [] { return std::unique_ptr<command>(new summary); }};

}  // namespace livesend_cli
