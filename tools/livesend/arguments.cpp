// tools/livesend/arguments.cpp: see arguments.hpp.
#include "arguments.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "livesend/version.hpp"
#include "output.hpp"

namespace livesend_cli {

namespace {

constexpr const char* top_usage = "usage: livesend <command> [options] [FILE...]";
constexpr const char* description = "Reads livesend-session-summary-v3 webhook events.";
constexpr const char* help_description = "print this help and exit";
constexpr const char* version_description = "print the version and exit";
constexpr const char* exit_help =
    "exit status: 0 every event is valid; 1 an event is invalid or a file holds none;\n"
    "2 usage or I/O error.\n";

bool is_help_or_version(const CLI::Option* opt) {
  return opt->check_lname("help") || opt->check_lname("version");
}

/// `-h, --help`, `--db FILE`.
std::string display_name(const CLI::Option* opt) {
  std::string name;
  for (const std::string& s : opt->get_snames()) name += (name.empty() ? "-" : ", -") + s;
  for (const std::string& l : opt->get_lnames()) name += (name.empty() ? "--" : ", --") + l;
  if (opt->get_items_expected_max() != 0) name += " " + opt->get_type_name();
  return name;
}

/// The options a command's help lists: its own in the order it registered them (hidden ones
/// left out), then -h/--help and --version.
std::vector<const CLI::Option*> listed_options(const CLI::App& app) {
  std::vector<const CLI::Option*> listed;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->nonpositional() && !opt->get_group().empty() && !is_help_or_version(opt)) {
      listed.push_back(opt);
    }
  }
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->check_lname("help")) listed.push_back(opt);
  }
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->check_lname("version")) listed.push_back(opt);
  }
  return listed;
}

/// "options:" and one entry per option: the name in a column of 16, then the description
/// (its continuation lines under its first).
void write_options(fmt::memory_buffer& to, const std::vector<const CLI::Option*>& options) {
  auto it = fmt::appender(to);
  it = fmt::format_to(it, "options:\n");
  for (const CLI::Option* opt : options) {
    const std::string name = display_name(opt);
    const std::size_t column = std::max<std::size_t>(16, name.size() + 2);
    it = fmt::format_to(it, "  {:<{}}", name, column);
    for (const char c : opt->get_description()) {
      *it++ = c;
      if (c == '\n') it = fmt::format_to(it, "{:<{}}", "", column + 2);
    }
    *it++ = '\n';
  }
}

/// " [FILE...]" for each operand.
std::string operands(const CLI::App& app) {
  std::string text;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->nonpositional()) continue;
    const std::string name = opt->get_type_name().empty() ? opt->get_name() : opt->get_type_name();
    const bool many = opt->get_items_expected_max() > 1;
    text += opt->get_required() ? " " + name : " [" + name + (many ? "...]" : "]");
  }
  return text;
}

}  // namespace

arguments::arguments(std::vector<const command_spec*> table)
    : app_(description, "livesend"), table_(std::move(table)) {
  app_.set_help_flag("-h,--help", help_description);
  app_.add_flag("--version", version_, version_description);
  app_.allow_extras();  // unknown options and commands: our own messages
  app_.require_subcommand(0, 1);
  for (const command_spec* spec : table_) {
    CLI::App* sub = app_.add_subcommand(std::string(spec->name), std::string(spec->synopsis));
    sub->allow_extras();
    commands_.push_back(spec->make());
    commands_.back()->add_options(*sub);
    sub->add_flag("--version", version_, version_description);
    subcommands_.push_back(sub);
  }
}

