// tests/test_cli.cpp: the `livesend` command-line tool, run as a process through /bin/sh.
//
// LIVESEND_CLI_PATH names the tool (the environment variable LIVESEND_TEST_CLI, when set, names
// another build of it to test instead), LIVESEND_TEST_DATA_DIR the tests/data folder; commands
// run from that folder, so file names in the tool's messages are the short relative ones below.
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "cli_process.hpp"
#include "livesend/version.hpp"

namespace {

namespace fs = std::filesystem;

using run_result = test::process_result;
using test::cli_path;
using test::run_shell;
using test::shell_quote;

std::string read_file(const fs::path& path) { return test::file_text(path); }

/// Runs `livesend ARGS` (ARGS is shell text) in the test data folder.
run_result cli(const std::string& args, const std::string& input = "/dev/null") {
  return test::run_cli(args, input);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

const std::string seed = "seed-session-summary-v3.json";

const std::string seed_summary =
    "Event e40bbaab-f86e-e62b-d3c9-5104734edb18 (livesend-session-summary-v3)\n"
    "  tenant     demo (79caac86-4242-401f-bf63-4505f609dd22)\n"
    "  occurred   2024-07-14T14:03:52.679592Z\n"
    "  session    2024-07-14T13:47:38Z to 2024-07-14T14:03:45Z, 966 s in all, 0 s on the "
    "landing page\n"
    "  viewer     [email protected] (Buyer, Seismic)\n"
    "  device     pc, windows Windows 11, edge Edge.126.0.0\n"
    "  place      Charlotte, North Carolina, United States (15.2316, -10.8428)\n"
    "  content    1 item(s), 0 viewed, 0 downloaded\n"
    "    - Demo Content (file, doccenter): 0 of 1 page(s) viewed, 0 s, not downloaded\n"
    "        page 1: 0 ms\n";

// The errors of cli/mixed.ndjson: line 1 good, line 2 "TotalContent":"1", line 3 a missing
// colon after "tenantName" (byte 10664 of the file is the value that should follow it), line 4
// blank, line 5 good. FILE:LINE:COLUMN, the column counted in bytes from 1.
const std::string mixed_errors_for_file =
    "cli/mixed.ndjson:2:3227: data.TotalContent: expected an integer, found a string\n"
    "cli/mixed.ndjson:3:3533: offset 10664: expected ':' after object key\n";
const std::string mixed_errors_for_stdin =
    "-:2:3227: data.TotalContent: expected an integer, found a string\n"
    "-:3:3533: offset 10664: expected ':' after object key\n";

}  // namespace

TEST_CASE("summary of the seed prints its report", "[cli]") {
  const run_result r = cli("summary " + seed);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == seed_summary);
}

TEST_CASE("summary of pretty-printed documents, one after the other", "[cli]") {
  // The second event has what the seed lacks: two viewers, a download, page times, missing
  // values, a .NET timestamp and offsets to bring back to UTC.
  const run_result r = cli("summary cli/two-events.json");
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == seed_summary + "\n" +
                     "Event 5f1c0d2e-0000-4000-8000-000000000002 (livesend-session-summary-v3)\n"
                     "  tenant     acme (0b6f1c2d-0000-4000-8000-00000000acme)\n"
                     "  occurred   2024-07-15T09:05:01Z\n"
                     "  session    2024-07-15T08:50:00.500000Z to 2024-07-15T09:04:10Z, 850 s "
                     "in all, 12 s on the landing page\n"
                     "  viewer     [email protected] (Buyer, Seismic)\n"
                     "  viewer     - (Viewer, Seismic)\n"
                     "  device     mobile, ios iOS 17, safari -\n"
                     "  place      Lyon, Auvergne-Rh\xC3\xB4ne-Alpes, - (45.75, 4.85)\n"
                     "  content    2 item(s), 2 viewed, 1 downloaded\n"
                     "    - Price list (file, doccenter): 2 of 3 page(s) viewed, 95 s, "
                     "downloaded 2 time(s)\n"
                     "        page 1: 61000 ms, 2024-07-15T08:51:00Z to 2024-07-15T08:52:01Z\n"
                     "        page 2: 34000 ms, 2024-07-15T08:52:01.250000Z to unset\n"
                     "    - - (url, -): 1 of 1 page(s) viewed, 3 s, not downloaded\n"
                     "        page 1: 3000 ms\n");

  SECTION("validate counts both") {
    const run_result v = cli("validate cli/two-events.json");
    CHECK(v.status == 0);
    CHECK(v.err.empty());
    CHECK(v.out == "2 events, 2 valid, 0 invalid\n");
  }
}

