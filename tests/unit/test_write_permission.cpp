// may_write_file (aoefs/fs/write_permission.hpp): the permission bits the
// kernel checks for setxattr, applied to flock from read-only descriptors.
#include <catch2/catch.hpp>

#include <vector>

#include "aoefs/fs/fs_context.hpp"
#include "aoefs/fs/write_permission.hpp"

using aoefs::may_write_file;

namespace {
aoefs::FsOptions options(mode_t mode) {
  aoefs::FsOptions o;
  o.uid = 1000;
  o.gid = 100;
  o.file_mode = mode;
  return o;
}
}  // namespace

TEST_CASE("write permission: owner, group, others by the file mode", "[fs][permission]") {
  const std::vector<gid_t> none;
  const std::vector<gid_t> staff = {50, 100};
  CHECK(may_write_file(options(0600), 1000, 100, none));
  CHECK_FALSE(may_write_file(options(0600), 1001, 100, none));
  CHECK_FALSE(may_write_file(options(0644), 1001, 100, none));  // may read, not write
  CHECK(may_write_file(options(0664), 1001, 100, none));
  CHECK(may_write_file(options(0664), 1001, 7, staff));  // a supplementary group
  CHECK_FALSE(may_write_file(options(0664), 1001, 7, none));
  CHECK(may_write_file(options(0666), 1001, 7, none));
  // The owner class decides alone, as in the kernel: 0466 denies the owner.
  CHECK_FALSE(may_write_file(options(0466), 1000, 100, none));
  CHECK_FALSE(may_write_file(options(0646), 1001, 100, none));
}

TEST_CASE("write permission: root may write whatever the mode", "[fs][permission]") {
  CHECK(may_write_file(options(0400), 0, 0, {}));
  CHECK(may_write_file(options(0000), 0, 0, {}));
}
