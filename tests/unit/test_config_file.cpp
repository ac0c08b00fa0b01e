#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "aoefs/settings/config_file.hpp"
#include "aoefs/settings/options.hpp"

using namespace aoefs;

TEST_CASE("config file: every key") {
  Settings s;
  auto applied = apply_config_text(s, R"(
interfaces = ["eth1", "eth2"]
discovery_interval = 3
dead_timeout = 1.5
read_only = true
allow_other = true
uid = 1000
gid = 1001
umask = "027"
cache_size = "1G"
read_ahead_kb = 1024
foreground = true
debug = false
direct_io = true
cache_block_size = "32K"
cache_read_ahead = 1048576
cache_expiry = 10
log_level = "debug"
)",
                                   "test.toml");
  REQUIRE(applied);
  CHECK(s.interfaces == std::vector<std::string>{"eth1", "eth2"});
  CHECK(s.discovery_interval == std::chrono::seconds(3));
  CHECK(s.dead_timeout == std::chrono::milliseconds(1500));
  CHECK(s.read_only);
  CHECK(s.allow_other);
  CHECK(s.uid == 1000u);
  CHECK(s.gid == 1001u);
  CHECK(s.umask == 027);
  CHECK(s.cache_size == 1ull << 30);
  CHECK(s.read_ahead_kb == 1024);
  CHECK(s.foreground);
  CHECK_FALSE(s.debug);
  CHECK(s.direct_io);
  CHECK(s.cache_block_size == 32u << 10);
  CHECK(s.cache_read_ahead == 1u << 20);
  CHECK(s.cache_expiry == std::chrono::seconds(10));
  CHECK(s.log_level == LogLevel::debug);
}

TEST_CASE("config file: alternative value forms") {
  Settings s;
  REQUIRE(apply_config_text(s, "interfaces = \"a:b\"\numask = 0o022\ncache_size = 4096\n", "t"));
  CHECK(s.interfaces == std::vector<std::string>{"a", "b"});
  CHECK(s.umask == 022);
  CHECK(s.cache_size == 4096);
}

TEST_CASE("config file errors name file, line and key; nothing is applied") {
  struct Case {
    const char* text;
    const char* expect;
  };
  for (auto c :
       {Case{"debug = true\ndead_timout = 5\n",
             "t.toml:2: unknown key 'dead_timout' (did you mean 'dead_timeout'?)"},
        Case{"\n\ndead_timeout = \"soon\"\n", "t.toml:3: dead_timeout:"},
        Case{"read_only = 1\n", "t.toml:1: read_only: expected true or false"},
        Case{"uid = -3\n", "t.toml:1: uid:"}, Case{"interfaces = [1]\n", "t.toml:1: interfaces:"},
        Case{"umask = \"9\"\n", "t.toml:1: umask:"},
        Case{"debug = true\nthis is not toml\n", "t.toml:2: invalid TOML"},
        Case{"[aoefs]\ndebug = true\n", "t.toml:1: unknown key 'aoefs'"}}) {
    INFO(c.text);
    Settings s;
    auto applied = apply_config_text(s, c.text, "t.toml");
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().message, Catch::Contains(c.expect));
    CHECK_FALSE(s.debug);
  }
}

TEST_CASE("load_settings: file, then -o; --config must exist, the default may not") {
  const std::string path = "/tmp/aoefs-unit-config-" + std::to_string(::getpid()) + ".toml";
  {
    std::ofstream out(path);
    out << "dead_timeout = 9\nread_only = true\n";
  }
  CommandLine line;
  line.mountpoint = "/mnt";
  line.config_path = path;
  line.mount_options = {"rw", "uid=7"};
  std::vector<std::string> fuse;
  auto r = load_settings(line, fuse);
  REQUIRE(r);
  const Settings& s = *r;
  CHECK(s.dead_timeout == std::chrono::seconds(9));
  CHECK_FALSE(s.read_only);  // -o rw overrides the file
  CHECK(s.uid == 7u);
  std::remove(path.c_str());

  auto missing = load_settings(line, fuse);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains(path));
}

TEST_CASE("config file: a directory is an error, not an empty configuration") {
  Settings s;
  s.debug = true;
  auto dir = apply_config_file(s, "/etc", true);
  REQUIRE_FALSE(dir);
  CHECK(dir.error().message == "--config /etc: is a directory, expected a TOML file");
  // The default path too: it exists, so it must be a file.
  auto default_dir = apply_config_file(s, "/etc", false);
  REQUIRE_FALSE(default_dir);
  CHECK(default_dir.error().message == "/etc: is a directory, expected a TOML file");
  CHECK(s.debug);  // nothing applied

  CommandLine line;
  line.mountpoint = "/mnt";
  line.config_path = "/tmp";
  std::vector<std::string> fuse;
  auto loaded = load_settings(line, fuse);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message == "--config /tmp: is a directory, expected a TOML file");
}

TEST_CASE("config file: missing, endless and empty files") {
  Settings s;
  auto missing = apply_config_file(s, "/nonexistent/aoefs.toml", true);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message ==
        "--config /nonexistent/aoefs.toml: cannot read configuration file: No such file or "
        "directory");
  CHECK(apply_config_file(s, "/nonexistent/aoefs.toml", false));  // the default may be missing
  // A device that never ends is refused after 1 MiB, not read forever.
  auto endless = apply_config_file(s, "/dev/zero", true);
  REQUIRE_FALSE(endless);
  CHECK(endless.error().message ==
        "--config /dev/zero: longer than 1024 KiB, not a configuration file");
  // An empty file is a valid (empty) configuration.
  Settings before = s;
  REQUIRE(apply_config_file(s, "/dev/null", true));
  CHECK(s == before);
}
