#include "aoefs/fs/mount_point.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>
#include <vector>

#include "aoefs/fs/mount_table.hpp"
#include "aoefs/util/wire_text.hpp"
#include "aoefs/util/unique_fd.hpp"

namespace aoefs {
namespace {

constexpr int kDirectoryFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.push_back(part);
    start = slash + 1;
  }
  return parts;
}

// `where`: the dead mount, `path` or a directory on the way to it.
Error dead_mount(const std::string& path, const std::string& where) {
  return Error{"mount point " + printable(path) +
               " is busy: a dead FUSE mount is still there (fusermount3 -u " + printable(where) +
               ")"};
}

// The mount id of what `fd` names, without asking its filesystem anything
// (AT_STATX_DONT_SYNC: a FUSE mount not yet served would never answer).
Expected<int> mount_id(int fd) {
  struct statx st {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &st) != 0)
    return Error{std::string("statx: ") + std::strerror(errno)};
  if (!(st.stx_mask & STATX_MNT_ID)) return Error{"the kernel gives no mount id"};
  return static_cast<int>(st.stx_mnt_id);
}

}  // namespace

Expected<MountPoint> MountPoint::open(const std::string& path) {
  if (path.empty()) return Error{"mount point: empty path"};
  auto failed = [&path](const std::string& why) {
    return Error{"mount point " + printable(path) + ": " + why};
  };
  const bool absolute = path[0] == '/';
  UniqueFd dir(::open(absolute ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return failed(std::strerror(errno));
  const auto parts = components(path);
  std::string walked = absolute ? "" : ".";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string above =
        absolute ? (walked.empty() ? "/" : walked) : (walked == "." ? "." : walked.substr(2));
    walked += "/" + parts[i];
    const std::string shown = absolute ? walked : walked.substr(2);
    const int next = ::openat(dir.get(), parts[i].c_str(), kDirectoryFlags);
    if (next < 0) {
      const int err = errno;
      // O_NOFOLLOW|O_DIRECTORY refuses a link with ENOTDIR, like a file: lstat tells.
      struct stat st {};
      if (::fstatat(dir.get(), parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode))
        return failed(printable(shown) + " is a symbolic link; give the real path");
      if (err == ENOTCONN) return dead_mount(path, above);
      if (err == ENOTDIR) {
        if (i + 1 == parts.size())
          return Error{"mount point " + printable(path) + " is not a directory"};
        return failed(printable(shown) + " is not a directory");
      }
      return failed(std::strerror(err));
    }
    dir.reset(next);
  }
  // A dead FUSE mount is found by the walk (O_PATH asks nothing), not by stat.
  struct stat st {};
  if (::fstat(dir.get(), &st) != 0) {
    if (errno == ENOTCONN) return dead_mount(path, path);
    return failed(std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return Error{"mount point " + printable(path) + " is not a directory"};
  MountPoint opened(path, std::move(dir));
  if (auto free = opened.check_unmounted(); !free) return free.error();
  return opened;
}

std::string MountPoint::descriptor_path() const {
  return "/proc/self/fd/" + std::to_string(fd_.get());
}

std::string MountPoint::real_path() const {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(descriptor_path().c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf || buf[0] != '/') return given_;
  return std::string(buf, static_cast<std::size_t>(n));
}

Expected<void> MountPoint::check_unmounted() const {
  const std::string where = real_path();
  for (const auto& entry : read_mount_table())
    if (entry.point == where)
      return Error{"mount point " + printable(given_) +
                   " is busy: something is already mounted there" +
                   (where != given_ ? " (" + printable(where) + ")" : "") + ": " +
                   printable(entry.type) + " from " + printable(entry.source)};
  return {};
}

Expected<int> MountPoint::open_fuse_root() const {
  const std::string where = real_path();
  const auto slash = where.rfind('/');
  if (where.empty() || where[0] != '/' || slash + 1 >= where.size())
    return Error{"cannot tell where " + printable(given_) + " is now"};
  // The mount on the directory is found by its name in its parent; that
  // it is the mount on *this* directory the mount table says below.
  UniqueFd parent(::openat(fd_.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (parent.get() < 0) return Error{printable(where) + "/..: " + std::strerror(errno)};
  UniqueFd root(::openat(parent.get(), where.c_str() + slash + 1, kDirectoryFlags));
  if (root.get() < 0) return Error{printable(where) + ": " + std::strerror(errno)};
  auto under = mount_id(fd_.get());
  if (!under) return under.error();
  auto over = mount_id(root.get());
  if (!over) return over.error();
  if (*over == *under) return Error{"nothing is mounted on " + printable(where)};
  for (const auto& entry : read_mount_table()) {
    if (entry.id != *over) continue;
    if (entry.parent_id != *under || entry.point != where)
      return Error{"the mount at " + printable(where) +
                   " is not on the directory that was checked"};
    if (entry.type != "fuse" && entry.type.rfind("fuse.", 0) != 0)
      return Error{"the mount on " + printable(where) + " is " + entry.type + ", not FUSE"};
    return root.release();
  }
  return Error{"the mount at " + printable(where) + " is not in the mount table"};
}

Expected<void> MountPoint::check_fuse_mounted() const {
  auto root = open_fuse_root();
  if (!root) return root.error();
  ::close(*root);
  return {};
}

Expected<void> MountPoint::retarget_to_fuse_root() {
  auto root = open_fuse_root();
  if (!root) return root.error();
  // dup3 keeps the number (descriptor_path() as given to libfuse) and O_CLOEXEC.
  const int rc = ::dup3(*root, fd_.get(), O_CLOEXEC);
  const int err = errno;
  ::close(*root);
  if (rc < 0) return Error{std::string("dup3: ") + std::strerror(err)};
  return {};
}

}  // namespace aoefs
