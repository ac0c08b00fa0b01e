#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "aoefs/helper/trusted_file.hpp"

using aoefs::helper::read_trusted_file;

namespace {
std::string refusal(const std::string& path, std::size_t max = 4096) {
  auto got = read_trusted_file(path, max);
  REQUIRE_FALSE(got);
  return got.error().message;
}

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/aoefs-trusted.XXXXXX";
    REQUIRE(mkdtemp(name));
    path = name;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};
}  // namespace

TEST_CASE("trusted file: a root-owned file under root-owned directories is read", "[helper]") {
  auto got = read_trusted_file("/etc/passwd", 1 << 20);
  REQUIRE(got);
  CHECK(got->find("root:") != std::string::npos);
}

TEST_CASE("trusted file: malformed paths are refused", "[helper]") {
  CHECK_THAT(refusal("etc/passwd"), Catch::Contains("not an absolute file path"));
  CHECK_THAT(refusal(""), Catch::Contains("not an absolute file path"));
  CHECK_THAT(refusal("/etc/"), Catch::Contains("not an absolute file path"));
  CHECK_THAT(refusal("/etc/../etc/passwd"), Catch::Contains("not a normalised path"));
  CHECK_THAT(refusal("/etc//passwd"), Catch::Contains("not a normalised path"));
  CHECK_THAT(refusal("/etc/./passwd"), Catch::Contains("not a normalised path"));
}

TEST_CASE("trusted file: missing, oversized, non-regular files are refused", "[helper]") {
  CHECK_THAT(refusal("/etc/aoefs-no-such-file"),
             Catch::Contains("/etc/aoefs-no-such-file: No such file"));
  CHECK_THAT(refusal("/etc/passwd", 4), Catch::Contains("larger than 4 bytes"));
  CHECK_THAT(refusal("/etc"), Catch::Contains("/etc: not a regular file"));
}

TEST_CASE("trusted file: a file others may write, or one behind a symlink, is refused",
          "[helper]") {
  // As root the reasons are the mode and the link; as another user the
  // temporary directory is not root's, which is refused first.
  TempDir dir;
  const std::string file = dir.path + "/policy.toml";
  std::ofstream(file) << "[[allow]]\n";
  REQUIRE(chmod(file.c_str(), 0666) == 0);
  const std::string writable = refusal(file);
  CHECK_THAT(writable, Catch::Contains(dir.path));
  if (geteuid() == 0) CHECK(writable == file + ": writable by group or others");

  REQUIRE(chmod(file.c_str(), 0644) == 0);
  REQUIRE(symlink(file.c_str(), (dir.path + "/link.toml").c_str()) == 0);
  const std::string linked = refusal(dir.path + "/link.toml");
  CHECK_THAT(linked, Catch::Contains(dir.path));
  if (geteuid() == 0) CHECK(linked == dir.path + "/link.toml: is a symbolic link");

  REQUIRE(mkdir((dir.path + "/open").c_str(), 0755) == 0);
  REQUIRE(chmod((dir.path + "/open").c_str(), 0777) == 0);
  std::ofstream(dir.path + "/open/p.toml") << "";
  const std::string open_dir = refusal(dir.path + "/open/p.toml");
  CHECK_THAT(open_dir, Catch::Contains(dir.path));
  if (geteuid() == 0) CHECK(open_dir == dir.path + "/open: writable by group or others");

  if (geteuid() == 0) {  // a root-owned sticky directory (like /tmp) is accepted
    REQUIRE(chmod((dir.path + "/open").c_str(), 01777) == 0);
    CHECK(read_trusted_file(dir.path + "/open/p.toml", 10).has_value());
  }
}
