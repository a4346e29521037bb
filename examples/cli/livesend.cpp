// examples/cli/livesend.cpp: the `livesend` command-line tool.
//
//   livesend summary  [--normalized] [--unknown-keys] [--redact] [FILE...]   a readable report
//   livesend json     [--normalized] [--unknown-keys] [--redact] [FILE...]   normalized JSON
//   livesend validate [--normalized] [--unknown-keys] [FILE...]   errors, then a count
//
// Each FILE (standard input for `-` or when none is given) holds one JSON document, several
// concatenated ones, or NDJSON. It is read piece by piece (1 MiB at a time, more only for a
// longer record) by livesend::read_stream, each record parsed in place into one reused
// event_view: memory stays bounded whatever the file's size, after the first few events the
// steady path allocates nothing but one buffer per file, and output goes through one reused
// fmt::memory_buffer.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "livesend/livesend.hpp"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

namespace {

// ---- Command line ---------------------------------------------------------------------------

constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;  // an invalid event, or a file without any
constexpr int exit_usage = 2;    // a usage or I/O error

enum class command { summary, json, validate };

struct command_info {
  std::string_view name;
  command cmd;
  std::string_view synopsis;  // one line, for the top-level help
  std::string_view help;      // the paragraph of `livesend CMD --help`
};

constexpr command_info commands[] = {
    {"summary", command::summary, "print a readable report of each event",
     "Prints a readable report of each event: tenant, time, session, viewers, device, place\n"
     "and every content item with its pages. A blank line separates events; \"-\" or \"unset\"\n"
     "marks a missing value.\n"},
    {"json", command::json, "print each event as normalized JSON, one per line",
     "Prints each event as the contract's normalized JSON, one event per line. Read that\n"
     "output back with --normalized.\n"},
    {"validate", command::validate, "check every event and print how many are valid",
     "Checks every event, reports each error on stderr and prints, at the end,\n"
     "\"<total> events, <ok> valid, <bad> invalid\".\n"},
};

constexpr std::string_view input_help =
    "Each FILE holds one JSON event, several concatenated ones, or NDJSON (one event per\n"
    "line); with no FILE, or for -, standard input is read. Errors go to stderr as\n"
    "FILE:LINE: PATH: message (or FILE:LINE: offset N: message for malformed JSON).\n";

constexpr std::string_view options_help =
    "options:\n"
    "  --normalized    read null timestamps as unset (to read `livesend json` output back)\n"
    "  --unknown-keys  warn on stderr about each key the contract does not know\n"
    "  --redact        (summary, json) mask personal data: e-mail addresses keep their first\n"
    "                  letter and domain (j***@example.com), IP addresses their network\n"
    "                  (198.51.*.*, 2001:db8:*), coordinates one decimal (about 11 km)\n"
    "  -h, --help      print this help and exit\n"
    "  --version       print the version and exit\n";

constexpr std::string_view exit_help =
    "exit status: 0 every event is valid; 1 an event is invalid or a file holds none;\n"
    "2 usage or I/O error.\n";

void print_top_help(std::FILE* to) {
  fmt::print(to, "usage: livesend <command> [options] [FILE...]\n\n");
  fmt::print(to, "Reads livesend-session-summary-v3 webhook events.\n\ncommands:\n");
  for (const command_info& c : commands) fmt::print(to, "  {:<10}{}\n", c.name, c.synopsis);
  fmt::print(to, "\n{}\n{}\n{}", input_help, options_help, exit_help);
}

void print_command_help(const command_info& c) {
  fmt::print("usage: livesend {} [options] [FILE...]\n\n{}\n{}\n{}\n{}", c.name, c.help, input_help,
             options_help, exit_help);
}

int usage_error(std::string_view what, std::string_view arg) {
  fmt::print(stderr,
             "livesend: {} '{}'\n"
             "usage: livesend <command> [options] [FILE...]   (commands: summary, json, "
             "validate)\n"
             "Try 'livesend --help' for more information.\n",
             what, arg);
  return exit_usage;
}

struct options {
  const command_info* cmd = nullptr;
  bool help = false;
  bool version = false;
  bool redact = false;
  livesend::parse_options parse;
  std::vector<const char*> files;
};

/// Reads the arguments: the first operand is the command, the others are files; options may
/// come anywhere, and `--` ends them. Returns an exit status when the run ends here.
std::optional<int> read_arguments(int argc, char** argv, options& opts) {
  bool operands_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool is_option = !operands_only && arg.size() > 1 && arg[0] == '-';
    if (is_option) {
      if (arg == "--") {
        operands_only = true;
      } else if (arg == "-h" || arg == "--help") {
        opts.help = true;
      } else if (arg == "--version") {
        opts.version = true;
      } else if (arg == "--normalized") {
        opts.parse.null_timestamp_is_unset = true;
      } else if (arg == "--unknown-keys") {
        opts.parse.report_unknown_keys = true;
      } else if (arg == "--redact") {
        opts.redact = true;
      } else {
        return usage_error("unknown option", arg);
      }
    } else if (opts.cmd == nullptr) {
      for (const command_info& c : commands) {
        if (c.name == arg) opts.cmd = &c;
      }
      if (opts.cmd == nullptr) return usage_error("unknown command", arg);
    } else {
      opts.files.push_back(argv[i]);
    }
  }
  if (opts.help) {
    if (opts.cmd == nullptr) {
      print_top_help(stdout);
    } else {
      print_command_help(*opts.cmd);
    }
    return exit_ok;
  }
  if (opts.version) {
    fmt::print("livesend {}\n", livesend::version_string);
    return exit_ok;
  }
  if (opts.cmd == nullptr) {
    fmt::print(stderr, "livesend: no command\n");
    print_top_help(stderr);
    return exit_usage;
  }
  if (opts.redact && opts.cmd->cmd == command::validate) {
    return usage_error("option not for validate (it prints no values)", "--redact");
  }
  if (opts.files.empty()) opts.files.push_back("-");
  return std::nullopt;
}

