// tests/test_tables_cli.cpp: `livesend csv --out DIR`, run as a process: its files read back by
// Python's csv module and by SQLite's `.import --csv`, every cell compared with the library's
// own row walk of the same events (tables.hpp); --redact, bad records, an unwritable DIR.
#include <fmt/format.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "cli_process.hpp"
#include "livesend/livesend.hpp"
#include "livesend/tables.hpp"
#include "support.hpp"
#include "table_rows.hpp"

namespace {

using livesend::table;

/// The rows of every event of the files (paths relative to tests/data), as the library walks
/// them.
test::recording_sink rows_of_files(const std::vector<std::string>& files) {
  test::recording_sink sink;
  livesend::parser parser;
  livesend::event scratch;
  for (const std::string& file : files) {
    const std::string text = test::read_file(test::data_path(file));
    livesend::parse_stream(
        parser, std::string_view(text), scratch,
        [&](const livesend::stream_record&, const livesend::error& err, const livesend::event& ev) {
          if (!err) livesend::for_each_row(ev, sink);
        });
  }
  return sink;
}

std::string hex(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) out += fmt::format("{:02x}", c);
  return out;
}

/// A row as the readers below print it: each field's UTF-8 bytes in hex, joined with commas.
std::string hex_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) line += ',';
    line += hex(fields[i]);
  }
  return line + "\n";
}

/// What a CSV file of table t holds, read back, as hex lines: the header (when `header`), then
/// each row's cells as text ("" for a missing value, true/false for a bool).
std::string expected_lines(const test::recording_sink& sink, table t, bool header) {
  std::string out;
  if (header) {
    std::vector<std::string> names;
    for (const livesend::column& c : livesend::columns(t)) names.emplace_back(c.name());
    out += hex_line(names);
  }
  for (const test::recorded_row& row : sink.of(t)) {
    std::vector<std::string> fields;
    for (const std::string& cell : row.cells)
      fields.push_back(cell == "null" ? "" : cell.substr(2));
    out += hex_line(fields);
  }
  return out;
}

const std::string seed = "seed-session-summary-v3.json";

}  // namespace

TEST_CASE("csv writes one file per table, read back to the same cells", "[cli][csv]") {
  const test::temp_dir dir("csv-out");
  const std::string out = dir / "tables";  // created by the command
  const test::process_result r =
      test::run_cli("csv --out " + test::shell_quote(out) + " " + seed + " cli/two-events.json");
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "3 events, 3 valid, 0 invalid\n");
  const test::recording_sink rows = rows_of_files({seed, "cli/two-events.json"});
  REQUIRE(rows.rows.size() > 5);
  const bool python = test::command_works("python3 -c pass");
  const bool sqlite = test::command_works("sqlite3 -version");
  if (!python) WARN("python3 not found: the CSV files are not read back with Python");
  if (!sqlite) WARN("sqlite3 not found: the CSV files are not read back with SQLite");

  for (table t : livesend::all_tables) {
    const std::string path = out + "/" + std::string(livesend::table_name(t)) + ".csv";
    const std::string text = test::file_text(path);
    INFO(path);
    REQUIRE_FALSE(text.empty());
    CHECK(text.substr(0, 3) != "\xEF\xBB\xBF");  // no BOM
    CHECK(text.substr(text.size() - 2) == "\r\n");

    if (python) {  // Python's csv module
      int status = -1;
      const std::string got = test::output_of(
          "python3 -c \"import csv, sys\n"
          "for row in csv.reader(open(sys.argv[1], newline='', encoding='utf-8')):\n"
          "    print(','.join(f.encode('utf-8').hex() for f in row))\" " +
              test::shell_quote(path),
          status);
      CHECK(status == 0);
      CHECK(got == expected_lines(rows, t, true));
    }
    if (sqlite) {  // SQLite's .import --csv
      // The header names the columns of a new table; each cell comes back as the hex of its
      // text (an empty field is '', as in Python).
      std::string select;
      for (const livesend::column& c : livesend::columns(t)) {
        select += select.empty() ? "SELECT " : ", ";
        select += fmt::format("lower(hex(\"{}\"))", c.name());
      }
      const std::string script = dir / (std::string(livesend::table_name(t)) + ".sql");
      {
        std::FILE* f = std::fopen(script.c_str(), "wb");
        REQUIRE(f != nullptr);
        const std::string sql = ".import --csv " + test::shell_quote(path) +
                                " t\n.mode list\n.separator , \"\\n\"\n" + select +
                                " FROM t ORDER BY rowid;\n";
        std::fwrite(sql.data(), 1, sql.size(), f);
        std::fclose(f);
      }
      int status = -1;
      const std::string got =
          test::output_of("sqlite3 -bail :memory: < " + test::shell_quote(script), status);
      CHECK(status == 0);
      CHECK(got == expected_lines(rows, t, false));
    }
  }
}