TEST_CASE("json prints one line per event that reads back", "[cli]") {
  const run_result r = cli("json " + seed);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  REQUIRE(lines_of(r.out).size() == 1);
  CHECK(r.out.back() == '\n');
  CHECK(starts_with(r.out, "{\"application\":\"Web\",\"data\":{\"InteractionId\":"));
  // DateTime.MinValue is written as null; offsets and .NET dates in canonical UTC.
  CHECK(r.out.find("\"InteractionOccurredAt\":null,") != std::string::npos);
  CHECK(r.out.find("\"SessionEndedAt\":\"2024-07-14T14:03:45Z\",\"SessionId\"") !=
        std::string::npos);
  CHECK(r.out.find("\"occurredAt\":\"2024-07-14T14:03:52.679592Z\"") != std::string::npos);

  SECTION("validate --normalized reads it back") {
    const run_result v =
        run_shell("\"$LIVESEND\" json " + seed + " | \"$LIVESEND\" validate --normalized -");
    CHECK(v.status == 0);
    CHECK(v.err.empty());
    CHECK(v.out == "1 events, 1 valid, 0 invalid\n");
  }
  SECTION("without --normalized, its null timestamps are errors") {
    const run_result v = run_shell("\"$LIVESEND\" json " + seed + " | \"$LIVESEND\" validate");
    CHECK(v.status == 1);
    CHECK(v.err == "-:1:135: data.InteractionOccurredAt: is null, but the field is required\n");
    CHECK(v.out == "1 events, 0 valid, 1 invalid\n");
  }
  SECTION("json of json is the same text") {
    const run_result again =
        run_shell("\"$LIVESEND\" json " + seed + " | \"$LIVESEND\" json --normalized");
    CHECK(again.status == 0);
    CHECK(again.out == r.out);
  }
  SECTION("summary of json is the summary of the original") {
    const run_result s = run_shell(
        "\"$LIVESEND\" json cli/two-events.json | "
        "\"$LIVESEND\" summary --normalized");
    CHECK(s.status == 0);
    CHECK(s.out == cli("summary cli/two-events.json").out);
  }
}

TEST_CASE("validate the seed", "[cli]") {
  const run_result r = cli("validate " + seed);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "1 events, 1 valid, 0 invalid\n");
}

TEST_CASE("a bad line in NDJSON is reported and the others go on", "[cli]") {
  SECTION("validate") {
    const run_result r = cli("validate cli/mixed.ndjson");
    CHECK(r.status == 1);
    CHECK(r.err == mixed_errors_for_file);
    CHECK(r.out == "4 events, 2 valid, 2 invalid\n");
  }
  SECTION("json prints the good events") {
    const run_result r = cli("json cli/mixed.ndjson");
    CHECK(r.status == 1);
    CHECK(r.err == mixed_errors_for_file);
    const std::vector<std::string> lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find("\"id\":\"e40bbaab-f86e-e62b-d3c9-5104734edb18\"") != std::string::npos);
    CHECK(lines[1].find("\"id\":\"e40bbaab-f86e-e62b-d3c9-000000000004\"") != std::string::npos);
  }
  SECTION("summary prints the good events") {
    const run_result r = cli("summary cli/mixed.ndjson");
    CHECK(r.status == 1);
    CHECK(r.err == mixed_errors_for_file);
    const std::vector<std::string> lines = lines_of(r.out);
    REQUIRE(lines.size() == 21);  // two reports of ten lines and the blank line between them
    CHECK(lines[0] == "Event e40bbaab-f86e-e62b-d3c9-5104734edb18 (livesend-session-summary-v3)");
    CHECK(lines[10].empty());
    CHECK(lines[11] == "Event e40bbaab-f86e-e62b-d3c9-000000000004 (livesend-session-summary-v3)");
  }
  SECTION("a bad file does not hide a good one") {
    const run_result r = cli("validate cli/mixed.ndjson " + seed);
    CHECK(r.status == 1);
    CHECK(r.out == "5 events, 3 valid, 2 invalid\n");
  }
}

TEST_CASE("standard input, as - or when no file is given", "[cli]") {
  SECTION("no FILE") {
    const run_result r = cli("summary", seed);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == seed_summary);
  }
  SECTION("-") {
    const run_result r = cli("summary -", seed);
    CHECK(r.status == 0);
    CHECK(r.out == seed_summary);
  }
  SECTION("errors name it -") {
    const run_result r = cli("validate", "cli/mixed.ndjson");
    CHECK(r.status == 1);
    CHECK(r.err == mixed_errors_for_stdin);
    CHECK(r.out == "4 events, 2 valid, 2 invalid\n");
  }
  SECTION("between files") {
    const run_result ok = cli("validate " + seed + " - cli/two-events.json", seed);
    CHECK(ok.status == 0);
    CHECK(ok.out == "4 events, 4 valid, 0 invalid\n");
  }
  SECTION("empty") {
    const run_result r = cli("validate -");
    CHECK(r.status == 1);
    CHECK(r.err == "-: no event found\n");
    CHECK(r.out == "0 events, 0 valid, 0 invalid\n");
  }
}

