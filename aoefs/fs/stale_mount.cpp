#include "aoefs/fs/stale_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "aoefs/fs/mount_table.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

// `path` made absolute and without ".", empty components or a trailing
// slash, as mountinfo writes mount points (".." is kept: such a path
// matches no entry, and MountPoint::open judges it).
std::string lexically_absolute(const std::string& path) {
  std::string whole = path;
  if (whole.empty() || whole[0] != '/') {
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return path;
    whole = std::string(cwd) + "/" + path;
  }
  std::string out;
  std::size_t start = 0;
  while (start <= whole.size()) {
    const std::size_t slash = std::min(whole.find('/', start), whole.size());
    const std::string part = whole.substr(start, slash - start);
    if (!part.empty() && part != ".") out += "/" + part;
    start = slash + 1;
  }
  return out.empty() ? "/" : out;
}

bool is_aoefs(const MountEntry& entry) {
  return entry.type == "fuse.aoefs" || (entry.type == "fuse" && entry.source == "aoefs");
}

}  // namespace

Expected<bool> clear_dead_aoefs_mount(const std::string& path) {
  const std::string where = lexically_absolute(path);
  const MountEntry* top = nullptr;
  const auto table = read_mount_table();
  for (const auto& entry : table)
    if (entry.point == where) top = &entry;  // later lines are mounted over earlier ones
  if (!top || !is_aoefs(*top)) return false;
  // Forced to ask the filesystem: FUSE answers a plain stat from cached
  // attributes, even with its daemon gone.
  struct statx st {};
  if (::statx(AT_FDCWD, where.c_str(), AT_STATX_FORCE_SYNC | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
              &st) == 0)
    return Error{"mount point " + printable(path) +
                 " is busy: aoefs is mounted there and answers (another aoefs daemon serves "
                 "it; unmount it first)"};
  if (errno != ENOTCONN)
    return Error{"mount point " + printable(path) + ": " + std::strerror(errno)};
  if (::umount2(where.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
    return Error{"mount point " + printable(path) +
                 " is busy: a dead aoefs mount is still there and cannot be unmounted (" +
                 std::strerror(errno) + "; fusermount3 -u -z " + printable(where) + ")"};
  return true;
}

}  // namespace aoefs
