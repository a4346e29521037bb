// examples/parse_one.cpp: parse one webhook body (the README's example, kept the same).
#include <livesend/livesend.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::ifstream file(argv[1], std::ios::binary);
  std::stringstream body;
  body << file.rdbuf();

  livesend::parser parser;  // reuse it: after warm-up it allocates nothing
  livesend::event ev;       // owning; livesend::event_view borrows instead (zero-copy)
  if (livesend::error err = parser.parse(body.str(), ev)) {
    // e.g. "data.ContentSessions[0].Pages[2].PageIndex: expected an integer, found a string"
    std::fprintf(stderr, "%s (line %zu)\n", err.to_string().c_str(), err.line());
    return 1;
  }
  fmt::print("{} viewed by {} for {} s\n", ev.tenant_name, ev.data.participants.at(0).email,
             ev.data.total_duration_seconds);
  for (const livesend::content_session& cs : ev.data.content_sessions) {
    fmt::print("  {}: {} page(s), started {}\n", cs.content.name.value_or("(no name)"),
               cs.pages.size(), cs.session_started_at);
  }
  if (ev.data.interaction_occurred_at.is_unset()) fmt::print("  interaction time: unset\n");
  fmt::print("{}\n", livesend::to_json(ev));  // the normalized JSON, one line
}