TEST_CASE("a file with no event is an error", "[cli]") {
  const run_result r = cli("validate cli/empty.json cli/blank.ndjson");
  CHECK(r.status == 1);
  CHECK(r.err == "cli/empty.json: no event found\ncli/blank.ndjson: no event found\n");
  CHECK(r.out == "0 events, 0 valid, 0 invalid\n");

  const run_result json = cli("json cli/empty.json");
  CHECK(json.status == 1);
  CHECK(json.out.empty());
}

TEST_CASE("an unreadable file is an I/O error", "[cli]") {
  SECTION("missing") {
    const run_result r = cli("json cli/no-such-file.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(starts_with(r.err, "livesend: cli/no-such-file.json: "));
    CHECK(lines_of(r.err).size() == 1);
  }
  SECTION("a directory") {
    const run_result r = cli("validate cli");
    CHECK(r.status == 2);
    CHECK(starts_with(r.err, "livesend: cli: "));
  }
  SECTION("the other files are still read") {
    const run_result r = cli("validate cli/no-such-file.json " + seed);
    CHECK(r.status == 2);
    CHECK(r.out == "1 events, 1 valid, 0 invalid\n");
  }
}

TEST_CASE("usage errors", "[cli]") {
  SECTION("unknown command") {
    const run_result r = cli("frobnicate " + seed);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(starts_with(r.err, "livesend: unknown command 'frobnicate'\nusage: livesend "));
  }
  SECTION("unknown option") {
    const run_result r = cli("json --pretty " + seed);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(starts_with(r.err, "livesend: unknown option '--pretty'\nusage: livesend "));
  }
  SECTION("no command") {
    const run_result r = cli("");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(starts_with(r.err, "livesend: no command\nusage: livesend <command>"));
  }
  SECTION("-- ends the options") {
    const run_result r = cli("validate -- " + seed);
    CHECK(r.status == 0);
    const run_result dash = cli("validate -- --normalized");
    CHECK(dash.status == 2);
    CHECK(starts_with(dash.err, "livesend: --normalized: "));
  }
}

TEST_CASE("help and version", "[cli]") {
  SECTION("top level") {
    for (const char* flag : {"--help", "-h"}) {
      const run_result r = cli(flag);
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(starts_with(r.out, "usage: livesend <command> [options] [FILE...]\n"));
      CHECK(r.out.find("\n  summary ") != std::string::npos);
      CHECK(r.out.find("\n  json ") != std::string::npos);
      CHECK(r.out.find("\n  validate ") != std::string::npos);
      CHECK(r.out.find("--unknown-keys") != std::string::npos);
    }
  }
  SECTION("each command") {
    for (const std::string command : {"summary", "json", "validate"}) {
      for (const std::string flag : {"--help", "-h"}) {
        const run_result r = cli(command + " " + flag);
        CHECK(r.status == 0);
        CHECK(r.err.empty());
        CHECK(starts_with(r.out, "usage: livesend " + command + " [options] [FILE...]\n"));
        CHECK(r.out.find("--normalized") != std::string::npos);
      }
    }
    // Help wins over the files: nothing is read.
    const run_result r = cli("validate cli/no-such-file.json --help");
    CHECK(r.status == 0);
  }
  SECTION("version") {
    const run_result r = cli("--version");
    CHECK(r.status == 0);
    CHECK(r.out == std::string("livesend ") + livesend::version_string + "\n");
    CHECK(cli("json --version").out == r.out);
  }
}

TEST_CASE("--unknown-keys warns and does not fail", "[cli]") {
  // Line 1 has data.ClientDetails.Timezone and a top-level "extra"; line 2 spells known keys in
  // another case (not unknown); line 3 has a key inside a page.
  const std::string warnings =
      "cli/unknown-keys.ndjson:1:710: data.ClientDetails.Timezone: unknown key\n"
      "cli/unknown-keys.ndjson:1:3582: extra: unknown key\n"
      "cli/unknown-keys.ndjson:3:2086: data.ContentSessions[0].Pages[0].Zoom: unknown key\n";
  SECTION("validate") {
    const run_result r = cli("validate --unknown-keys cli/unknown-keys.ndjson");
    CHECK(r.status == 0);
    CHECK(r.err == warnings);
    CHECK(r.out == "3 events, 3 valid, 0 invalid\n");
  }
  SECTION("json, the option after the file") {
    const run_result r = cli("json cli/unknown-keys.ndjson --unknown-keys");
    CHECK(r.status == 0);
    CHECK(r.err == warnings);
    CHECK(lines_of(r.out).size() == 3);
    CHECK(r.out.find("Timezone") == std::string::npos);  // unknown keys are dropped
  }
  SECTION("silent without the option") {
    const run_result r = cli("validate cli/unknown-keys.ndjson");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
  }
  SECTION("the seed has none") {
    const run_result r = cli("validate --unknown-keys " + seed);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
  }
}

TEST_CASE("--redact masks personal data", "[cli][redact]") {
  // The fixtures hold no real address: put some in, with sed, on the way in.
  const std::string with_pii =
      "sed -e 's/\"IpAddress\": \"\"/\"IpAddress\": \"198.51.100.23\"/' "
      "-e 's/\"Email\": \"[^\"]*\"/\"Email\": \"jane.doe@example.com\"/' "
      "-e 's/\"Email\": null/\"Email\": \"j.d@example.org\"/' "
      "-e 's/\"Recipients\": null/\"Recipients\": [\"bob@example.net\", {\"to\": "
      "\"x@y.io\"}, \"no address\"]/' " +
      seed;

  SECTION("summary: the viewer's address keeps its first letter and domain") {
    const run_result plain = run_shell(with_pii + " | \"$LIVESEND\" summary");
    REQUIRE(plain.status == 0);
    CHECK(plain.out.find("  viewer     jane.doe@example.com (Buyer, Seismic)\n") !=
          std::string::npos);
    const run_result r = run_shell(with_pii + " | \"$LIVESEND\" summary --redact");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    const std::vector<std::string> lines = lines_of(r.out);
    const std::vector<std::string> plain_lines = lines_of(plain.out);
    REQUIRE(lines.size() == plain_lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (starts_with(lines[i], "  viewer ")) {
        CHECK(lines[i] == "  viewer     j***@example.com (Buyer, Seismic)");
      } else if (starts_with(lines[i], "  place ")) {
        CHECK(lines[i] == "  place      Charlotte, North Carolina, United States (15.2, -10.8)");
      } else {
        CHECK(lines[i] == plain_lines[i]);  // the rest as without --redact
      }
    }
    CHECK(r.out.find("jane.doe") == std::string::npos);
  }
  SECTION("summary: a value that is not an address is masked whole") {
    const run_result r = cli("summary --redact " + seed);
    CHECK(r.status == 0);
    CHECK(r.out.find("  viewer     *** (Buyer, Seismic)\n") != std::string::npos);
    CHECK(r.out.find("[email protected]") == std::string::npos);
  }
  SECTION("json: addresses, the IP address and the coordinates, still valid JSON") {
    const run_result r = run_shell(with_pii + " | \"$LIVESEND\" json --redact");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    REQUIRE(lines_of(r.out).size() == 1);
    CHECK(r.out.find("\"IpAddress\":\"198.51.*.*\"") != std::string::npos);
    CHECK(r.out.find("\"Email\":\"j***@example.com\"") != std::string::npos);
    CHECK(r.out.find("\"Email\":\"j***@example.org\"") != std::string::npos);
    CHECK(r.out.find("\"Recipients\":[\"b***@example.net\",{\"to\":\"x***@y.io\"},"
                     "\"no address\"]") != std::string::npos);
    CHECK(r.out.find("\"GeolocationLatitude\":15.2,\"GeolocationLongitude\":-10.8") !=
          std::string::npos);
    for (const char* secret : {"jane.doe", "j.d@", "bob@", "\"x@", "100.23"}) {
      INFO(secret);
      CHECK(r.out.find(secret) == std::string::npos);
    }
    const run_result back = run_shell(with_pii +
                                      " | \"$LIVESEND\" json --redact | "
                                      "\"$LIVESEND\" validate --normalized");
    CHECK(back.status == 0);
    CHECK(back.out == "1 events, 1 valid, 0 invalid\n");
  }
  SECTION("json: IPv6 and other forms") {
    const std::string v6 =
        "sed -e 's/\"IpAddress\": \"\"/\"IpAddress\": \"2001:db8:85a3::8a2e:370:7334\"/' " + seed +
        " | \"$LIVESEND\" json --redact";
    CHECK(run_shell(v6).out.find("\"IpAddress\":\"2001:db8:*\"") != std::string::npos);
    const std::string list =
        "sed -e 's/\"IpAddress\": \"\"/\"IpAddress\": \"203.0.113.9, 10.0.0.1\"/' " + seed +
        " | \"$LIVESEND\" json --redact";
    CHECK(run_shell(list).out.find("\"IpAddress\":\"***\"") != std::string::npos);
    // Empty stays empty: nothing to hide.
    CHECK(cli("json --redact " + seed).out.find("\"IpAddress\":\"\"") != std::string::npos);
  }
  SECTION("without --redact nothing changes") {
    const run_result r = run_shell(with_pii + " | \"$LIVESEND\" json");
    CHECK(r.out.find("\"IpAddress\":\"198.51.100.23\"") != std::string::npos);
    CHECK(r.out.find("jane.doe@example.com") != std::string::npos);
  }
  SECTION("validate prints no values: --redact is a usage error there") {
    const run_result r = cli("validate --redact " + seed);
    CHECK(r.status == 2);
    CHECK(starts_with(r.err, "livesend: option not for validate"));
  }
  SECTION("errors do not repeat a wrong-typed address") {
    const run_result r = run_shell(
        "sed -e 's/\"Email\": \"[^\"]*\"/\"Email\": [\"jane.doe@example.com\"]/' "
        "-e 's/\"IpAddress\": \"\"/\"IpAddress\": {\"v4\": \"198.51.100.23\"}/' " +
        seed + " | \"$LIVESEND\" validate");
    CHECK(r.status == 1);
    CHECK(r.err == "-:18:20: data.ClientDetails.IpAddress: expected a string, found an object\n");
  }
  SECTION("help") { CHECK(cli("summary --help").out.find("--redact") != std::string::npos); }
}

// ---- Output errors (issue 15): never an abort; exit status 2; reported where stderr works ----

namespace {

const std::string stdout_full = "livesend: standard output: No space left on device\n";

/// A file of `pairs` times lines 1 and 2 of cli/mixed.ndjson (a good event, then one with an
/// error): a run that goes through all of it prints `pairs` error lines. Removed with the object.
class big_input {
 public:
  explicit big_input(int pairs)
      : path_(fs::temp_directory_path() /
              ("livesend-test-cli-big-" + std::to_string(::getpid()) + ".ndjson")) {
    const std::vector<std::string> mixed =
        lines_of(read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "cli/mixed.ndjson"));
    REQUIRE(mixed.size() >= 2);
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < pairs; ++i) out << mixed[0] << '\n' << mixed[1] << '\n';
    REQUIRE(out.good());
  }
  big_input(const big_input&) = delete;
  big_input& operator=(const big_input&) = delete;
  ~big_input() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  std::string path() const { return shell_quote(path_.string()); }

 private:
  fs::path path_;
};

