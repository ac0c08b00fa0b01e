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
  const bool was_present = f.present;
  f.present = present && (device || f.device);
  if (f.present) f.listed = true;
  if (was_present && !f.present) f.down_since = std::chrono::steady_clock::now();
  if (device) f.device = std::move(device);
}

TargetTable::ForgetResult TargetTable::forget(InodeNumber inode) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(inode);
  if (it == files_.end() || !it->second.listed) return ForgetResult::unknown;
  if (it->second.present) return ForgetResult::present;
  it->second.listed = false;
  return ForgetResult::forgotten;
}

std::vector<TargetFile> TargetTable::forget_down_since(std::chrono::steady_clock::duration after,
                                                       std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<TargetFile> out;
  for (auto& [ino, f] : files_) {
    if (!f.listed || f.present || now - f.down_since < after) continue;
    f.listed = false;
    out.push_back(f);
  }
  return out;
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
    if (f.listed && f.name == name) return f;
  return std::nullopt;
}

template <class Keep>
std::vector<TargetFile> TargetTable::files_where(Keep keep) const {
  std::lock_guard lock(mutex_);
  std::vector<TargetFile> out;
  for (const auto& [ino, f] : files_)
    if (keep(f)) out.push_back(f);
  return out;
}

std::vector<TargetFile> TargetTable::present_files() const {
  return files_where([](const TargetFile& f) { return f.present; });
}

std::vector<TargetFile> TargetTable::listed_files() const {
  return files_where([](const TargetFile& f) { return f.listed; });
}

std::vector<TargetFile> TargetTable::all_files() const {
  return files_where([](const TargetFile&) { return true; });
}

}  // namespace aoefs
