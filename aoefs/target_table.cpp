#include "aoefs/target_table.hpp"

#include <charconv>

namespace aoefs {

InodeNumber inode_of(aoe::TargetAddress address) {
  return 2 + (InodeNumber{address.shelf} << 8) + address.slot;
}

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

void TargetTable::update(aoe::TargetAddress address, bool present,
                         std::shared_ptr<blockdev::BlockDevice> device) {
  std::lock_guard lock(mutex_);
  const InodeNumber ino = inode_of(address);
  auto [it, inserted] = files_.try_emplace(ino);
  TargetFile& f = it->second;
  if (inserted) {
    f.address = address;
    f.inode = ino;
    f.name = file_name_of(address);
    f.lock = std::make_shared<RangeLock>();
  }
  f.present = present && (device || f.device);
  if (device) f.device = std::move(device);
}

bool TargetTable::has_device_of_size(aoe::TargetAddress address, std::uint64_t sectors) const {
  std::lock_guard lock(mutex_);
  auto it = files_.find(inode_of(address));
  return it != files_.end() && it->second.device && it->second.device->size_sectors() == sectors;
}

std::optional<TargetFile> TargetTable::by_inode(InodeNumber inode) const {
  std::lock_guard lock(mutex_);
  auto it = files_.find(inode);
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

std::optional<TargetFile> TargetTable::by_name(const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& [ino, f] : files_)
    if (f.present && f.name == name) return f;
  return std::nullopt;
}

std::vector<TargetFile> TargetTable::present_files() const {
  std::lock_guard lock(mutex_);
  std::vector<TargetFile> out;
  for (const auto& [ino, f] : files_)
    if (f.present) out.push_back(f);
  return out;
}

std::vector<TargetFile> TargetTable::all_files() const {
  std::lock_guard lock(mutex_);
  std::vector<TargetFile> out;
  for (const auto& [ino, f] : files_) out.push_back(f);
  return out;
}

}  // namespace aoefs
