// tests/test_error.cpp: error.hpp: codes, the error value, result<T>.
#include "livesend/error.hpp"

#include <string>

#include "catch.hpp"

using livesend::error;
using livesend::error_code;

TEST_CASE("error codes have lower_snake names", "[error]") {
  CHECK(livesend::to_string(error_code::ok) == "ok");
  CHECK(livesend::to_string(error_code::missing_field) == "missing_field");
  CHECK(livesend::to_string(error_code::unsupported_version) == "unsupported_version");
  CHECK(livesend::to_string(error_code::input_too_large) == "input_too_large");
  CHECK(livesend::is_syntax_level(error_code::syntax_error));
  CHECK(livesend::is_syntax_level(error_code::trailing_content));
  CHECK_FALSE(livesend::is_syntax_level(error_code::wrong_type));
}

TEST_CASE("an ok error is false and says ok", "[error]") {
  const error ok;
  CHECK(ok.ok());
  CHECK_FALSE(static_cast<bool>(ok));
  CHECK(ok.to_string() == "ok");
  CHECK(ok.path().empty());
}

TEST_CASE("an error names its path, or its offset when it has none", "[error]") {
  const error field(error_code::wrong_type, "data.TotalContent", 120, 4, "expected an integer");
  CHECK(static_cast<bool>(field));
  CHECK(field.code() == error_code::wrong_type);
  CHECK(field.to_string() == "data.TotalContent: expected an integer");
  error syntax(error_code::syntax_error, "", 17, 2, "expected ':' after object key");
  CHECK(syntax.to_string() == "offset 17: expected ':' after object key");
  syntax.rebase(100, 10);
  CHECK(syntax.offset() == 117);
  CHECK(syntax.line() == 12);
  CHECK(syntax != field);
}

TEST_CASE("result holds a value or an error", "[error][result]") {
  livesend::result<int> good(5);
  CHECK(good.has_value());
  CHECK(static_cast<bool>(good));
  CHECK(*good == 5);
  CHECK(good.value() == 5);
  CHECK(good.error().ok());

  livesend::result<std::string> bad(error(error_code::missing_field, "id", 0, 1, "missing"));
  CHECK_FALSE(bad.has_value());
  CHECK(bad.error().code() == error_code::missing_field);
  CHECK_THROWS_AS(bad.value(), livesend::parse_error);
  try {
    (void)bad.value();
  } catch (const livesend::parse_error& e) {
    CHECK(std::string(e.what()) == "id: missing");
    CHECK(e.error().path() == "id");
  }
}
