#include "aoefs/fs/target_table.hpp"

#include "aoefs/util/target_name.hpp"

namespace aoefs {

InodeNumber inode_of(aoe::TargetAddress address) {
  return 2 + (InodeNumber{address.shelf} << 8) + address.slot;
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
