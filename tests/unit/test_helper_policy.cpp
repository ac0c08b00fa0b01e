#include <catch2/catch.hpp>

#include "aoefs/helper/policy.hpp"
#include "aoefs/helper/policy_path.hpp"

using namespace aoefs::helper;

namespace {
Policy parse_ok(const char* text) {
  auto parsed = parse_policy(text, "helper.toml");
  INFO((parsed ? "" : parsed.error().message));
  REQUIRE(parsed);
  return *parsed;
}
std::string parse_error(const char* text) {
  auto parsed = parse_policy(text, "helper.toml");
  REQUIRE_FALSE(parsed);
  return parsed.error().message;
}
}  // namespace

TEST_CASE("helper policy grants by user or group, per interface", "[helper]") {
  const Policy p = parse_ok(R"(
[[allow]]
interfaces = ["eth1"]
users = ["alice"]

[[allow]]
interfaces = ["eth2", "eth3"]
groups = ["storage"]
)");
  CHECK(policy_allows(p, "alice", {}, "eth1"));
  CHECK_FALSE(policy_allows(p, "alice", {}, "eth2"));
  CHECK(policy_allows(p, "bob", {"users", "storage"}, "eth3"));
  CHECK_FALSE(policy_allows(p, "bob", {"users"}, "eth3"));
  CHECK_FALSE(policy_allows(p, "mallory", {}, "eth1"));
}

TEST_CASE("helper policy wildcard interface and empty policy", "[helper]") {
  CHECK(policy_allows(parse_ok("[[allow]]\ninterfaces=[\"*\"]\nusers=[\"a\"]\n"), "a", {}, "x0"));
  CHECK_FALSE(policy_allows(parse_ok(""), "root", {"root"}, "eth0"));
}

TEST_CASE("helper policy errors name the line and key", "[helper]") {
  CHECK(parse_error("[[allow]]\ninterfaces=[\"e\"]\nuser=[\"a\"]\n") ==
        "helper.toml:3: unknown key 'allow.user'");
  CHECK(parse_error("[[allow]]\ninterfaces=[\"e\"]\n").find("needs 'users' or 'groups'") !=
        std::string::npos);
  CHECK(parse_error("allow = 3\n") == "helper.toml:1: 'allow' must be [[allow]] tables");
  CHECK(parse_error("[[allow]]\ninterfaces=\"eth0\"\nusers=[\"a\"]\n") ==
        "helper.toml:2: 'interfaces' must be an array of strings");
  CHECK(parse_error("[[allow]\n").rfind("helper.toml:1: ", 0) == 0);
}

TEST_CASE("helper policy path follows the install prefix", "[helper]") {
  CHECK(policy_path_for("/usr/libexec/aoefs/aoefs-helper") == "/etc/aoefs/helper.toml");
  CHECK(policy_path_for("/usr/local/libexec/aoefs/aoefs-helper") ==
        "/usr/local/etc/aoefs/helper.toml");
  CHECK(policy_path_for("/tmp/p/libexec/aoefs/aoefs-helper") == "/tmp/p/etc/aoefs/helper.toml");
}
