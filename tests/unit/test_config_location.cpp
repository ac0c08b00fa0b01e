// Which configuration file the daemon reads (config_location.hpp): the one
// folder /etc/aoefs/, per-instance files, the old path with a warning.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "aoefs/settings/config_location.hpp"
#include "aoefs/settings/options.hpp"
#include "command_line_args.hpp"

using namespace aoefs;

namespace {

auto files(std::set<std::string> present) {
  return [present](const std::string& path) { return present.count(path) != 0; };
}

}  // namespace

TEST_CASE("config location: default, instance, old path", "[config_location]") {
  auto c = choose_config(std::nullopt, std::nullopt, files({}));
  CHECK(c.path == "/etc/aoefs/aoefs.toml");
  CHECK_FALSE(c.required);
  CHECK(c.warning.empty());

  c = choose_config(std::nullopt, std::string("mnt-aoe"), files({"/etc/aoefs/mnt-aoe.toml"}));
  CHECK(c.path == "/etc/aoefs/mnt-aoe.toml");
  CHECK(c.warning.empty());
  // No file of its own: the shared one.
  c = choose_config(std::nullopt, std::string("mnt-b"),
                    files({"/etc/aoefs/mnt-aoe.toml", "/etc/aoefs/aoefs.toml"}));
  CHECK(c.path == "/etc/aoefs/aoefs.toml");

  // Only the old file: read, with a warning naming the new path.
  c = choose_config(std::nullopt, std::string("mnt-b"), files({"/etc/aoefs.toml"}));
  CHECK(c.path == "/etc/aoefs.toml");
  CHECK_THAT(c.warning, Catch::Contains("/etc/aoefs/aoefs.toml"));
  // Both: the new one, no warning.
  c = choose_config(std::nullopt, std::nullopt,
                    files({"/etc/aoefs.toml", "/etc/aoefs/aoefs.toml"}));
  CHECK(c.path == "/etc/aoefs/aoefs.toml");
  CHECK(c.warning.empty());

  c = choose_config(std::string("/tmp/x.toml"), std::nullopt, files({}));
  CHECK(c.path == "/tmp/x.toml");
  CHECK(c.required);
}

TEST_CASE("config location: --instance on the command line", "[config_location]") {
  auto r = parse_args({"-f", "--instance", "mnt-aoe", "/mnt/aoe"});
  REQUIRE(r);
  CHECK(r->instance == "mnt-aoe");
  r = parse_args({"--instance=x", "/mnt/aoe"});
  REQUIRE(r);
  CHECK(r->instance == "x");
  for (const char* bad : {"../etc/passwd", "a/b", "", "..", "helper"}) {
    r = parse_args({"--instance", bad, "/mnt/aoe"});
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("--instance"));
  }
  r = parse_args({"/mnt/aoe", "--instance"});
  REQUIRE_FALSE(r);
  r = parse_args({"--instance", "x", "--config", "/tmp/x.toml", "/mnt/aoe"});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("exclude each other"));
}
