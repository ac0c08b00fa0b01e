// OpenFile: one open descriptor of the mount, and OpenFileRegistry, which
// owns them all.
//
// Contract:
//  * An OpenFile is the data path of one open (the target's device, or a
//    read-ahead stream over it when the block cache is on) and the target's
//    RangeLock; for the stats file, the snapshot taken at open (device null).
//  * The registry owns every OpenFile from open to RELEASE. A file still
//    open when the daemon stops never gets its RELEASE: the session's
//    destroy calls release_all(), so nothing a handle holds (devices,
//    streams) outlives the session.
//  * Thread-safe: FUSE calls open and release on any worker thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "aoefs/fs/range_lock.hpp"
#include "blockdev/block_device.hpp"

namespace aoefs {

struct OpenFile {
  std::shared_ptr<blockdev::BlockDevice> device;
  std::shared_ptr<RangeLock> lock;
  bool writable = false;
  // Shared so that a read holds the text while it replies: a RELEASE of the
  // handle may run, on another worker, while a READ of it still replies.
  std::shared_ptr<const std::string> snapshot;
};

class OpenFileRegistry {
 public:
  // Takes ownership; the pointer is the handle until release().
  OpenFile* add(std::unique_ptr<OpenFile> file) {
    OpenFile* handle = file.get();
    std::lock_guard lock(mutex_);
    files_.emplace(handle, std::move(file));
    return handle;
  }
  // Destroys the file. REQUIRES: `handle` came from add() and was not released.
  void release(OpenFile* handle) {
    std::unique_ptr<OpenFile> gone;
    std::lock_guard lock(mutex_);
    if (auto it = files_.find(handle); it != files_.end()) {
      gone = std::move(it->second);
      files_.erase(it);
    }
  }
  void release_all() {
    std::unordered_map<OpenFile*, std::unique_ptr<OpenFile>> gone;
    std::lock_guard lock(mutex_);
    gone.swap(files_);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<OpenFile*, std::unique_ptr<OpenFile>> files_;
};

}  // namespace aoefs
