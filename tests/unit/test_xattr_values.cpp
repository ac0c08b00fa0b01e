#include <catch2/catch.hpp>

#include <string>

#include "aoefs/locks/lock_string.hpp"
#include "aoefs/fs/target_table.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/fs/xattr_values.hpp"

using namespace aoefs;

TEST_CASE("xattr names: user.aoe.* only, everything else is not ours") {
  CHECK(xattr_by_name("user.aoe.config") == Xattr::config);
  CHECK(xattr_by_name("user.aoe.mask") == Xattr::mask);
  CHECK_FALSE(xattr_by_name("security.capability"));
  CHECK_FALSE(xattr_by_name("user.aoe."));
  CHECK_FALSE(xattr_by_name("user.aoe.configx"));
  CHECK_FALSE(xattr_by_name("user.config"));
  const std::string list = xattr_name_list();
  CHECK(list.find(std::string("user.aoe.config\0", 16)) == 0);
  CHECK(list.back() == '\0');
  CHECK(std::count(list.begin(), list.end(), '\0') == 12);
  CHECK(xattr_writable(Xattr::reserve));
  CHECK_FALSE(xattr_writable(Xattr::model));
}

TEST_CASE("xattr snapshot values from the target's facts") {
  aoe::TargetInfo info;
  info.firmware_version = 0x4019;
  info.buffer_count = 16;
  info.sectors_per_frame = 2;
  info.model = "Coraid EtherDrive vblade";
  info.serial = "1.0:host";
  info.paths = {{"aoe0", *aoe::MacAddress::parse("02:00:00:00:00:01"), {}},
                {"aoe1", *aoe::MacAddress::parse("02:00:00:00:00:02"), {}}};
  info.firmware = "V25";
  // Two firmwares, two names; the old name keeps its old meaning.
  CHECK(snapshot_xattr_value(Xattr::firmware_version, info) == "0x4019");
  CHECK(snapshot_xattr_value(Xattr::firmware_revision, info) == "V25");
  CHECK(snapshot_xattr_value(Xattr::firmware, info) == "0x4019");
  CHECK(xattr_by_name("user.aoe.firmware_version") == Xattr::firmware_version);
  CHECK(xattr_by_name("user.aoe.firmware_revision") == Xattr::firmware_revision);
  CHECK(snapshot_xattr_value(Xattr::buffer_count, info) == "16");
  CHECK(snapshot_xattr_value(Xattr::sectors_per_frame, info) == "2");
  CHECK(snapshot_xattr_value(Xattr::flush, info) == "28");
  info.flush_mode = aoe::FlushMode::none_at_risk;
  CHECK(snapshot_xattr_value(Xattr::flush, info) == "none (write cache on: data at risk)");
  CHECK(snapshot_xattr_value(Xattr::paths, info) ==
        "aoe0=02:00:00:00:00:01 aoe1=02:00:00:00:00:02");
  CHECK(snapshot_xattr_value(Xattr::model, info) == "Coraid EtherDrive vblade");
  CHECK(snapshot_xattr_value(Xattr::serial, info) == "1.0:host");
}

TEST_CASE("xattr config values: up to 1024 bytes, longer is EINVAL") {
  CHECK_FALSE(check_config_value(""));
  CHECK_FALSE(check_config_value(std::string(1024, 'x')));
  CHECK(check_config_value(std::string(1025, 'x')) == std::errc::invalid_argument);
}

TEST_CASE("xattr reserve values: MAC lists, force prefix, malformed MACs rejected") {
  auto r = parse_reserve_value("02:00:00:00:00:01, 02-00-00-00-00-02\n");
  REQUIRE(r);
  CHECK_FALSE(r->force);
  REQUIRE(r->macs.size() == 2);
  CHECK(r->macs[1].to_string() == "02:00:00:00:00:02");
  auto f = parse_reserve_value("force 02:00:00:00:00:01");
  REQUIRE(f);
  CHECK(f->force);
  CHECK(f->macs.size() == 1);
  auto release = parse_reserve_value("");
  REQUIRE(release);
  CHECK(release->macs.empty());
  CHECK_FALSE(parse_reserve_value("02:00:00:00:00"));
  CHECK_FALSE(parse_reserve_value("02:00:00:00:00:01 zz:00:00:00:00:01"));
  // Length is not the parser's business: the engine refuses a list that
  // does not fit one frame (too_large, E2BIG; test_engine_control_size.cpp).
  std::string many;
  for (int i = 0; i < 300; ++i) many += "02:00:00:00:00:01 ";
  auto long_list = parse_reserve_value(many);
  REQUIRE(long_list);
  CHECK(long_list->macs.size() == 300);
  CHECK(format_mac_list(r->macs) == "02:00:00:00:00:01 02:00:00:00:00:02");
}

