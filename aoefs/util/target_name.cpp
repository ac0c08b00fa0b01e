#include "aoefs/util/target_name.hpp"

#include <charconv>

namespace aoefs {

std::string file_name_of(aoe::TargetAddress address) {
  return "e" + std::to_string(address.shelf) + "." + std::to_string(address.slot);
}

std::optional<aoe::TargetAddress> parse_file_name(std::string_view name) {
  unsigned shelf = 0, slot = 0;
  const auto dot = name.find('.');
  if (name.size() < 4 || name[0] != 'e' || dot == std::string_view::npos) return std::nullopt;
  const std::string_view a = name.substr(1, dot - 1), b = name.substr(dot + 1);
  auto number = [](std::string_view s, unsigned& v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && s.size() <= 5 && ec == std::errc() && end == s.data() + s.size();
  };
  if (!number(a, shelf) || !number(b, slot) || shelf >= aoe::kBroadcastShelf ||
      slot >= aoe::kBroadcastSlot)
    return std::nullopt;
  return aoe::TargetAddress{static_cast<std::uint16_t>(shelf), static_cast<std::uint8_t>(slot)};
}

}  // namespace aoefs