// ---- Input ----------------------------------------------------------------------------------

// ---- Output ---------------------------------------------------------------------------------

/// A missing value, as the summary shows it.
constexpr std::string_view dash = "-";

std::string_view or_dash(std::string_view s) noexcept { return s.empty() ? dash : s; }
std::string_view or_dash(const std::optional<std::string_view>& s) noexcept {
  return s ? or_dash(*s) : dash;
}
livesend::timestamp or_unset(const std::optional<livesend::timestamp>& t) noexcept {
  return t.value_or(livesend::timestamp::unset());
}

// ---- Redaction (--redact) --------------------------------------------------------------------
// What identifies a person in an event: the viewers' e-mail addresses (Participants[].Email,
// data.Email, and any address inside the raw values, e.g. Recipients), the viewer's IP address
// (ClientDetails.IpAddress) and the precise coordinates (GeolocationLatitude/Longitude, to
// about 11 m). Masked, each keeps what is useful in aggregate and does not single out a person:
// the domain of an address, the network of an IP address, the region of a place. The masks
// write into reused strings, so the steady path still allocates nothing.

constexpr std::string_view mask = "***";

bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// `jane.doe@example.com` -> `j***@example.com`; text that is not an address -> `***`; an empty
/// text stays empty.
void mask_email(std::string_view email, std::string& out) {
  out.clear();
  if (email.empty()) return;
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) {
    out = mask;
    return;
  }
  if (is_ascii_alnum(email[0])) out += email[0];
  out += mask;
  out += email.substr(at);
}

/// `198.51.100.23` -> `198.51.*.*`; `2001:db8::1` -> `2001:db8:*`; anything else -> `***`; an
/// empty text stays empty.
void mask_ip(std::string_view ip, std::string& out) {
  out.clear();
  if (ip.empty()) return;
  std::size_t dots = 0;
  std::size_t second_dot = 0;
  bool v4 = true;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if (ip[i] == '.') {
      if (++dots == 2) second_dot = i;
    } else if (ip[i] < '0' || ip[i] > '9') {
      v4 = false;
    }
  }
  if (v4 && dots == 3) {
    out.append(ip.substr(0, second_dot));
    out += ".*.*";
    return;
  }
  const std::size_t first_colon = ip.find(':');
  const std::size_t second_colon =
      first_colon == std::string_view::npos ? first_colon : ip.find(':', first_colon + 1);
  bool hex = true;
  for (const char c : ip) hex = hex && (is_ascii_alnum(c) || c == ':' || c == '.');
  if (hex && second_colon != std::string_view::npos && first_colon > 0 &&
      second_colon > first_colon + 1) {
    out.append(ip.substr(0, second_colon));
    out += ":*";
    return;
  }
  out = mask;
}

