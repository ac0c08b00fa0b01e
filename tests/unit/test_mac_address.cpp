// MacAddress: text form, parsing, predicates, ordering.
#include <catch2/catch.hpp>

#include "protocol/codec/mac_address.hpp"

using aoe::MacAddress;

TEST_CASE("mac address: text form is lower-case and colon separated", "[mac]") {
  const MacAddress mac{{0x9e, 0x4d, 0x39, 0x05, 0x4e, 0x24}};
  CHECK(mac.to_string() == "9e:4d:39:05:4e:24");
  CHECK(MacAddress{}.to_string() == "00:00:00:00:00:00");
  CHECK(MacAddress::broadcast().to_string() == "ff:ff:ff:ff:ff:ff");
}

TEST_CASE("mac address: parse accepts six hex pairs with ':' or '-'", "[mac]") {
  const MacAddress expected{{0x9e, 0x4d, 0x39, 0x05, 0x4e, 0x24}};
  CHECK(MacAddress::parse("9e:4d:39:05:4e:24") == expected);
  CHECK(MacAddress::parse("9E:4D:39:05:4E:24") == expected);
  CHECK(MacAddress::parse("9e-4d-39-05-4e-24") == expected);
  CHECK(MacAddress::parse("ff:ff:ff:ff:ff:ff") == MacAddress::broadcast());
  // Round trip.
  CHECK(MacAddress::parse(expected.to_string()) == expected);
}

TEST_CASE("mac address: parse rejects everything else", "[mac]") {
  for (const char* bad :
       {"", "9e:4d:39:05:4e", "9e:4d:39:05:4e:24:00", "9e:4d:39:05:4e:2", "9e:4d:39:05:4e:2g",
        "9e-4d:39:05:4e:24", "9e:4d:39:05:4e-24", "9e.4d.39.05.4e.24", "9e_4d_39_05_4e_24",
        "9e 4d 39 05 4e 24", " 9e:4d:39:05:4e:24", "9e:4d:39:05:4e:24 ", "9e4d39054e24",
        "9:e4:d3:90:54:e24", "1:2:3:4:5:6", "9e:4d:39:05:4e:24\n", "+e:4d:39:05:4e:24"}) {
    INFO("input: \"" << bad << "\"");
    CHECK_FALSE(MacAddress::parse(bad).has_value());
  }
  // An embedded NUL is not a terminator.
  CHECK_FALSE(MacAddress::parse(std::string_view("9e:4d:39:05:4e:2\0", 17)).has_value());
}

TEST_CASE("mac address: broadcast, multicast, ordering", "[mac]") {
  CHECK(MacAddress::broadcast().is_broadcast());
  CHECK(MacAddress::broadcast().is_multicast());
  const MacAddress unicast{{0x02, 0, 0, 0, 0, 1}};
  const MacAddress multicast{{0x01, 0x80, 0xc2, 0, 0, 0}};
  CHECK_FALSE(unicast.is_broadcast());
  CHECK_FALSE(unicast.is_multicast());
  CHECK(multicast.is_multicast());
  CHECK_FALSE(multicast.is_broadcast());
  CHECK(unicast < MacAddress{{0x02, 0, 0, 0, 0, 2}});
  CHECK(MacAddress{{0x01, 0xff, 0xff, 0xff, 0xff, 0xff}} < unicast);
  CHECK(unicast == MacAddress{{0x02, 0, 0, 0, 0, 1}});
}
