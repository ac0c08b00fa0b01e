// FuseMount: one mounted FUSE session serving filesystem_operations().
//
// Contract: mount() mounts on the directory `mountpoint` holds (checked when
// it was opened, mount_point.hpp; checked again that nothing was mounted
// there since), or returns one error message. As root it mounts through the
// descriptor (/proc/self/fd/N), so a path changed since the check cannot
// redirect it; fusermount3 (not root, or auto_unmount) gets the directory's
// real path as of now, and the mount is then checked to sit on the directory
// (else it is undone and an error). mountpoint() is the path mounted on. run()
// serves requests on a SessionLoop (session_loop.hpp: its workers let writes
// keep their request buffers) until the filesystem is unmounted
// (fusermount3 -u / umount) or SIGINT/SIGTERM/SIGHUP arrives; it returns the
// signal number, or 0. With FsOptions::io_uring requests may come over
// io_uring instead (uring_transport.hpp); the log says which. The destructor unmounts (if still
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
#include <utility>
#include <vector>

#include "aoefs/fs/fuse_ops.hpp"
#include "aoefs/fs/mount_point.hpp"
#include "aoefs/fs/session_loop.hpp"
#include "aoefs/fs/uring_transport.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

class FuseMount {
 public:
  static Expected<std::unique_ptr<FuseMount>> mount(FsContext& context, MountPoint mountpoint,
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
  explicit FuseMount(MountPoint mount_point) : mount_point_(std::move(mount_point)) {}
  fuse_session* session_ = nullptr;
  bool mounted_ = false;
  bool through_descriptor_ = false;  // libfuse was given mount_point_.descriptor_path()
  MountPoint mount_point_;
  std::unique_ptr<SessionLoop> loop_;          // with the stop signals' handlers
  std::unique_ptr<UringTransport> transport_;  // FsOptions::io_uring: may serve beside loop_
  std::string mountpoint_;
  std::mutex notify_mutex_;
  std::condition_variable notify_cv_;
  std::deque<std::uint64_t> notify_queue_;
  bool notify_stop_ = false;
  std::thread notifier_;
};

}  // namespace aoefs
