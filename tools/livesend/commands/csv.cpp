// tools/livesend/commands/csv.cpp: `livesend csv --out DIR`, the tables as one CSV file each.
//
// The rows go through livesend::csv_writer (one reused buffer per table, no allocation per row
// once warm); a table's buffer is written to its file once it holds 1 MiB, and at the end.
#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "../arguments.hpp"
#include "../command.hpp"
#include "../input.hpp"
#include "../output.hpp"
#include "../redact.hpp"
#include "livesend/csv.hpp"
#include "livesend/livesend.hpp"

namespace livesend_cli {

namespace {

class csv final : public command {
 public:
  csv() = default;
  csv(const csv&) = delete;
  csv& operator=(const csv&) = delete;
  ~csv() override { close_all(); }

  void add_options(CLI::App& app) override {
    app.add_option("--out", dir_,
                   "(csv) write DIR/<table>.csv, one file per table, created or\n"
                   "truncated (DIR is created when missing)")
        ->type_name("DIR")
        ->required();
    input_.add_options(app);
    add_redact_option(app, redact_);
  }

  int run(output& out) override {
    writer_ = livesend::csv_writer(redact_);
    if (!open_all(out)) return exit_usage;
    // Each event's rows are written on the thread that parsed it; the main thread copies them
    // into the tables' buffers in input order.
    int status =
        input_.read_prepared(out, [this] { return std::make_unique<rows>(*this, redact_); });
    for (livesend::table t : livesend::all_tables) write_out(out, t);
    close_all(&out);
    if (io_failed_) status = worse(status, exit_usage);
    if (!out.failed()) {
      fmt::format_to(fmt::appender(out.buffer()), "{} events, {} valid, {} invalid\n",
                     input_.events(), input_.events() - input_.failed(), input_.failed());
    }
    return status;
  }

 private:
  static constexpr std::size_t flush_threshold = std::size_t{1} << 20;

  /// One event's rows, a buffer per table.
  class rows final : public event_output {
   public:
    rows(csv& command, bool redact) : command_(command), writer_(redact) {}
    void prepare(const livesend::event_view& ev) override {
      for (livesend::table t : livesend::all_tables) writer_.clear(t);
      writer_.write(ev);
    }
    void emit(output& out) override { command_.add(out, writer_); }

   private:
    csv& command_;
    livesend::csv_writer writer_;
  };

  /// On the main thread: appends one event's rows to the tables, writing out a full buffer.
  void add(output& out, const livesend::csv_writer& event_rows) {
    if (io_failed_) return;  // reported: the remaining events are read, not written
    for (livesend::table t : livesend::all_tables) {
      const std::string_view text = event_rows.text(t);
      fmt::memory_buffer& to = writer_.buffer(t);
      to.append(text.data(), text.data() + text.size());
      if (to.size() >= flush_threshold) write_out(out, t);
    }
  }

  /// Creates DIR when missing, then creates or truncates each table's file and writes its
  /// header row; false (reported) when any of it fails.
  bool open_all(output& out) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) {
      out.error("livesend: {}: cannot create the directory: {}\n", dir_, ec.message());
      return false;
    }
    for (livesend::table t : livesend::all_tables) {
      const std::size_t i = static_cast<std::size_t>(t);
      paths_[i] =
          (std::filesystem::path(dir_) / (std::string(livesend::table_name(t)) + ".csv")).string();
      errno = 0;
      files_[i] = std::fopen(paths_[i].c_str(), "wb");
      if (files_[i] == nullptr) {
        out.error("livesend: {}: {}\n", paths_[i], std::strerror(errno != 0 ? errno : EIO));
        close_all();
        return false;
      }
      std::setvbuf(files_[i], nullptr, _IONBF, 0);  // written in large pieces already
      livesend::append_csv_header(writer_.buffer(t), t);
    }
    return true;
  }

  /// Writes table t's buffer to its file and empties it; the first failure is reported.
  void write_out(output& out, livesend::table t) {
    const std::size_t i = static_cast<std::size_t>(t);
    const std::string_view text = writer_.text(t);
    if (!io_failed_ && !text.empty() && files_[i] != nullptr) {
      errno = 0;
      if (std::fwrite(text.data(), 1, text.size(), files_[i]) != text.size()) fail(out, i);
    }
    writer_.clear(t);
  }

  /// Closes the files; with `out`, a failed close is reported.
  void close_all(output* out = nullptr) {
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (files_[i] == nullptr) continue;
      errno = 0;
      const bool ok = std::fclose(files_[i]) == 0;
      files_[i] = nullptr;
      if (!ok && out != nullptr) fail(*out, i);
    }
  }

  void fail(output& out, std::size_t i) {
    if (io_failed_) return;
    io_failed_ = true;
    out.error("livesend: {}: {}\n", paths_[i], std::strerror(errno != 0 ? errno : EIO));
  }

  event_input input_;
  std::string dir_;
  bool redact_ = false;
  livesend::csv_writer writer_;
  std::array<std::FILE*, livesend::table_count> files_ = {};
  std::array<std::string, livesend::table_count> paths_;
  bool io_failed_ = false;
};

}  // namespace

extern const command_spec csv_command{
    "csv", "write the events' tables as CSV files, one per table",
    "Writes the events as the contract's tables (docs/tables.md): DIR/events.csv,\n"
    "link_contents.csv, content_sessions.csv, pages.csv and participants.csv, each with a\n"
    "header row of the column names, RFC 4180 quoting, UTF-8 without a BOM; an empty field\n"
    "is a missing value, \"\" an empty text. Prints, at the end,\n"
    "\"<total> events, <ok> valid, <bad> invalid\".\n",
    [] { return std::unique_ptr<command>(new csv); }};

}  // namespace livesend_cli
