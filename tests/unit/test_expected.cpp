#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <variant>

#include "aoefs/util/expected.hpp"

using aoefs::Error;
using aoefs::Expected;

namespace {
Expected<int> half(int n) {
  if (n % 2) return Error{std::to_string(n) + " is odd"};
  return n / 2;
}
Expected<void> check_even(int n) {
  auto h = half(n);
  if (!h) return h.error();
  return {};
}
}  // namespace

TEST_CASE("Expected holds a value or an error", "[expected]") {
  auto ok = half(8);
  REQUIRE(ok);
  CHECK(ok.has_value());
  CHECK(*ok == 4);
  CHECK(ok.value() == 4);
  CHECK_THROWS_AS(ok.error(), std::bad_variant_access);

  auto bad = half(3);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "3 is odd");
  CHECK_THROWS_AS(bad.value(), std::bad_variant_access);
}

TEST_CASE("Expected<std::string>: a string value is not an error", "[expected]") {
  Expected<std::string> text = std::string("hello");
  REQUIRE(text);
  CHECK(text->size() == 5);
  Expected<std::string> failed = Error{"hello"};
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "hello");
}

TEST_CASE("Expected carries move-only values and passes errors on", "[expected]") {
  Expected<std::unique_ptr<int>> p = std::make_unique<int>(7);
  REQUIRE(p);
  std::unique_ptr<int> taken = std::move(p).value();
  CHECK(*taken == 7);

  CHECK(check_even(4));
  auto odd = check_even(5);
  REQUIRE_FALSE(odd);
  CHECK(odd.error().message == "5 is odd");
  CHECK_THROWS_AS(odd.value(), std::bad_variant_access);
}