/// A coordinate to one decimal: a region, not a house.
double coarse(double degrees) noexcept { return std::round(degrees * 10) / 10; }

/// `json` (a raw value, valid JSON) with every string that holds an '@' masked as an e-mail
/// address (its text between the quotes, escapes and all, stands for the address).
void mask_emails_in_raw(std::string_view json, std::string& out, std::string& scratch) {
  out.clear();
  std::size_t i = 0;
  while (i < json.size()) {
    if (json[i] != '"') {
      out += json[i++];
      continue;
    }
    std::size_t end = i + 1;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    const std::string_view text = json.substr(i + 1, end - i - 1);
    out += '"';
    if (text.find("\\u0040") != std::string_view::npos) {
      out.append(mask);  // an '@' written as an escape: no telling the parts apart
    } else if (text.find('@') == std::string_view::npos) {
      out.append(text);
    } else {
      // An escape in the domain would be cut in half by a mask: then all of it goes.
      mask_email(text, scratch);
      if (scratch.find('\\') == std::string::npos) {
        out.append(scratch);
      } else {
        out.append(mask);
      }
    }
    out += '"';
    i = end + 1;
  }
}

/// The event as --redact prints it: a reused owning copy with the personal data masked.
class redactor {
 public:
  const livesend::event& redact(const livesend::event_view& ev) {
    livesend::assign(event_, ev);
    livesend::data& d = event_.data;
    if (d.email) email(*d.email);
    for (livesend::participant& p : d.participants) {
      email(p.email);
      raw(p.context);
    }
    mask_ip(d.client_details.ip_address, scratch_);
    d.client_details.ip_address.swap(scratch_);
    d.client_details.geolocation_latitude = coarse(d.client_details.geolocation_latitude);
    d.client_details.geolocation_longitude = coarse(d.client_details.geolocation_longitude);
    raw(d.recipients);
    raw(d.links);
    livesend::session_summary& summary = d.livesend_session_summary;
    raw(summary.tracking_parameters);
    raw(summary.link.tags);
    raw(summary.link.download_formats);
    for (livesend::content& c : summary.link.content) raw(c.pages);
    for (livesend::content_session& s : d.content_sessions) {
      raw(s.content.pages);
      raw(s.download_formats);
    }
    return event_;
  }

 private:
  void email(std::string& text) {
    mask_email(text, scratch_);
    text.swap(scratch_);
  }
  void raw(livesend::raw_json& value) {
    mask_emails_in_raw(value.json, scratch_, raw_scratch_);
    value.json.swap(scratch_);
  }
  void raw(std::optional<livesend::raw_json>& value) {
    if (value) raw(*value);
  }

  livesend::event event_;
  std::string scratch_;
  std::string raw_scratch_;
};

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
    if (redact) {
      mask_email(p.email, scratch);
      email = scratch;
    }
    it = fmt::format_to(it, "  viewer     {} ({}, {})\n", or_dash(email), or_dash(p.user_type),
                        or_dash(p.user_login_type));
  }
  if (d.participants.empty()) it = fmt::format_to(it, "  viewer     {}\n", dash);
  const livesend::client_details_view& c = d.client_details;
  it = fmt::format_to(it, "  device     {}, {} {}, {} {}\n", or_dash(c.device_type),
                      or_dash(c.operating_system), or_dash(c.operating_system_version),
                      or_dash(c.browser), or_dash(c.browser_version));
  it = fmt::format_to(it, "  place      {}, {}, {} ({}, {})\n", or_dash(c.city), or_dash(c.state),
                      or_dash(c.country),
                      redact ? coarse(c.geolocation_latitude) : c.geolocation_latitude,
                      redact ? coarse(c.geolocation_longitude) : c.geolocation_longitude);
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

