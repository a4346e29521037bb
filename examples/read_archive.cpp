// examples/read_archive.cpp: read an NDJSON archive (or concatenated JSON documents) of any
// size with livesend::read_stream: a piece at a time, in bounded memory, each record parsed in
// place into one reused event; a bad record is reported and the others go on.
#include <livesend/livesend.hpp>

#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: read_archive FILE.ndjson\n");
    return 2;
  }
  std::FILE* file = std::fopen(argv[1], "rb");
  if (file == nullptr) {
    std::perror(argv[1]);
    return 2;
  }

  livesend::parser parser;  // reused for every record: after warm-up it allocates nothing
  livesend::event_view ev;  // a view: its strings are valid until the next record
  std::int64_t seconds = 0;
  const livesend::stream_stats stats = livesend::read_stream(
      parser, [file](char* into, std::size_t room) { return std::fread(into, 1, room, file); }, ev,
      [&](const livesend::stream_record& record, const livesend::error& err,
          const livesend::event_view& event) {
        if (err) {  // offsets and lines are those of the whole file
          std::fprintf(stderr, "%s:%zu: %s\n", argv[1], err.line(), err.to_string().c_str());
          return;
        }
        seconds += event.data.total_duration_seconds;
        fmt::print("line {}: {} viewed {} item(s) for {} s\n", record.line, event.tenant_name,
                   event.data.content_sessions.size(), event.data.total_duration_seconds);
      });
  const bool read_error = std::ferror(file) != 0;
  std::fclose(file);

  fmt::print("{} records, {} bad, {} s of viewing in all\n", stats.events, stats.failed, seconds);
  if (read_error) return 2;
  return stats.failed == 0 ? 0 : 1;
}
