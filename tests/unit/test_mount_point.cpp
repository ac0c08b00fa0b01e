#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>

#include "aoefs/fs/mount_point.hpp"
#include "aoefs/fs/mount_table.hpp"

using aoefs::MountPoint;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/aoefs-mount-point.XXXXXX";
    REQUIRE(mkdtemp(name));
    // The walk refuses links anywhere in the path: start from the real one.
    char real[PATH_MAX];
    REQUIRE(realpath(name, real));
    path = real;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string refusal(const std::string& path) {
  auto opened = MountPoint::open(path);
  REQUIRE_FALSE(opened);
  return opened.error().message;
}
}  // namespace

TEST_CASE("mount point: a plain directory opens and names itself", "[mount_point]") {
  TempDir dir;
  REQUIRE(mkdir((dir.path + "/mnt").c_str(), 0755) == 0);
  auto opened = MountPoint::open(dir.path + "/mnt/");
  REQUIRE(opened);
  CHECK(opened->given() == dir.path + "/mnt/");
  CHECK(opened->real_path() == dir.path + "/mnt");
  CHECK(opened->descriptor_path() == "/proc/self/fd/" + std::to_string(opened->fd()));
  CHECK(opened->check_unmounted());
  // Nothing is mounted on it: the after-mount check must say so.
  auto mounted = opened->check_fuse_mounted();
  REQUIRE_FALSE(mounted);
  CHECK_THAT(mounted.error().message, Catch::Contains("nothing is mounted"));
}

TEST_CASE("mount point: the descriptor keeps the directory that was opened", "[mount_point]") {
  TempDir dir;
  REQUIRE(mkdir((dir.path + "/mnt").c_str(), 0755) == 0);
  auto opened = MountPoint::open(dir.path + "/mnt");
  REQUIRE(opened);
  // The swap of the audit: the directory renamed away, a link in its place.
  REQUIRE(rename((dir.path + "/mnt").c_str(), (dir.path + "/moved").c_str()) == 0);
  REQUIRE(mkdir((dir.path + "/other").c_str(), 0755) == 0);
  REQUIRE(symlink((dir.path + "/other").c_str(), (dir.path + "/mnt").c_str()) == 0);
  CHECK(opened->real_path() == dir.path + "/moved");
  struct stat through {
  }, moved{};
  REQUIRE(stat(opened->descriptor_path().c_str(), &through) == 0);
  REQUIRE(stat((dir.path + "/moved").c_str(), &moved) == 0);
  CHECK(through.st_ino == moved.st_ino);
  CHECK(through.st_dev == moved.st_dev);
}

TEST_CASE("mount point: a symbolic link anywhere in the path is refused", "[mount_point]") {
  TempDir dir;
  REQUIRE(mkdir((dir.path + "/real").c_str(), 0755) == 0);
  REQUIRE(mkdir((dir.path + "/real/mnt").c_str(), 0755) == 0);
  REQUIRE(symlink((dir.path + "/real").c_str(), (dir.path + "/link").c_str()) == 0);
  REQUIRE(symlink((dir.path + "/real/mnt").c_str(), (dir.path + "/real/mntlink").c_str()) == 0);

  const std::string middle = dir.path + "/link/mnt";
  CHECK(refusal(middle) ==
        "mount point " + middle + ": " + dir.path + "/link is a symbolic link; give the real path");
  const std::string last = dir.path + "/real/mntlink";
  CHECK(refusal(last) ==
        "mount point " + last + ": " + last + " is a symbolic link; give the real path");
  // The same directory by its real path is fine.
  CHECK(MountPoint::open(dir.path + "/real/mnt"));
}

TEST_CASE("mount point: a relative path is walked from the working directory", "[mount_point]") {
  TempDir dir;
  REQUIRE(mkdir((dir.path + "/real").c_str(), 0755) == 0);
  REQUIRE(symlink("real", (dir.path + "/link").c_str()) == 0);
  char cwd[PATH_MAX];
  REQUIRE(getcwd(cwd, sizeof cwd));
  REQUIRE(chdir(dir.path.c_str()) == 0);
  auto plain = MountPoint::open("real");
  const std::string linked = refusal("./link");
  REQUIRE(chdir(cwd) == 0);
  REQUIRE(plain);
  CHECK(plain->real_path() == dir.path + "/real");
  CHECK(linked == "mount point ./link: link is a symbolic link; give the real path");
}

TEST_CASE("mount point: files, missing paths and mount points are refused", "[mount_point]") {
  TempDir dir;
  std::ofstream(dir.path + "/file") << "x";
  CHECK(refusal(dir.path + "/file") == "mount point " + dir.path + "/file is not a directory");
  CHECK(refusal(dir.path + "/file/mnt") ==
        "mount point " + dir.path + "/file/mnt: " + dir.path + "/file is not a directory");
  CHECK(refusal(dir.path + "/missing") ==
        "mount point " + dir.path + "/missing: No such file or directory");
  CHECK(refusal("") == "mount point: empty path");
  // "/" is always a mount point.
  CHECK_THAT(refusal("/"), Catch::Contains("is busy: something is already mounted there"));
}

TEST_CASE("mount table: mountinfo lines", "[mount_point]") {
  auto entry = aoefs::parse_mountinfo_line(
      "36 35 0:44 / /tmp/my\\040mnt rw,nosuid shared:7 master:1 - fuse.aoefs aoefs rw,user_id=0");
  REQUIRE(entry);
  CHECK(entry->id == 36);
  CHECK(entry->parent_id == 35);
  CHECK(entry->point == "/tmp/my mnt");
  CHECK(entry->type == "fuse.aoefs");
  CHECK(entry->source == "aoefs");
  CHECK_FALSE(aoefs::parse_mountinfo_line("36 35 0:44 / /mnt rw"));  // no " - TYPE"
  CHECK_FALSE(aoefs::parse_mountinfo_line("garbage"));
  CHECK_FALSE(aoefs::read_mount_table().empty());
}
