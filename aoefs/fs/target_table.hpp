// TargetTable: the files of the mount — one per AoE target — and their inode
// numbers, refreshed from the initiator's target listener.
//
// Contract:
//  * A target's inode number is fixed by its address (2 + shelf*256 + slot),
//    so a target that vanishes and returns keeps its inode, and open file
//    descriptors keep working once it is back.
//  * `present` targets answer. A target that went down stays `listed` — a
//    regular file with its size, found by name and listed by readdir, whose
//    open and I/O fail with EIO while it is down (as the Linux driver keeps
//    a `down,closewait` device) — until it is forgotten: by the admin
//    (user.aoe.forget) or after forget_after. A forgotten entry is still
//    known by inode, so descriptors already open keep reaching the device
//    (EIO while down, working again when it is back); a target that comes
//    back is listed again.
//  * Each entry holds the target's BlockDevice (the per-target data path;
//    a cache decorator can be swapped in by whoever builds the device) and
//    one RangeLock shared by every open of that target, so overlapping writes
//    from different processes are ordered.
//  * Thread-safe; lookups return copies.
#pragma once

#include <chrono>
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
  bool listed = false;
  std::chrono::steady_clock::time_point down_since{};  // while listed, not present
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
  std::optional<TargetFile> by_name(const std::string& name) const;  // listed ones
  std::vector<TargetFile> present_files() const;                     // ordered by inode
  std::vector<TargetFile> listed_files() const;                      // ordered by inode
  std::vector<TargetFile> all_files() const;                         // ordered by inode

  enum class ForgetResult { forgotten, unknown, present };
  // Stops listing a target that is down; one that answers is left alone.
  ForgetResult forget(InodeNumber inode);
  // Forgets every target down since before `now - after`; returns them.
  std::vector<TargetFile> forget_down_since(std::chrono::steady_clock::duration after,
                                            std::chrono::steady_clock::time_point now);

 private:
  template <class Keep>
  std::vector<TargetFile> files_where(Keep keep) const;

  mutable std::mutex mutex_;
  std::map<InodeNumber, TargetFile> files_;
};

}  // namespace aoefs