// ---- The run --------------------------------------------------------------------------------

class runner {
 public:
  explicit runner(const options& opts) : opts_(opts), parser_(opts.parse) {}

  /// Processes every file; returns the exit status.
  int run() {
    for (const char* file : opts_.files) process(file);
    if (opts_.cmd->cmd == command::validate) {
      fmt::format_to(fmt::appender(out_), "{} events, {} valid, {} invalid\n", events_,
                     events_ - failed_, failed_);
    }
    flush_stdout();
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      fmt::print(stderr, "livesend: standard output: {}\n", std::strerror(errno));
      note_status(exit_usage);
    }
    return status_;
  }

 private:
  void process(const char* file) {
    const std::string_view name = file;
    const bool is_stdin = name == "-";
    std::FILE* in = is_stdin ? stdin : std::fopen(file, "rb");
    if (in == nullptr) {
      report("livesend: {}: {}\n", name, std::strerror(errno));
      note_status(exit_usage);
      return;
    }
    errno = 0;
    const livesend::stream_stats stats = livesend::read_stream(
        parser_, [in](char* into, std::size_t room) { return std::fread(into, 1, room, in); },
        scratch_,
        [&](const livesend::stream_record& record, const livesend::error& err,
            const livesend::event_view& ev) { on_record(name, record, err, ev); });
    const int read_error = std::ferror(in) != 0 ? errno : 0;
    if (!is_stdin) std::fclose(in);
    events_ += stats.events;
    failed_ += stats.failed;
    if (stats.failed != 0) note_status(exit_invalid);
    if (read_error != 0) {
      report("livesend: {}: {}\n", name, std::strerror(read_error));
      note_status(exit_usage);
    } else if (stats.events == 0) {
      report("{}: no event found\n", name);
      note_status(exit_invalid);
    }
  }

  void on_record(std::string_view name, const livesend::stream_record& record,
                 const livesend::error& err, const livesend::event_view& ev) {
    for (const livesend::unknown_key& key : record.unknown_keys) {
      report("{}:{}: {}: unknown key\n", name, key.line, key.path);
    }
    if (err) {
      report("{}:{}: {}\n", name, err.line(), err);
      return;
    }
    switch (opts_.cmd->cmd) {
      case command::summary:
        if (summaries_++ != 0) out_.push_back('\n');
        write_summary(out_, ev, opts_.redact, scratch_text_);
        break;
      case command::json:
        if (opts_.redact) {
          livesend::write_json(out_, redactor_.redact(ev));
        } else {
          livesend::write_json(out_, ev);
        }
        out_.push_back('\n');
        break;
      case command::validate:
        break;
    }
    if (out_.size() >= flush_threshold) flush_stdout();
  }

  /// One line to stderr, after what stdout already holds (so that the two read in order when
  /// they go to the same place).
  template <class... Args>
  void report(fmt::format_string<Args...> format, Args&&... args) {
    flush_stdout();
    std::fflush(stdout);
    err_.clear();
    fmt::format_to(fmt::appender(err_), format, std::forward<Args>(args)...);
    std::fwrite(err_.data(), 1, err_.size(), stderr);
  }

  void flush_stdout() {
    if (out_.size() != 0) std::fwrite(out_.data(), 1, out_.size(), stdout);
    out_.clear();
  }

  void note_status(int status) noexcept {
    if (status > status_) status_ = status;
  }

  static constexpr std::size_t flush_threshold = std::size_t{1} << 16;

  const options& opts_;
  livesend::parser parser_;
  livesend::event_view scratch_;
  redactor redactor_;
  std::string scratch_text_;
  fmt::memory_buffer out_;
  fmt::memory_buffer err_;
  std::size_t events_ = 0;
  std::size_t failed_ = 0;
  std::size_t summaries_ = 0;
  int status_ = exit_ok;
};

}  // namespace

int main(int argc, char** argv) {
#ifdef _WIN32
  // Bytes in and out as they are: no CRLF translation of the JSON.
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  options opts;
  if (const std::optional<int> done = read_arguments(argc, argv, opts)) return *done;
  return runner(opts).run();
}
