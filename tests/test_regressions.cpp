// tests/test_regressions.cpp: the inputs the fuzzers found (tests/data/regressions/; its
// README.md says what each one found), replayed: each event read by both flavours and the
// reference reader (differential/compare.hpp) and round-tripped as fuzz/fuzz_event.cpp does;
// each stream's records read as they read alone; each timestamp's text read back.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "catch.hpp"
#include "differential/compare.hpp"
#include "livesend/livesend.hpp"
#include "support.hpp"

using differential::compare;
using differential::verdict;

namespace {

namespace fs = std::filesystem;

/// The files of tests/data/regressions/<kind>, sorted.
std::vector<fs::path> regressions(const char* kind) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(test::data_path("regressions")) / kind;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// What fuzz/fuzz_event.cpp checks, for one input.
void check_event_properties(const std::string& input) {
  const verdict v = compare(input);
  CHECK(v.mismatch == "");
  livesend::parse_options report;
  report.report_unknown_keys = true;
  livesend::parser reporting(report);
  livesend::event ev;
  const livesend::error err = reporting.parse(input, ev);
  for (const livesend::unknown_key& key : reporting.unknown_keys()) {
    INFO(key.path);
    CHECK(key.offset < input.size());
    CHECK(input.substr(key.offset, 1) == "\"");
    CHECK(key.line == livesend::detail::line_of(input, key.offset));
  }
  if (!err) {
    const std::string json = livesend::to_json(ev);
    livesend::parse_options normalized;
    normalized.null_timestamp_is_unset = true;
    const livesend::result<livesend::event> round = livesend::parse_event(json, normalized);
    REQUIRE(round.has_value());
    CHECK(*round == ev);
    CHECK(livesend::to_json(*round) == json);
  }
}

}  // namespace

TEST_CASE("regressions: the inputs the fuzzers found", "[regression]") {
  // tests/data/regressions/event/NAME: one event each, read by both flavours, the reference and
  // the round trip through normalized JSON (see fuzz/fuzz_event.cpp); README.md there says what
  // each one found.
  for (const fs::path& file : regressions("event")) {
    INFO(file.filename().string());
    check_event_properties(test::read_file(file.string()));
  }
  // tests/data/regressions/stream/NAME: a buffer each; every record reads as it does alone.
  for (const fs::path& file : regressions("stream")) {
    INFO(file.filename().string());
    const std::string buffer = test::read_file(file.string());
    livesend::parser parser;
    livesend::event_view ev;
    livesend::parser alone;
    livesend::event_view alone_ev;
    (void)livesend::parse_stream(
        parser, buffer, ev,
        [&](const livesend::stream_record& r, const livesend::error& err,
            const livesend::event_view&) {
          if (r.problem != nullptr) return;  // array punctuation
          livesend::error expected = alone.parse(r.text, alone_ev);
          if (expected) {
            expected.rebase(r.offset, r.line - 1);
            // The column in the stream: from its line's start.
            const std::size_t newline = buffer.substr(0, expected.offset()).rfind('\n');
            expected.set_column(expected.offset() - (newline + 1) + 1);
          }
          INFO("record " << r.index << ": in the stream " << err.to_string() << ", alone "
                         << expected.to_string());
          CHECK(err == expected);
          CHECK(compare(r.text).mismatch == "");
        });
  }
  // tests/data/regressions/timestamp/NAME: one timestamp text each.
  for (const fs::path& file : regressions("timestamp")) {
    INFO(file.filename().string());
    const std::string text = test::read_file(file.string());
    livesend::timestamp ts;
    if (livesend::detail::parse_timestamp(text, ts) == nullptr) {
      livesend::timestamp again;
      CHECK(livesend::detail::parse_timestamp(ts.to_string(), again) == nullptr);
      CHECK(again == ts);
    }
  }
}
