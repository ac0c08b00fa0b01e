// metrics_listen: what it accepts (loopback unless an address is written),
// and that a bad value is an error naming the key.
#include <catch2/catch.hpp>

#include "aoefs/settings/config_file.hpp"
#include "aoefs/settings/options.hpp"
#include "aoefs/settings/setting_keys.hpp"

using namespace aoefs;

namespace {

// The error message, or nullopt when the value was taken.
std::optional<std::string> apply(Settings& s, const char* text) {
  auto applied = find_key("metrics_listen")->apply(s, text);
  if (applied) return std::nullopt;
  return applied.error().message;
}

}  // namespace

TEST_CASE("metrics_listen: off by default; loopback unless an address is written", "[metrics]") {
  CHECK_FALSE(Settings{}.metrics_listen);
  Settings s;
  CHECK_FALSE(apply(s, "9101"));
  CHECK(s.metrics_listen == ListenAddress{"127.0.0.1", 9101});
  CHECK_FALSE(apply(s, "localhost:80"));
  CHECK(s.metrics_listen == ListenAddress{"127.0.0.1", 80});
  CHECK_FALSE(apply(s, "0.0.0.0:9101"));
  CHECK(s.metrics_listen == ListenAddress{"0.0.0.0", 9101});
  CHECK_FALSE(apply(s, "[::1]:65535"));
  CHECK(s.metrics_listen == ListenAddress{"::1", 65535});
  CHECK_FALSE(apply(s, "off"));
  CHECK_FALSE(s.metrics_listen);
}

TEST_CASE("metrics_listen: bad values are errors naming what is expected", "[metrics]") {
  for (const char* bad :
       {"", "0", "65536", "127.0.0.1:", "127.0.0.1:0", "host.example:9101", "::1:9101", "[::1]",
        "[nonsense]:1", "1.2.3:9101", "127.0.0.1:9101x", "-1"}) {
    INFO(bad);
    Settings s;
    const auto err = apply(s, bad);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::Contains("ADDR:PORT"));
    CHECK_FALSE(s.metrics_listen);
  }
  Settings s;
  // A number is not the string TOML wants.
  CHECK_FALSE(apply_config_text(s, "metrics_listen = 9101\n", "test.toml"));
  REQUIRE(apply_config_text(s, "metrics_listen = \"127.0.0.1:9101\"\n", "test.toml"));
  CHECK(s.metrics_listen == ListenAddress{"127.0.0.1", 9101});
}
