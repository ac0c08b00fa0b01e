#include <catch2/catch.hpp>

#include "protocol/io/interfaces.hpp"

TEST_CASE("interfaces: loopback is listed and never a default AoE interface", "[interfaces]") {
  auto all = aoe::list_interfaces();
  auto lo = std::find_if(all.begin(), all.end(), [](const auto& f) { return f.name == "lo"; });
  REQUIRE(lo != all.end());
  CHECK(lo->loopback);
  CHECK_FALSE(lo->ethernet);
  CHECK(lo->index > 0);
  CHECK(lo->mtu > 0);
  for (const auto& name : aoe::default_aoe_interfaces()) CHECK(name != "lo");
}

TEST_CASE("interfaces: an unknown name is a clear error", "[interfaces]") {
  for (const std::string& name : {std::string("nosuch-if0"), std::string(), std::string(40, 'x')}) {
    auto f = aoe::interface_facts(name);
    REQUIRE_FALSE(f);
    CHECK(f.error() == std::errc::no_such_device);
  }
}