command* arguments::read(int argc, char** argv, output& out, int& status) {
  bool help = false;
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    help = true;                        // once the arguments are known to be good
  } catch (const CLI::ParseError& e) {  // e.g. an option without its value
    status = usage(out, std::string("livesend: ") + e.what());
    return nullptr;
  }
  // An argument nobody knows: the first, in the order given (the top level's come first).
  for (const bool top : {true, false}) {
    for (const std::string& arg : app_.remaining(!top)) {
      if (arg == "--") continue;
      const bool is_option = arg.size() > 1 && arg[0] == '-';
      status = usage_error(out,
                           is_option ? "unknown option"
                           : top     ? "unknown command"
                                     : "unexpected operand",
                           arg);
      return nullptr;
    }
  }
  std::size_t chosen = table_.size();
  for (std::size_t i = 0; i < subcommands_.size(); ++i) {
    if (subcommands_[i]->parsed()) chosen = i;
  }
  status = exit_ok;
  if (help) {
    if (chosen == table_.size()) {
      write_top_help(out.buffer());
    } else {
      write_command_help(out.buffer(), chosen);
    }
    return nullptr;
  }
  if (version_) {
    fmt::format_to(fmt::appender(out.buffer()), "livesend {}\n", livesend::version_string);
    return nullptr;
  }
  if (chosen == table_.size()) {
    fmt::memory_buffer text;
    fmt::format_to(fmt::appender(text), "livesend: no command\n");
    write_top_help(text);
    out.error_text(std::string_view(text.data(), text.size()));
    status = exit_usage;
    return nullptr;
  }
  return commands_[chosen].get();
}

int arguments::usage_error(output& out, std::string_view what, std::string_view arg) const {
  return usage(out, fmt::format("livesend: {} '{}'", what, arg));
}

int arguments::usage(output& out, std::string_view message) const {
  std::string names;
  for (const command_spec* spec : table_) {
    if (!names.empty()) names += ", ";
    names += spec->name;
  }
  out.error("{}\n{}   (commands: {})\nTry 'livesend --help' for more information.\n", message,
            top_usage, names);
  return exit_usage;
}

void arguments::write_top_help(fmt::memory_buffer& to) const {
  auto it = fmt::appender(to);
  it = fmt::format_to(it, "{}\n\n{}\n\ncommands:\n", top_usage, description);
  for (const command_spec* spec : table_) {
    it = fmt::format_to(it, "  {:<10}{}\n", spec->name, spec->synopsis);
  }
  // Every command's paragraph and options, each once.
  std::vector<std::string> footers;
  std::vector<const CLI::Option*> options;
  std::vector<std::string> names;
  for (const CLI::App* sub : subcommands_) {
    const std::string footer = sub->get_footer();
    if (!footer.empty() && std::find(footers.begin(), footers.end(), footer) == footers.end()) {
      footers.push_back(footer);
    }
    for (const CLI::Option* opt : listed_options(*sub)) {
      const std::string name = display_name(opt);
      if (!is_help_or_version(opt) && std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
        options.push_back(opt);
      }
    }
  }
  for (const CLI::Option* opt : listed_options(app_)) options.push_back(opt);
  for (const std::string& footer : footers) it = fmt::format_to(it, "\n{}", footer);
  to.push_back('\n');
  write_options(to, options);
  fmt::format_to(fmt::appender(to), "\n{}", exit_help);
}

void arguments::write_command_help(fmt::memory_buffer& to, std::size_t index) const {
  const CLI::App& sub = *subcommands_[index];
  auto it = fmt::appender(to);
  it = fmt::format_to(it, "usage: livesend {} [options]{}\n\n{}\n", table_[index]->name,
                      operands(sub), table_[index]->help);
  const std::string footer = sub.get_footer();
  if (!footer.empty()) it = fmt::format_to(it, "{}\n", footer);
  write_options(to, listed_options(sub));
  fmt::format_to(fmt::appender(to), "\n{}", exit_help);
}

void add_redact_option(CLI::App& app, bool& redact, bool hidden) {
  CLI::Option* opt =
      app.add_flag("--redact", redact,
                   "(summary, json, csv) mask personal data: e-mail addresses keep their first\n"
                   "letter and domain (j***@example.com), IP addresses their network\n"
                   "(198.51.*.*, 2001:db8:*), coordinates one decimal (about 11 km)");
  if (hidden) opt->group("");
}

}  // namespace livesend_cli
