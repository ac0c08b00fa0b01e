#include <catch2/catch.hpp>

#include "protocol/interfaces.hpp"

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
  aoe::InterfaceFacts f;
  CHECK(aoe::interface_facts("nosuch-if0", f) == std::errc::no_such_device);
  CHECK(aoe::interface_facts("", f) == std::errc::no_such_device);
  CHECK(aoe::interface_facts(std::string(40, 'x'), f) == std::errc::no_such_device);
}
