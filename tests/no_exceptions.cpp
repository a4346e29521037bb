// tests/no_exceptions.cpp: the core built with -fno-exceptions -fno-rtti: parse a file, write it
// back, and report through the error value only.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "livesend/livesend.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  livesend::parser parser;
  livesend::event_view ev;
  if (auto err = parser.parse(text.str(), ev)) {
    std::fprintf(stderr, "%s\n", err.to_string().c_str());
    return 1;
  }
  const std::string json = livesend::to_json(ev);
  livesend::parse_options options;
  options.null_timestamp_is_unset = true;
  livesend::parser again(options);
  livesend::event round;
  if (auto err = again.parse(json, round)) {
    std::fprintf(stderr, "round trip: %s\n", err.to_string().c_str());
    return 1;
  }
  if (!(round == livesend::to_owning(ev))) return 1;
  if (livesend::parse_event("[]").error().code() != livesend::error_code::not_an_object) return 1;
  std::printf("%s\n", fmt::format("{}", round).c_str());
  return 0;
}