/// The lines of `err` that report a bad event of big_input.
std::size_t event_errors(const std::string& err) {
  std::size_t n = 0;
  for (const std::string& line : lines_of(err)) {
    if (line.find(": data.TotalContent: expected an integer") != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("an output error is never an abort", "[cli][output-errors]") {
  REQUIRE(fs::exists("/dev/full"));
  SECTION("a usage error, stderr full") {
    const run_result r = cli("frobnicate " + seed + " 2>/dev/full");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
  }
  SECTION("a usage error, stderr closed") {
    const run_result r = run_shell("\"$LIVESEND\" json --pretty " + seed + " 2>&-");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
  }
  SECTION("no command, stderr full") { CHECK(cli("2>/dev/full").status == 2); }
  SECTION("a bad event, stderr full: its error is lost, so exit 2") {
    const run_result r = cli("validate cli/mixed.ndjson 2>/dev/full");
    CHECK(r.status == 2);
    CHECK(r.out == "4 events, 2 valid, 2 invalid\n");
  }
  SECTION("a bad event, stderr closed") {
    const run_result r = cli("validate cli/mixed.ndjson 2>&-");
    CHECK(r.status == 2);
    CHECK(r.out == "4 events, 2 valid, 2 invalid\n");
  }
  SECTION("stderr closed and nothing to say: no error") {
    const run_result r = cli("validate " + seed + " 2>&-");
    CHECK(r.status == 0);
    CHECK(r.out == "1 events, 1 valid, 0 invalid\n");
  }
  SECTION("stdout full") {
    for (const char* command : {"json", "summary", "validate"}) {
      INFO(command);
      const run_result r = cli(std::string(command) + " " + seed + " >/dev/full");
      CHECK(r.status == 2);
      CHECK(r.err == stdout_full);
    }
  }
  SECTION("stdout closed") {
    const run_result r = cli("json " + seed + " >&-");
    CHECK(r.status == 2);
    CHECK(starts_with(r.err, "livesend: standard output: "));
    CHECK(lines_of(r.err).size() == 1);
  }
  SECTION("stdout and stderr full, or stderr closed") {
    CHECK(cli("json " + seed + " >/dev/full 2>/dev/full").status == 2);
    CHECK(cli("json " + seed + " >/dev/full 2>&-").status == 2);
    CHECK(cli("validate cli/mixed.ndjson >/dev/full 2>/dev/full").status == 2);
  }
}

TEST_CASE("help and version check their writes", "[cli][output-errors]") {
  REQUIRE(fs::exists("/dev/full"));
  for (const char* args :
       {"--help", "-h", "summary --help", "validate -h", "--version", "json --version"}) {
    INFO(args);
    const run_result r = cli(std::string(args) + " >/dev/full");
    CHECK(r.status == 2);
    CHECK(r.err == stdout_full);
    CHECK(cli(std::string(args) + " >/dev/full 2>/dev/full").status == 2);
    CHECK(cli(std::string(args) + " >&- 2>&-").status == 2);
  }
}

TEST_CASE("the first failed write to stdout stops the run", "[cli][output-errors]") {
  // 1000 bad events among 2000 (21 MB): a run that goes on after its output failed reports
  // all 1000 on stderr; one that stops at the first failed write reports those before it only.
  const int pairs = 1000;
  const big_input big(pairs);
  SECTION("a full disk") {
    REQUIRE(fs::exists("/dev/full"));
    const run_result r = run_shell("\"$LIVESEND\" json " + big.path() + " >/dev/full");
    CHECK(r.status == 2);
    CHECK(event_errors(r.err) <= 1);  // the one that flushed stdout, at most
    REQUIRE(!lines_of(r.err).empty());
    CHECK(lines_of(r.err).back() + "\n" == stdout_full);
  }
  // `head -c 1` reads a little and goes away: the tool's next write fails with EPIPE (SIGPIPE is
  // ignored), whether the shell that started it had SIGPIPE at its default or ignored. What it
  // wrote before that is bounded by the pipe's capacity (64 KiB on Linux: a few events), not
  // by the input.
  for (const std::string sigpipe : {"", "trap '' PIPE; "}) {
    DYNAMIC_SECTION("a reader that goes away" << (sigpipe.empty() ? "" : ", SIGPIPE ignored")) {
      const run_result r = run_shell(sigpipe + "exec 3>&1; { \"$LIVESEND\" json " + big.path() +
                                     "; echo \"status $?\" >&3; } | head -c 1 >/dev/null");
      CHECK(r.out == "status 2\n");
      CHECK(event_errors(r.err) < 100);
      REQUIRE(!lines_of(r.err).empty());
      CHECK(lines_of(r.err).back() == "livesend: standard output: Broken pipe");
    }
  }
  SECTION("a reader that reads it all: every error") {
    const run_result r = run_shell("\"$LIVESEND\" json " + big.path() + " >/dev/null");
    CHECK(r.status == 1);
    CHECK(event_errors(r.err) == pairs);
  }
}

// ---- --jobs, --rejects, --progress (issue 13) ------------------------------------------------

namespace {

/// A file removed with the object.
class temp_file {
 public:
  explicit temp_file(const std::string& name, const std::string& text = std::string())
      : path_(fs::temp_directory_path() /
              ("livesend-test-cli-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream out(path_, std::ios::binary);
    out << text;
    REQUIRE(out.good());
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  std::string path() const { return shell_quote(path_.string()); }
  std::string raw_path() const { return path_.string(); }
  std::string text() const { return read_file(path_); }

 private:
  fs::path path_;
};

/// Longer than --max-input-size 20000, but held whole in the reader's 1 MiB piece: refused by
/// the parser, its bytes at hand.
std::string medium_record() { return "{\"x\": \"" + std::string(30000, 'a') + "\"}"; }

/// Good records, bad ones, unknown keys and records longer than --max-input-size 20000 (some
/// of 2 MiB, longer than the reader's piece: passed over, never held), many times over: what
/// several threads would hand out in another order if they could.
std::string mixed_stream() {
  const std::vector<std::string> mixed =
      lines_of(read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "cli/mixed.ndjson"));
  const std::vector<std::string> unknown =
      lines_of(read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "cli/unknown-keys.ndjson"));
  std::string text;
  for (int i = 0; i < 60; ++i) {
    for (const std::string& line : mixed) text += line + "\n";
    text += unknown[static_cast<std::size_t>(i) % unknown.size()] + "\n";
    if (i % 7 == 3) text += medium_record() + "\n";
    if (i % 30 == 4) text += "{\"x\": \"" + std::string(std::size_t{1} << 21, 'a') + "\"}\n";
    if (i % 5 == 1) text += "{\"application\": \"Web\"}\r\n";
  }
  return text;
}

}  // namespace

TEST_CASE("--jobs: the same output, byte for byte, for any number of threads", "[cli][jobs]") {
  const temp_file input("jobs.ndjson", mixed_stream());
  for (const std::string command : {"validate", "json", "summary", "json --redact"}) {
    for (const bool from_stdin : {false, true}) {
      const std::string args = command + " --unknown-keys --max-input-size 20000 " +
                               (from_stdin ? "- <" : "") + input.path();
      const run_result one = cli(args + " --jobs 1");
      CHECK(one.status == 1);
      CHECK(one.err.find("passed over") != std::string::npos);
      CHECK(one.err.find("larger than the limit of 20000") != std::string::npos);
      CHECK(one.err.find("unknown key") != std::string::npos);
      CHECK(one.err.find("expected an integer") != std::string::npos);
      for (const char* jobs : {"2", "3", "8"}) {
        INFO(args << " --jobs " << jobs);
        const run_result r = cli(args + " --jobs " + jobs);
        CHECK(r.status == one.status);
        CHECK(r.out == one.out);
        CHECK(r.err == one.err);
      }
      const run_result by_default = cli(args);
      CHECK(by_default.out == one.out);
      CHECK(by_default.err == one.err);
    }
  }
  SECTION("validate counts them all") {
    const run_result r = cli("validate --max-input-size 20000 --jobs 3 " + input.path());
    // 60 times: 2 good and 2 bad of mixed.ndjson, 1 of unknown-keys.ndjson (good); 9 medium
    // (i = 3, 10, ..., 59), 2 huge (i = 4, 34) and 12 short bad ones (i = 1, 6, ..., 56).
    CHECK(r.out == "323 events, 180 valid, 143 invalid\n");
  }
  SECTION("--jobs 0 is a usage error") {
    const run_result r = cli("validate --jobs 0 " + seed);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
  }
  SECTION("help") { CHECK(cli("json --help").out.find("--jobs N") != std::string::npos); }
}

TEST_CASE("--rejects: every record that fails, as it came, in order", "[cli][rejects]") {
  const std::string text = mixed_stream();
  const temp_file input("rejects-in.ndjson", text);
  // What should be kept: every bad line but the huge ones, in order (see mixed_stream).
  const std::string medium = medium_record();
  const std::vector<std::string> mixed =
      lines_of(read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "cli/mixed.ndjson"));
  std::string expected;
  for (int i = 0; i < 60; ++i) {
    expected += mixed[1] + "\n" + mixed[2] + "\n";
    if (i % 7 == 3) expected += medium + "\n";
    if (i % 5 == 1) expected += "{\"application\": \"Web\"}\n";
  }
  const run_result one = cli("validate --max-input-size 20000 --jobs 1 " + input.path());
  for (const char* jobs : {"1", "2", "3", "8"}) {
    INFO("--jobs " << jobs);
    const temp_file rejects("rejects.ndjson");
    const run_result r = cli("validate --max-input-size 20000 --jobs " + std::string(jobs) +
                             " --rejects " + rejects.path() + " " + input.path());
    CHECK(r.status == 1);
    CHECK(r.out == one.out);
    // The error lines as without --rejects, then what went where.
    CHECK(r.err == one.err + "livesend: 141 rejected records written to " + rejects.raw_path() +
                       ", 2 more too large to keep\n");
    CHECK(rejects.text() == expected);
  }
  SECTION("fed back, they fail again, all of them") {
    const temp_file rejects("rejects-back.ndjson");
    (void)cli("json --max-input-size 20000 --rejects " + rejects.path() + " " + input.path());
    const run_result back = cli("validate " + rejects.path());
    CHECK(back.out == "141 events, 0 valid, 141 invalid\n");
  }
  SECTION("from standard input, the same") {
    const temp_file rejects("rejects-stdin.ndjson");
    (void)cli("validate --max-input-size 20000 --jobs 2 --rejects " + rejects.path(),
              input.raw_path());
    CHECK(rejects.text() == expected);
  }
  SECTION("no rejects: an empty file") {
    const temp_file rejects("rejects-none.ndjson");
    const run_result r = cli("validate --rejects " + rejects.path() + " " + seed);
    CHECK(r.status == 0);
    CHECK(rejects.text().empty());
    CHECK(r.err.find("livesend: 0 rejected records written to ") == 0);
  }
  SECTION("a rejects file that cannot be written") {
    const run_result r = cli("validate --rejects /dev/full cli/mixed.ndjson");
    CHECK(r.status == 2);
    CHECK(r.err.find("livesend: /dev/full: No space left on device\n") != std::string::npos);
    const run_result dir = cli("validate --rejects / cli/mixed.ndjson");
    CHECK(dir.status == 2);
  }
}

TEST_CASE("--progress on a terminal only, cleared at the end", "[cli][progress]") {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    WARN("util-linux script not found: progress not tested");
    return;
  }
  const temp_file input("progress.ndjson", mixed_stream());
  std::string good_lines;
  for (int i = 0; i < 50; ++i)
    good_lines +=
        lines_of(read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "cli/mixed.ndjson"))[0] + "\n";
  const temp_file good("progress-good.ndjson", good_lines);
  const std::string clear = "\r\x1b[2K";
  auto under_tty = [&](const std::string& args, const temp_file& file) {
    // script runs the command on a pseudo-terminal (stdout and stderr both) and copies what
    // it shows to its own stdout.
    return run_shell("script -q -c \"\\\"$LIVESEND\\\" " + args + " " + file.path() +
                     "\" /dev/null");
  };
  SECTION("stderr a terminal, stdout not: shown, then cleared") {
    const run_result r = under_tty("validate >/dev/null", good);
    const std::size_t at = r.out.find(clear + good.raw_path() + ": ");
    CHECK(at != std::string::npos);
    CHECK(r.out.find(" events, ") != std::string::npos);
    CHECK(r.out.find(" MB/s, 0 errors") != std::string::npos);
    CHECK(r.out.find(" left") != std::string::npos);
    REQUIRE(r.out.size() >= clear.size());
    CHECK(r.out.substr(r.out.size() - clear.size()) == clear);
  }
  SECTION("cleared before each error line") {
    const run_result r = under_tty("validate --max-input-size 20000 >/dev/null", input);
    CHECK(r.out.find(clear + input.raw_path() + ": ") != std::string::npos);
    CHECK(r.out.find(clear + input.raw_path() + ":2:3227: data.") != std::string::npos);
    const std::size_t last_draw = r.out.rfind(clear + input.raw_path() + ": ");
    REQUIRE(last_draw != std::string::npos);
    CHECK(r.out.find(clear, last_draw + clear.size()) != std::string::npos);
  }
  SECTION("stdout the terminal too: only with --progress") {
    CHECK(under_tty("validate", good).out.find(clear) == std::string::npos);
    CHECK(under_tty("validate --progress", good).out.find(clear) != std::string::npos);
  }
  SECTION("--no-progress") {
    CHECK(under_tty("validate --no-progress >/dev/null", good).out.find(clear) ==
          std::string::npos);
  }
  SECTION("stderr not a terminal: never") {
    const run_result r = cli("validate --progress --max-input-size 20000 " + input.path());
    CHECK(r.err.find('\r') == std::string::npos);
    CHECK(r.err.find('\x1b') == std::string::npos);
  }
}