TEST_CASE("xattr mask values: +MAC / -MAC directives only") {
  auto d = parse_mask_value("+02:00:00:00:00:01 -02:00:00:00:00:02");
  REQUIRE(d);
  REQUIRE(d->size() == 2);
  CHECK((*d)[0].command == static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::add));
  CHECK((*d)[1].command == static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::remove));
  CHECK((*d)[1].mac.to_string() == "02:00:00:00:00:02");
  CHECK_FALSE(parse_mask_value(""));
  CHECK_FALSE(parse_mask_value("02:00:00:00:00:01"));
  CHECK_FALSE(parse_mask_value("+02:00:00:00:00:0g"));
  CHECK_FALSE(parse_mask_value("+"));
  std::string many;
  for (int i = 0; i < 300; ++i) many += "+02:00:00:00:00:01 ";
  auto long_edit = parse_mask_value(many);
  REQUIRE(long_edit);
  CHECK(long_edit->size() == 300);
  CHECK(mask_error(0) == std::error_code{});
  CHECK(mask_error(2) == std::errc::invalid_argument);
  CHECK(mask_error(3) == std::errc::no_space_on_device);
  CHECK(mask_error(1) == std::errc::io_error);
}

TEST_CASE("lock string: versioned, names host, MACs, pid, time and daemon") {
  LockIdentity who{"node 1=a", {*aoe::MacAddress::parse("02:00:00:00:00:01")}, 1234, 0, 77};
  const auto s = format_lock_string(who);
  CHECK(s ==
        "aoefs-lock/1 host=node_1_a mac=02:00:00:00:00:01 pid=1234 "
        "since=1970-01-01T00:00:00Z daemon=77");
  CHECK(is_aoefs_lock_string(s));
  CHECK_FALSE(is_aoefs_lock_string("set with aoecfg"));
  LockIdentity big{std::string(500, 'h'), std::vector<aoe::MacAddress>(100), 1, 0, 1};
  CHECK(format_lock_string(big).size() <= 1024);
}

TEST_CASE("target file names parse back to addresses") {
  CHECK(parse_file_name("e1.0") == aoe::TargetAddress{1, 0});
  CHECK(parse_file_name("e65534.254") == aoe::TargetAddress{65534, 254});
  CHECK(parse_file_name(file_name_of({7, 3})) == aoe::TargetAddress{7, 3});
  CHECK_FALSE(parse_file_name("e65535.0"));
  CHECK_FALSE(parse_file_name("e1.255"));
  CHECK_FALSE(parse_file_name("e1."));
  CHECK_FALSE(parse_file_name("e.1"));
  CHECK_FALSE(parse_file_name("1.0"));
  CHECK_FALSE(parse_file_name("e1.0x"));
  CHECK_FALSE(parse_file_name("e-1.0"));
}

TEST_CASE("xattr: a paths list past the xattr size limit is cut with a marker", "[xattr]") {
  aoe::TargetInfo info;
  for (unsigned i = 0; i < 50'000; ++i)
    info.paths.push_back(
        {"eth0",
         aoe::MacAddress{{0x02, 0, 0, static_cast<std::uint8_t>(i >> 16),
                          static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}},
         {}});
  const std::string v = aoefs::snapshot_xattr_value(aoefs::Xattr::paths, info);
  CHECK(v.size() <= aoefs::kMaxXattrValue);
  CHECK(v.size() > aoefs::kMaxXattrValue - 100);
  CHECK(v.starts_with("eth0=02:00:00:00:00:00 eth0=02:00:00:00:00:01"));
  CHECK(v.ends_with(" more)"));
  CHECK(v.find(" ...(") != std::string::npos);
  info.paths.resize(3);
  CHECK(aoefs::snapshot_xattr_value(aoefs::Xattr::paths, info) ==
        "eth0=02:00:00:00:00:00 eth0=02:00:00:00:00:01 eth0=02:00:00:00:00:02");
}
