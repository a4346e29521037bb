// consumer/main.cpp: the smallest program a user of livesend writes. Built by the packaging
// tests against the installed package (find_package) and through add_subdirectory.
#include <livesend/livesend.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer <event.json>\n";
    return 1;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "consumer: cannot open " << argv[1] << "\n";
    return 1;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  auto r = livesend::parse_event(text);
  if (!r.has_value()) {
    std::cerr << "consumer: " << r.error().to_string() << "\n";
    return 1;
  }
  std::cout << r.value().tenant_name << "\n";
  if (r.value().tenant_name != "demo") {
    std::cerr << "consumer: expected tenant \"demo\"\n";
    return 1;
  }
  return 0;
}
