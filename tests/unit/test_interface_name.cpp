// The one interface-name rule of the daemon and the helper is the kernel's
// (dev_valid_name): these are the cases where a stricter or looser rule
// would differ from it.
#include <catch2/catch.hpp>

#include <string>

#include "aoefs/util/interface_name.hpp"

using aoefs::is_valid_interface_name;

TEST_CASE("interface names: what the kernel accepts", "[interface_name]") {
  for (const char* name : {"eth0", "br-lan.10", "aoe0", "veth1@if2", "e", "wlp0s20f3",
                           "012345678901234", "a+b", "*", "..."}) {
    INFO(name);
    CHECK(is_valid_interface_name(name));
  }
  CHECK(is_valid_interface_name("caf\xc3\xa9"));  // non-ASCII bytes are allowed
}

TEST_CASE("interface names: what the kernel refuses", "[interface_name]") {
  for (const char* name : {"", ".", "..", "a/b", "a:b", "eth0 ", " eth0", "a\tb", "a\nb", "a\rb",
                           "a\vb", "a\fb", "0123456789abcdef"}) {
    INFO(name);
    CHECK_FALSE(is_valid_interface_name(name));
  }
  CHECK_FALSE(
      is_valid_interface_name("a\xa0"
                              "b"));  // the kernel's isspace() includes 0xA0
  CHECK_FALSE(is_valid_interface_name(std::string("a\0b", 3)));  // C sees "a"
}
