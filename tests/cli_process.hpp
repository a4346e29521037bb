// tests/cli_process.hpp: the `livesend` tool run as a process through /bin/sh, for the tests of
// its commands, and the helpers around it.
//
// LIVESEND_CLI_PATH names the tool (the environment variable LIVESEND_TEST_CLI, when set, names
// another build of it), LIVESEND_TEST_DATA_DIR the tests/data folder; commands run from that
// folder. test_cli.cpp, test_tables_cli.cpp and test_load.cpp use it.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#ifndef LIVESEND_CLI_PATH
#error "LIVESEND_CLI_PATH must name the livesend executable (a string literal)"
#endif
#ifndef LIVESEND_TEST_DATA_DIR
#error "LIVESEND_TEST_DATA_DIR must name the tests/data folder (a string literal)"
#endif

namespace test {

struct process_result {
  int status = -1;  ///< the exit status; -1 when the process did not exit normally
  std::string out;
  std::string err;
};

/// `text` quoted for /bin/sh.
inline std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The tool under test.
inline std::string cli_path() {
  const char* other = std::getenv("LIVESEND_TEST_CLI");
  return other != nullptr && *other != '\0' ? other : LIVESEND_CLI_PATH;
}

/// A directory of its own under the temp directory, removed with everything in it before and
/// after.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& name) {
    path = std::filesystem::temp_directory_path() /
           ("livesend-test-" + std::to_string(::getpid()) + "-" + name);
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

/// Runs `script` with /bin/sh in the test data folder, stdin from `input` (a path relative to
/// that folder), stdout and stderr captured. `$LIVESEND` in the script names the tool.
inline process_result run_shell(const std::string& script, const std::string& input = "/dev/null") {
  static int counter = 0;
  const std::filesystem::path base =
      std::filesystem::temp_directory_path() /
      ("livesend-test-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  const std::string out_path = base.string() + ".out";
  const std::string err_path = base.string() + ".err";
  const std::string command = "cd " + shell_quote(LIVESEND_TEST_DATA_DIR) +
                              " && LIVESEND=" + shell_quote(cli_path()) + " && { " + script +
                              "\n} <" + shell_quote(input) + " >" + shell_quote(out_path) + " 2>" +
                              shell_quote(err_path);
  const int wait_status = std::system(command.c_str());
  process_result result;
  if (wait_status != -1 && WIFEXITED(wait_status)) result.status = WEXITSTATUS(wait_status);
  result.out = file_text(out_path);
  result.err = file_text(err_path);
  std::error_code ignored;
  std::filesystem::remove(out_path, ignored);
  std::filesystem::remove(err_path, ignored);
  return result;
}

/// Runs `livesend ARGS` (ARGS is shell text) in the test data folder, stdin from `input`.
inline process_result run_cli(const std::string& args, const std::string& input = "/dev/null") {
  return run_shell("\"$LIVESEND\" " + args, input);
}

/// Whether `command` (shell text) runs and exits with 0.
inline bool command_works(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

/// The standard output of `command` (shell text); its exit status in `status`.
inline std::string output_of(const std::string& command, int& status) {
  std::string out;
  std::FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int wait_status = ::pclose(p);
  status = wait_status != -1 && WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  return out;
}

}  // namespace test
