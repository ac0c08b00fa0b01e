// A 48-bit Ethernet MAC address: a value type with text form "aa:bb:cc:dd:ee:ff".
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aoe {

struct MacAddress {
  std::array<std::uint8_t, 6> bytes{};

  static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  bool is_broadcast() const { return *this == broadcast(); }
  bool is_multicast() const { return bytes[0] & 1; }

  // Lower-case, colon separated.
  std::string to_string() const;
  // Accepts exactly six hex pairs separated by ':' (or '-'); nothing else.
  static std::optional<MacAddress> parse(std::string_view text);

  friend auto operator<=>(const MacAddress&, const MacAddress&) = default;
};

}  // namespace aoe
