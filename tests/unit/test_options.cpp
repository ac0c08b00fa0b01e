#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "aoefs/settings/options.hpp"
#include "command_line_args.hpp"
#include "protocol/io/raw_socket_link.hpp"

using namespace aoefs;

TEST_CASE("command line: flags, config and -o items") {
  auto r = parse_args({"-f", "--config", "/tmp/x.toml", "-o", "ro,uid=5", "-oallow_other", "/mnt"});
  REQUIRE(r);
  auto line = *r;
  CHECK(line.mountpoint == "/mnt");
  CHECK(line.foreground);
  CHECK_FALSE(line.debug);
  CHECK(line.config_path == "/tmp/x.toml");
  CHECK(line.mount_options == std::vector<std::string>{"ro", "uid=5", "allow_other"});
}

TEST_CASE("command line errors name the problem") {
  auto r = parse_args({"aoefs", "/mnt", "/other"});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("/other"));
  r = parse_args({"--bogus", "/mnt"});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("--bogus"));
  r = parse_args({"-f"});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("MOUNTPOINT"));
  r = parse_args({"/mnt", "--config"});
  REQUIRE_FALSE(r);
}

TEST_CASE("mount options (-o) override settings and keep FUSE's own") {
  auto r =
      parse_args({"-d", "-o",
                  "interfaces=eth0:eth1,discovery_interval=2.5,dead_timeout=7,ro,allow_other,"
                  "uid=1000,gid=100,umask=022,cache_size=16M,read_ahead_kb=512,"
                  "cache_block_size=128K,cache_read_ahead=0,cache_expiry=0.5,log_level=warning,"
                  "default_permissions,fsname=aoe,_netdev,direct_io,io_uring",
                  "/mnt"});
  REQUIRE(r);
  auto line = *r;
  Settings s;
  std::vector<std::string> fuse;
  REQUIRE(apply_mount_options(s, line, fuse));
  CHECK(s.interfaces == std::vector<std::string>{"eth0", "eth1"});
  CHECK(s.discovery_interval == std::chrono::milliseconds(2500));
  CHECK(s.dead_timeout == std::chrono::seconds(7));
  CHECK(s.read_only);
  CHECK(s.allow_other);
  CHECK(s.uid == 1000u);
  CHECK(s.gid == 100u);
  CHECK(s.umask == 022);
  CHECK(s.cache_size == 16u << 20);
  CHECK(s.read_ahead_kb == 512);
  CHECK(s.cache_block_size == 128u << 10);
  CHECK(s.cache_read_ahead == 0);
  CHECK(s.cache_expiry == std::chrono::milliseconds(500));
  CHECK(s.log_level == LogLevel::warning);
  CHECK(s.debug);
  CHECK(s.direct_io);
  CHECK(s.io_uring);
  CHECK_FALSE(s.foreground);
  CHECK(fuse == std::vector<std::string>{"default_permissions", "fsname=aoe"});
}

TEST_CASE("invalid -o options are errors naming the key") {
  struct Case {
    const char* option;
    const char* expect;
  };
  for (auto c :
       {Case{"dead_timeout=abc", "dead_timeout"}, Case{"dead_timeout=-1", "dead_timeout"},
        Case{"dead_timout=5", "did you mean 'dead_timeout'"}, Case{"umask=999", "umask"},
        Case{"uid=-1", "uid"}, Case{"cache_size=12Q", "cache_size"},
        Case{"interfaces=a::b", "interfaces"}, Case{"cache_block_size=1000", "multiple of 512"},
        Case{"cache_block_size=0", "cache_block_size"},
        Case{"cache_block_size=8M", "cache_block_size"},
        Case{"cache_read_ahead=2G", "cache_read_ahead"}, Case{"cache_expiry=0", "cache_expiry"},
        Case{"log_level=loud", "log_level"}, Case{"uid", "uid"}, Case{"ro=1", "ro"},
        Case{"frobnicate", "frobnicate"}}) {
    INFO(c.option);
    auto line = *parse_args({"-o", c.option, "/mnt"});
    Settings s;
    std::vector<std::string> fuse;
    auto applied = apply_mount_options(s, line, fuse);
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().message, Catch::Contains(c.expect));
  }
}

TEST_CASE("command line as mount.fuse3 runs it: SOURCE MOUNTPOINT -o OPTIONS") {
  // What `mount -t fuse.aoefs aoefs /mnt/aoe -o ...` makes mount.fuse3 run.
  auto r =
      parse_args({"aoefs", "/mnt/aoe", "-o", "rw,nosuid,nodev,noatime,interfaces=aoe0,dev,suid"});
  REQUIRE(r);
  auto line = *r;
  CHECK(line.source == "aoefs");
  CHECK(line.mountpoint == "/mnt/aoe");
  Settings s;
  std::vector<std::string> fuse;
  REQUIRE(apply_mount_options(s, line, fuse));
  CHECK_FALSE(s.read_only);
  CHECK(s.interfaces == std::vector<std::string>{"aoe0"});
  CHECK(fuse == std::vector<std::string>{"nosuid", "nodev", "noatime", "dev", "suid"});

  auto one = *parse_args({"/mnt/aoe"});
  CHECK_FALSE(one.source);
  CHECK(one.mountpoint == "/mnt/aoe");
}

