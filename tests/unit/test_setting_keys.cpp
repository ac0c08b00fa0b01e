// The settings table (aoefs/settings/setting_keys.cpp): every row's kind
// matches its parser, and every key stores into a field of its own.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "aoefs/settings/setting_keys.hpp"
#include "aoefs/util/interface_name.hpp"

using namespace aoefs;

namespace {

// A value of each kind that differs from every key's default.
const char* typical_text(KeyKind kind) {
  switch (kind) {
    case KeyKind::flag:
      return "true";
    case KeyKind::seconds:
      return "1.5";
    case KeyKind::unsigned_id:
      return "7";
    case KeyKind::octal_mode:
      return "022";
    case KeyKind::byte_size:
      return "32K";
    case KeyKind::kibibytes:
      return "8";
    case KeyKind::count:
      return "64";
    case KeyKind::listen_address:
      return "127.0.0.1:9101";
    case KeyKind::interface_list:
      return "eth0:eth1";
    case KeyKind::word:
      return "debug";
  }
  return "";
}

}  // namespace

TEST_CASE("settings table: each key takes the text of its kind and changes its field") {
  for (const KeyInfo& key : all_keys()) {
    INFO("key " << key.name);
    Settings s;
    auto applied = key.apply(s, typical_text(key.kind));
    INFO((applied ? "" : applied.error().message));
    CHECK(applied);
    CHECK_FALSE(s == Settings{});
  }
}

TEST_CASE("settings table: no two keys store into the same field") {
  std::vector<std::pair<std::string_view, Settings>> changed;
  for (const KeyInfo& key : all_keys()) {
    Settings s;
    REQUIRE(key.apply(s, typical_text(key.kind)));
    for (const auto& [other, other_settings] : changed) {
      INFO(key.name << " and " << other);
      CHECK_FALSE(s == other_settings);
    }
    changed.emplace_back(key.name, s);
  }
}

TEST_CASE("settings table: a refused value leaves the settings unchanged") {
  for (const KeyInfo& key : all_keys()) {
    INFO("key " << key.name);
    Settings s;
    REQUIRE(key.apply(s, typical_text(key.kind)));
    const Settings before = s;
    auto applied = key.apply(s, "");
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().message, Catch::StartsWith("expected"));
    CHECK(s == before);
  }
}

TEST_CASE("settings table: names and lookalikes") {
  CHECK(find_key("dead_timeout"));
  CHECK_FALSE(find_key("dead_timout"));
  CHECK(closest_key("dead_timout") == "dead_timeout");
  CHECK(closest_key("frobnicate").empty());
}

TEST_CASE("interfaces= accepts exactly the names the helper accepts") {
  const KeyInfo* key = find_key("interfaces");
  REQUIRE(key);
  for (const char* name : {"eth0", "veth1@if2", "a+b", "br-lan.10", "", ".", "..", "a/b", "a b",
                           "0123456789abcdef", "012345678901234"}) {
    INFO("'" << name << "'");
    Settings s;
    CHECK(key->apply(s, name).has_value() == is_valid_interface_name(name));
  }
  Settings s;
  REQUIRE(key->apply(s, "veth1@if2:eth0"));
  CHECK(s.interfaces == std::vector<std::string>{"veth1@if2", "eth0"});
}