// ---- A slow pipe: each record's output leaves as soon as the record is in ------------------

namespace {

/// Reads from `fd` until `text` ends with a line feed, waiting at most 10 s in all (poll);
/// false on a timeout or at the end of the output.
bool read_line_within_10s(int fd, std::string& text) {
  for (int waited_ms = 0; waited_ms < 10000; waited_ms += 100) {
    if (!text.empty() && text.back() == '\n') return true;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return !text.empty() && text.back() == '\n';
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

TEST_CASE("livesend json writes each record's event before the next one arrives", "[cli][pipe]") {
  // Two good events of cli/mixed.ndjson (lines 1 and 5), written one at a time into the tool's
  // standard input, a pipe kept open: the first event's line must come out before the second
  // is written, and before the input ends (the reader reads what has arrived, and stdout is
  // flushed before it waits for more).
  const std::vector<std::string> lines =
      lines_of(read_file(fs::path(LIVESEND_TEST_DATA_DIR) / "cli" / "mixed.ndjson"));
  REQUIRE(lines.size() >= 5);
  int to_tool[2];
  int from_tool[2];
  REQUIRE(::pipe(to_tool) == 0);
  REQUIRE(::pipe(from_tool) == 0);
  const std::string tool = cli_path();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(to_tool[0], 0);
    ::dup2(from_tool[1], 1);
    ::close(to_tool[0]);
    ::close(to_tool[1]);
    ::close(from_tool[0]);
    ::close(from_tool[1]);
    ::execl(tool.c_str(), "livesend", "json", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(to_tool[0]);
  ::close(from_tool[1]);
  std::string first;
  std::string second;
  CHECK(write_all(to_tool[1], lines[0] + "\n"));
  const bool first_in_time = read_line_within_10s(from_tool[0], first);
  CHECK(first_in_time);
  CHECK(first.find("\"tenantName\":\"demo\"") != std::string::npos);
  // A record whose closing brace has arrived is complete: no line feed needed after it.
  CHECK(write_all(to_tool[1], lines[4]));
  const bool second_in_time = read_line_within_10s(from_tool[0], second);
  CHECK(second_in_time);
  CHECK(second.find("\"tenantName\":") != std::string::npos);
  CHECK(second != first);
  ::close(to_tool[1]);
  std::string rest;
  CHECK_FALSE(read_line_within_10s(from_tool[0], rest));  // the end: nothing more
  CHECK(rest.empty());
  ::close(from_tool[0]);
  int status = 0;
  CHECK(::waitpid(pid, &status, 0) == pid);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
