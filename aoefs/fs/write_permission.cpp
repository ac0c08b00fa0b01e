#include "aoefs/fs/write_permission.hpp"

#include <algorithm>

#include "aoefs/fs/fs_context.hpp"

namespace aoefs {

bool may_write_file(const FsOptions& options, uid_t uid, gid_t gid, std::span<const gid_t> groups) {
  if (uid == 0) return true;
  if (uid == options.uid) return (options.file_mode & 0200) != 0;
  const bool in_group =
      gid == options.gid || std::find(groups.begin(), groups.end(), options.gid) != groups.end();
  if (in_group) return (options.file_mode & 0020) != 0;
  return (options.file_mode & 0002) != 0;
}

}  // namespace aoefs
