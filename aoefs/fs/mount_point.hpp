// MountPoint: the directory aoefs mounts on, opened once.
//
// Contract: open(path) walks `path` one component at a time from "/" (or the
// working directory for a relative path) with O_PATH|O_NOFOLLOW, so no
// symbolic link anywhere in it is followed: one is an error naming it ("give
// the real path"). What it reached must be a directory with nothing mounted
// on it (a dead FUSE mount there says so, with the command that clears it).
// From then on the descriptor is that directory whatever happens to the path
// (renamed away, a symbolic link put in its place): the daemon checks it,
// mounts through descriptor_path() and names it by real_path(), so what was
// checked is what is mounted and what the log names. Errors name the path
// as given and the reason. Not thread-safe; move-only.
#pragma once

#include <string>

#include "aoefs/util/expected.hpp"
#include "aoefs/util/unique_fd.hpp"

namespace aoefs {

class MountPoint {
 public:
  static Expected<MountPoint> open(const std::string& path);

  const std::string& given() const { return given_; }
  int fd() const { return fd_.get(); }
  // Where the directory is now (readlink of /proc/self/fd/N), absolute;
  // given() if the kernel cannot say.
  std::string real_path() const;
  // "/proc/self/fd/N": mount(2) resolves it to exactly this directory.
  // Meaningful to this process only (fusermount3 has its own descriptors).
  // Not "/dev/fd/N", which libfuse takes for an open /dev/fuse.
  std::string descriptor_path() const;

  // Nothing is mounted on the directory (checked by open(), and again right
  // before mounting).
  Expected<void> check_unmounted() const;
  // After mounting: a FUSE mount sits directly on this directory (its
  // parent mount is the directory's, its mount point the directory's path).
  // Sends the filesystem no request, so it may run before the session serves.
  Expected<void> check_fuse_mounted() const;
  // Makes the descriptor the root of that FUSE mount instead, so that
  // umount2(descriptor_path()) unmounts exactly it. Only right before
  // unmounting: a descriptor on a mount's root keeps the mount busy (a plain
  // umount fails with EBUSY).
  Expected<void> retarget_to_fuse_root();

 private:
  MountPoint(std::string given, UniqueFd fd) : given_(std::move(given)), fd_(std::move(fd)) {}
  // An O_PATH descriptor of the root of the FUSE mount on the directory.
  Expected<int> open_fuse_root() const;
  std::string given_;
  UniqueFd fd_;  // move-only: so is MountPoint
};

}  // namespace aoefs
