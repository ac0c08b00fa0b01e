// Configuration errors quote what the user wrote (a TOML key, an -o item,
// an interface name, a path); a control byte in it reaches the message as
// \xHH (util/wire_text.hpp), never raw: a hostile config file or argument
// cannot send escape sequences to the admin's terminal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "aoefs/fs/mount_point.hpp"
#include "aoefs/settings/config_file.hpp"
#include "aoefs/settings/options.hpp"
#include "command_line_args.hpp"

using namespace aoefs;

namespace {

bool has_control_byte(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// The message of the error `r` holds, checked to be free of control bytes.
template <class T>
std::string clean_error(const Expected<T>& r) {
  REQUIRE_FALSE(r);
  const std::string& m = r.error().message;
  INFO(m);
  CHECK_FALSE(has_control_byte(m));
  return m;
}

Expected<void> apply_o(const std::string& item) {
  CommandLine line;
  line.mountpoint = "/mnt";
  line.mount_options = {item};
  Settings s;
  std::vector<std::string> fuse;
  return apply_mount_options(s, line, fuse);
}

}  // namespace

TEST_CASE("config escaping: a TOML key with ESC is shown as \\x1b") {
  Settings s;
  const auto m = clean_error(apply_config_text(s, "\"\\u001b[31mred\" = 1\n", "t.toml"));
  CHECK_THAT(m, Catch::Contains("unknown key '\\x1b[31mred'"));
  CHECK_THAT(m, Catch::StartsWith("t.toml:1:"));
}

TEST_CASE("config escaping: the file's name with ESC, in every line of error") {
  Settings s;
  const std::string name = "/tmp/\x1b]0;owned\x07.toml";
  CHECK_THAT(clean_error(apply_config_text(s, "dead_timout = 5\n", name)),
             Catch::StartsWith("/tmp/\\x1b]0;owned\\x07.toml:1: unknown key"));
  CHECK_THAT(clean_error(apply_config_text(s, "this is not toml\n", name)),
             Catch::Contains("\\x1b]0;owned\\x07.toml:1: invalid TOML"));
  CHECK_THAT(clean_error(apply_config_file(s, name, true)),
             Catch::StartsWith("--config /tmp/\\x1b]0;owned\\x07.toml: cannot read"));
}

TEST_CASE("config escaping: a TOML value the parser quotes back") {
  Settings s;
  // toml++ quotes a misspelt boolean back raw ("expected 'true', saw 'tru^['").
  CHECK_THAT(clean_error(apply_config_text(s, "read_only = tru\x1b\n", "t.toml")),
             Catch::Contains("t.toml:1: invalid TOML: ") && Catch::Contains("tru\\x1b"));
  clean_error(apply_config_text(s, "log_level = \"a\x1b[2Jb\"\n", "t.toml"));
  clean_error(apply_config_text(s, "\x1b[2J = 1\n", "t.toml"));
}

TEST_CASE("config escaping: interface names with ESC") {
  Settings s;
  // A space makes it no interface name at all; the message shows it escaped.
  const auto m = clean_error(apply_config_text(s, "interfaces = [\"e\\u001b[31m x\"]\n", "t"));
  CHECK_THAT(m, Catch::Contains("bad name 'e\\x1b[31m x'"));
  CHECK_THAT(clean_error(apply_o("interfaces=e\x1b[31m x")), Catch::Contains("e\\x1b[31m x"));
}

TEST_CASE("config escaping: -o items and arguments with ESC") {
  CHECK_THAT(clean_error(apply_o("fr\x1b[31mob=1")),
             Catch::Contains("-o fr\\x1b[31mob=1: unknown option 'fr\\x1b[31mob'"));
  CHECK_THAT(clean_error(apply_o("dead_timeout=\x1b[31m")),
             Catch::StartsWith("-o dead_timeout=\\x1b[31m:"));
  CHECK_THAT(clean_error(parse_args({"--fr\x1b[31mob", "/mnt"})),
             Catch::Contains("'--fr\\x1b[31mob'"));
  CHECK_THAT(clean_error(parse_args({"a", "b", "c\x1b[31m"})), Catch::Contains("'c\\x1b[31m'"));
}

TEST_CASE("config escaping: a mount point with ESC") {
  const auto m = clean_error(MountPoint::open("/nonexistent-aoefs/\x1b[31mred"));
  CHECK_THAT(m, Catch::StartsWith("mount point /nonexistent-aoefs/\\x1b[31mred: "));
}