TEST_CASE("csv --redact writes what json --redact holds", "[cli][csv]") {
  const test::temp_dir dir("csv-redact");
  const std::string plain = dir / "plain";
  const std::string redacted = dir / "redacted";
  const std::string via_json = dir / "via-json";
  REQUIRE(test::run_cli("csv --out " + test::shell_quote(plain) + " cli/two-events.json").status ==
          0);
  const test::process_result r =
      test::run_cli("csv --redact --out " + test::shell_quote(redacted) + " cli/two-events.json");
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  // The same events through json --redact, read back: the same CSV.
  const test::process_result j = test::run_shell(
      "\"$LIVESEND\" json --redact cli/two-events.json | \"$LIVESEND\" csv --normalized --out " +
      test::shell_quote(via_json) + " -");
  REQUIRE(j.status == 0);
  for (table t : livesend::all_tables) {
    const std::string name = "/" + std::string(livesend::table_name(t)) + ".csv";
    INFO(name);
    CHECK(test::file_text(redacted + name) == test::file_text(via_json + name));
  }
  // And it did mask something: the viewers' addresses at least.
  CHECK(test::file_text(redacted + "/participants.csv") !=
        test::file_text(plain + "/participants.csv"));
  CHECK(test::file_text(redacted + "/participants.csv").find("***") != std::string::npos);
}

TEST_CASE("csv writes the good events of a file with bad records, reports the bad", "[cli][csv]") {
  const test::temp_dir dir("csv-mixed");
  const test::process_result r =
      test::run_cli("csv --out " + test::shell_quote(dir.path.string()) + " cli/mixed.ndjson");
  CHECK(r.status == 1);
  CHECK(r.err ==
        "cli/mixed.ndjson:2:3227: data.TotalContent: expected an integer, found a string\n"
        "cli/mixed.ndjson:3:3533: offset 10664: expected ':' after object key\n");
  CHECK(r.out == "4 events, 2 valid, 2 invalid\n");
  const std::string events = test::file_text(dir / "events.csv");
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = events.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
  CHECK(lines == 3);  // the header and the two good events
}

TEST_CASE("csv: an unwritable DIR is a clear error, before any input is read", "[cli][csv]") {
  SECTION("DIR under a file") {
    const test::process_result r = test::run_cli("csv --out " + seed + "/tables " + seed);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "livesend: " + seed + "/tables: cannot create the directory: Not a directory\n");
  }
  SECTION("a table's file cannot be created") {
    const test::temp_dir dir("csv-unwritable");
    std::filesystem::create_directories(dir.path / "pages.csv");  // a directory in its way
    const test::process_result r =
        test::run_cli("csv --out " + test::shell_quote(dir.path.string()) + " " + seed);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "livesend: " + (dir / "pages.csv") + ": Is a directory\n");
  }
  SECTION("--out is required") {
    const test::process_result r = test::run_cli("csv " + seed);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--out") != std::string::npos);
  }
}

TEST_CASE("csv --jobs: the same files, byte for byte, for any number of threads",
          "[cli][csv][jobs]") {
  // Over 1 MiB (a smaller file is read on the main thread whatever --jobs says): good events,
  // bad ones, unknown keys and records longer than --max-input-size, many times over.
  auto lines_of = [](const std::string& file) {
    std::vector<std::string> lines;
    std::istringstream in(test::read_file(test::data_path(file)));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  };
  const std::vector<std::string> mixed = lines_of("cli/mixed.ndjson");
  const std::vector<std::string> unknown = lines_of("cli/unknown-keys.ndjson");
  std::string text;
  for (int i = 0; i < 80; ++i) {
    for (const std::string& line : mixed) text += line + "\n";
    text += unknown[static_cast<std::size_t>(i) % unknown.size()] + "\n";
    if (i % 9 == 4) text += "{\"x\": \"" + std::string(30000, 'a') + "\"}\n";
  }
  REQUIRE(text.size() > (std::size_t{1} << 20));
  const test::temp_dir dir("csv-jobs");
  const std::string input = dir / "in.ndjson";
  {
    std::FILE* f = std::fopen(input.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  for (const bool from_stdin : {false, true}) {
    for (const char* redact : {"", "--redact "}) {
      auto run = [&](const std::string& jobs, const std::string& out) {
        const std::string args = std::string("csv ") + redact +
                                 "--unknown-keys --max-input-size 20000 --jobs " + jobs +
                                 " --out " + test::shell_quote(out) + " ";
        return from_stdin ? test::run_cli(args + "-", input)
                          : test::run_cli(args + test::shell_quote(input));
      };
      const std::string one_dir = dir / "one";
      const test::process_result one = run("1", one_dir);
      CHECK(one.status == 1);
      CHECK(one.err.find("unknown key") != std::string::npos);
      CHECK(one.err.find("larger than the limit of 20000") != std::string::npos);
      for (const char* jobs : {"2", "3", "8"}) {
        INFO((from_stdin ? "stdin" : "file") << " " << redact << "--jobs " << jobs);
        const std::string many_dir = dir / (std::string("jobs") + jobs);
        const test::process_result r = run(jobs, many_dir);
        CHECK(r.status == one.status);
        CHECK(r.out == one.out);
        CHECK(r.err == one.err);
        for (table t : livesend::all_tables) {
          const std::string name = "/" + std::string(livesend::table_name(t)) + ".csv";
          INFO(name);
          CHECK(test::file_text(many_dir + name) == test::file_text(one_dir + name));
        }
      }
    }
  }
}