TEST_CASE("generic mount flags go to FUSE, fstab bookkeeping is ignored") {
  const std::vector<std::string> generic = {"dev",  "nodev",  "suid",   "nosuid",
                                            "exec", "noexec", "atime",  "noatime",
                                            "sync", "async",  "dirsync"};
  std::string all;
  for (const auto& g : generic) all += g + ",";
  all +=
      "defaults,_netdev,auto,noauto,nofail,user,users,nouser,owner,group,relatime,"
      "x-systemd.requires=network-online.target,x-gvfs-hide,comment=aoe,ro";
  auto line = *parse_args({"aoefs", "/mnt", "-o", all});
  Settings s;
  std::vector<std::string> fuse;
  auto applied = apply_mount_options(s, line, fuse);
  INFO((applied ? "" : applied.error().message));
  REQUIRE(applied);
  CHECK(fuse == generic);
  CHECK(s.read_only);
}

TEST_CASE("mount flags take no value; lookalikes of ignored options are errors") {
  // libfuse 3.14 refuses these atime flags, so aoefs does too, before mounting.
  for (const char* bad : {"nosuid=1", "sync=yes", "_netdevs", "x", "comment", "defaults2",
                          "strictatime", "nodiratime", "lazytime", "norelatime"}) {
    INFO(bad);
    auto line = *parse_args({"-o", bad, "/mnt"});
    Settings s;
    std::vector<std::string> fuse;
    auto applied = apply_mount_options(s, line, fuse);
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().message, Catch::Contains(bad));
  }
}

TEST_CASE("answer_on_caller: a flag, off by default") {
  Settings s;
  CHECK_FALSE(s.answer_on_caller);
  std::vector<std::string> fuse;
  auto line = *parse_args({"-o", "answer_on_caller", "/mnt"});
  REQUIRE(apply_mount_options(s, line, fuse));
  CHECK(s.answer_on_caller);
}

TEST_CASE("busy_poll: microseconds from 0 (never) to 1000, default 50") {
  Settings s;
  CHECK(s.busy_poll == std::chrono::microseconds(50));
  CHECK(s.busy_poll == aoe::RawSocketLink::kDefaultBusyPoll);  // settings/ cannot include it
  std::vector<std::string> fuse;
  auto line = *parse_args({"-o", "busy_poll=0", "/mnt"});
  REQUIRE(apply_mount_options(s, line, fuse));
  CHECK(s.busy_poll == std::chrono::microseconds(0));
  line = *parse_args({"-o", "busy_poll=1000", "/mnt"});
  REQUIRE(apply_mount_options(s, line, fuse));
  CHECK(s.busy_poll == std::chrono::microseconds(1000));
  for (const char* bad : {"busy_poll=1001", "busy_poll=-1", "busy_poll=5us", "busy_poll="}) {
    INFO(bad);
    Settings t;
    auto l = *parse_args({"-o", bad, "/mnt"});
    auto applied = apply_mount_options(t, l, fuse);
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().message, Catch::Contains("busy_poll"));
    CHECK(t == Settings{});
  }
}

TEST_CASE(
    "bounds against a hostile segment: max_targets, max_paths, path_timeout, "
    "unmatched_log_interval") {
  auto line = *parse_args(
      {"-o", "max_targets=64,max_paths=4,path_timeout=2.5,unmatched_log_interval=30", "/mnt"});
  Settings s;
  CHECK(s.max_targets == 1024);
  CHECK(s.max_paths == 16);
  CHECK(s.path_timeout == std::chrono::seconds(60));
  std::vector<std::string> fuse;
  REQUIRE(apply_mount_options(s, line, fuse));
  CHECK(s.max_targets == 64);
  CHECK(s.max_paths == 4);
  CHECK(s.path_timeout == std::chrono::milliseconds(2500));
  CHECK(s.unmatched_log_interval == std::chrono::seconds(30));
  for (const char* bad :
       {"max_targets=0", "max_paths=-1", "max_paths=70000", "max_targets=x", "path_timeout=0"}) {
    INFO(bad);
    auto l = *parse_args({"-o", bad, "/mnt"});
    Settings t;
    auto applied = apply_mount_options(t, l, fuse);
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().message,
               Catch::Contains(std::string(bad).substr(0, std::string(bad).find('='))));
  }
}
