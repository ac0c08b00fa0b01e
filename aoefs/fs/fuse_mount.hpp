// FuseMount: one mounted FUSE session serving filesystem_operations().
//
// Contract: mount() checks the mount point (exists, is a directory, is not
// already a mount point) and mounts, or returns one error message. run()
// serves requests on a SessionLoop (session_loop.hpp: its workers let writes
// keep their request buffers) until the filesystem is unmounted
// (fusermount3 -u / umount) or SIGINT/SIGTERM/SIGHUP arrives; it returns the
// signal number, or 0. The destructor unmounts (if still
// mounted) and destroys the session: every request must have been answered
// before (stop the device layer first).
// invalidate_inode() may be called from any thread: the kernel is told from
// the mount's own thread, because dropping a file's pages waits for reads
// in flight, which may need the caller's thread to complete.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "aoefs/fs/fuse_ops.hpp"
#include "aoefs/fs/session_loop.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

// Whether `path` can be mounted on; the error names the path and the reason.
Expected<void> check_mountpoint(const std::string& path);

class FuseMount {
 public:
  static Expected<std::unique_ptr<FuseMount>> mount(FsContext& context,
                                                    const std::string& mountpoint,
                                                    const std::vector<std::string>& fuse_options,
                                                    bool allow_other);
  ~FuseMount();
  FuseMount(const FuseMount&) = delete;
  FuseMount& operator=(const FuseMount&) = delete;

  int run();
  // The kernel forgets the file's attributes and cached pages (its size changed).
  void invalidate_inode(std::uint64_t inode);
  const std::string& mountpoint() const { return mountpoint_; }

 private:
  FuseMount() = default;
  fuse_session* session_ = nullptr;
  bool mounted_ = false;
  std::unique_ptr<SessionLoop> loop_;  // with the stop signals' handlers
  std::string mountpoint_;
  std::mutex notify_mutex_;
  std::condition_variable notify_cv_;
  std::deque<std::uint64_t> notify_queue_;
  bool notify_stop_ = false;
  std::thread notifier_;
};

}  // namespace aoefs
