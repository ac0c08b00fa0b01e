// TargetTable: the files of the mount — one per AoE target — and their inode
// numbers, refreshed from the initiator's target listener.
//
// Contract:
//  * A target's inode number is fixed by its address (2 + shelf*256 + slot),
//    so a target that vanishes and returns keeps its inode, and open file
//    descriptors keep working once it is back.
//  * `present` targets are listed and looked up by name; entries of targets
//    that went away stay known by inode (getattr and I/O of files still open
//    reach the device, which fails with EIO while the target is down).
//  * Each entry holds the target's BlockDevice (the per-target data path;
//    a cache decorator can be swapped in by whoever builds the device) and
//    one RangeLock shared by every open of that target, so overlapping writes
//    from different processes are ordered.
//  * Thread-safe; lookups return copies.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/fs/range_lock.hpp"
#include "blockdev/block_device.hpp"
#include "protocol/codec/header.hpp"

namespace aoefs {

using InodeNumber = std::uint64_t;
inline constexpr InodeNumber kRootInode = 1;

struct TargetFile {
  aoe::TargetAddress address;
  InodeNumber inode = 0;
  std::string name;  // e<shelf>.<slot>
  bool present = false;
  std::shared_ptr<blockdev::BlockDevice> device;
  std::shared_ptr<RangeLock> lock;
  std::uint64_t size_bytes() const {
    return device ? device->size_sectors() * blockdev::kSectorSize : 0;
  }
};

InodeNumber inode_of(aoe::TargetAddress address);

class TargetTable {
 public:
  // Adds or updates a target. `device` replaces the entry's device when not
  // null (e.g. on first sight, or when the capacity changed).
  void update(aoe::TargetAddress address, bool present,
              std::shared_ptr<blockdev::BlockDevice> device);

  std::optional<TargetFile> by_inode(InodeNumber inode) const;
  std::optional<TargetFile> by_name(const std::string& name) const;
  std::vector<TargetFile> present_files() const;  // ordered by inode
  std::vector<TargetFile> all_files() const;      // ordered by inode

 private:
  mutable std::mutex mutex_;
  std::map<InodeNumber, TargetFile> files_;
};

}  // namespace aoefs
