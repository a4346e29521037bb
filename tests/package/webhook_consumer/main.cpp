// webhook_consumer/main.cpp: a program that checks a body's signature and classifies it with
// livesend::webhook. Built by the packaging tests against the installed package.
#include <livesend/webhook.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "consumer: usage: consumer <event.json>\n";
    return 1;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "consumer: cannot open " << argv[1] << "\n";
    return 1;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string body = buffer.str();

  // RFC 4231, test case 2.
  if (livesend::signature_hex("what do ya want for nothing?", "Jefe") !=
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") {
    std::cerr << "consumer: wrong HMAC-SHA256\n";
    return 1;
  }
  const std::string signature = livesend::signature_hex(body, "secret");
  if (!livesend::verify_signature(body, {signature}, {"secret"}) ||
      livesend::verify_signature(body + " ", {signature}, {"secret"})) {
    std::cerr << "consumer: the signature check is wrong\n";
    return 1;
  }

  livesend::envelope_reader reader;
  const livesend::envelope env = reader.read(body);
  std::cout << livesend::to_string(env.kind) << "\n";
  if (env.kind != livesend::envelope_kind::session_summary) {
    std::cerr << "consumer: expected a session summary\n";
    return 1;
  }
  return 0;
}
