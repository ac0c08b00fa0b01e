#include "aoefs/fs/mask_edit.hpp"

#include <algorithm>

namespace aoefs {

std::vector<aoe::MacAddress> apply_mask_edit(std::vector<aoe::MacAddress> current,
                                             std::span<const aoe::MaskDirective> edit) {
  for (const auto& d : edit) {
    auto it = std::find(current.begin(), current.end(), d.mac);
    if (d.command == static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::add)) {
      if (it == current.end()) current.push_back(d.mac);
    } else if (d.command == static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::remove)) {
      if (it != current.end()) current.erase(it);
    }
  }
  return current;
}

std::vector<aoe::MacAddress> macs_left_out(const std::vector<aoe::MacAddress>& after,
                                           const std::vector<aoe::MacAddress>& own) {
  std::vector<aoe::MacAddress> out;
  if (after.empty()) return out;
  for (const auto& mac : own)
    if (std::find(after.begin(), after.end(), mac) == after.end() &&
        std::find(out.begin(), out.end(), mac) == out.end())
      out.push_back(mac);
  return out;
}

}  // namespace aoefs
