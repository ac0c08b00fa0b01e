// The settings table (aoefs/settings/setting_keys.cpp): every row's kind
// matches its parser, and every key stores into a field of its own.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "aoefs/settings/setting_keys.hpp"
#include "aoefs/util/human_size.hpp"
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
    case KeyKind::microseconds:
      return "20";
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

namespace {

std::uint64_t physical_memory() {
  return static_cast<std::uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
         static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST_CASE("cache_size: up to the machine's memory, with the amount in the error") {
  const KeyInfo* key = find_key("cache_size");
  REQUIRE(key);
  const std::uint64_t memory = physical_memory();
  REQUIRE(memory > (64u << 20));
  Settings s;
  REQUIRE(key->apply(s, "0"));
  CHECK(s.cache_size == 0);
  REQUIRE(key->apply(s, std::to_string(memory)));
  CHECK(s.cache_size == memory);
  const Settings before = s;
  auto over = key->apply(s, std::to_string(memory + 1));
  REQUIRE_FALSE(over);
  CHECK_THAT(over.error().message,
             Catch::Contains("is more than this machine's " + human_size(memory) + " of memory"));
  CHECK(s == before);
  // A petabyte (16384T) is more than any machine this runs on.
  auto peta = key->apply(s, "1048576G");
  REQUIRE_FALSE(peta);
  CHECK_THAT(peta.error().message, Catch::StartsWith("1.0 PiB is more than this machine's "));
  CHECK(s == before);
}

TEST_CASE("sizes: K, M, G and T; past 2^64 is refused, never wrapped") {
  const KeyInfo* read_ahead = find_key("cache_read_ahead");
  REQUIRE(read_ahead);
  Settings s;
  REQUIRE(read_ahead->apply(s, "1G"));
  CHECK(s.cache_read_ahead == 1ull << 30);
  auto tera = read_ahead->apply(s, "1T");  // parsed, then past its own bound
  REQUIRE_FALSE(tera);
  CHECK_THAT(tera.error().message, Catch::Contains("from 0 to 1G"));
  const KeyInfo* cache = find_key("cache_size");
  REQUIRE(cache);
  // 2^64 / 2^40 = 16777216: one more T, or one more byte, does not fit.
  for (const char* text : {"16777216T", "18446744073709551616", "99999999999999999999999K",
                           "17179869184G", "-1", "1.5G", "1TB", "0x10"}) {
    INFO(text);
    auto r = cache->apply(s, text);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::StartsWith("expected a size in bytes"));
  }
  // The largest that fits is parsed, then refused by the memory bound.
  auto largest = cache->apply(s, "18446744073709551615");
  REQUIRE_FALSE(largest);
  CHECK_THAT(largest.error().message, Catch::Contains("more than this machine's"));
}

TEST_CASE("counts, ids and seconds: absurd values are refused") {
  struct Case {
    const char* key;
    const char* text;
  };
  for (auto c :
       {Case{"max_targets", "4294967296"}, Case{"max_targets", "65537"}, Case{"max_paths", "0"},
        Case{"read_ahead_kb", "18446744073709551616"}, Case{"uid", "4294967296"},
        Case{"gid", "4294967295"}, Case{"dead_timeout", "1e400"}, Case{"dead_timeout", "86401"},
        Case{"dead_timeout", "nan"}, Case{"dead_timeout", "0.0001"},
        Case{"cache_block_size", "18446744073709551615"}}) {
    INFO(c.key << "=" << c.text);
    const KeyInfo* key = find_key(c.key);
    REQUIRE(key);
    Settings s;
    const Settings before = s;
    CHECK_FALSE(key->apply(s, c.text));
    CHECK(s == before);
  }
}

namespace {

// The message of a value `key` refuses; the settings are left as they were.
std::string refusal(const char* key, const char* text) {
  Settings s;
  auto r = find_key(key)->apply(s, text);
  REQUIRE_FALSE(r);
  CHECK(s == Settings{});
  return r.error().message;
}

}  // namespace

TEST_CASE("dead_timeout 0 means for ever; forget_after 0 means never", "[settings]") {
  Settings s;
  REQUIRE(find_key("dead_timeout")->apply(s, "0"));
  CHECK(s.dead_timeout == std::chrono::milliseconds(0));
  CHECK_THAT(refusal("dead_timeout", "-1"), Catch::Contains("or 0 to retry for ever"));
  CHECK(Settings{}.forget_after == std::chrono::milliseconds(0));
  REQUIRE(find_key("forget_after")->apply(s, "3600"));
  CHECK(s.forget_after == std::chrono::hours(1));
  CHECK_THAT(refusal("forget_after", "soon"), Catch::Contains("or 0 for never"));
}

TEST_CASE("discovery_interval and interfaces: a lower bound, no interface twice", "[settings]") {
  CHECK_THAT(refusal("discovery_interval", "0.001"), Catch::StartsWith("at least 0.1 seconds"));
  CHECK(refusal("interfaces", "aoe0:aoe1:aoe0") == "interface 'aoe0' is listed twice");
  Settings s;
  REQUIRE(find_key("discovery_interval")->apply(s, "0.1"));
  CHECK(s.discovery_interval == std::chrono::milliseconds(100));
  REQUIRE(find_key("interfaces")->apply(s, "aoe0:aoe1"));
  CHECK(s.interfaces == std::vector<std::string>{"aoe0", "aoe1"});
}
