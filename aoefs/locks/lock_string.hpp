// The config string an aoefs mount sets on a target it locks (flock), so
// that anyone reading the string (aoecfg, getfattr, another aoefs) sees who
// holds the target and since when. Versioned; fields separated by one space:
//
//   aoefs-lock/1 host=HOST mac=MAC[,MAC...] pid=PID since=YYYY-MM-DDTHH:MM:SSZ daemon=PID
//
// host: gethostname() with spaces and '=' replaced by '_' (at most 64
// bytes); mac: the mount's own interface MACs; pid: the process that took
// the lock; since: UTC time of the claim; daemon: the aoefs daemon's pid
// (two mounts on one host tell their strings apart). Always <= 1024 bytes.
// A later version changes the "aoefs-lock/1" tag; readers compare strings
// exactly and need not parse them.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace aoefs {

inline constexpr std::string_view kLockStringTag = "aoefs-lock/1";

struct LockIdentity {
  std::string host;
  std::vector<aoe::MacAddress> macs;
  std::uint32_t pid = 0;
  std::time_t since = 0;
  std::uint32_t daemon = 0;
};

std::string format_lock_string(const LockIdentity& who);
// Whether `config` is a lock string of any aoefs version ("aoefs-lock/").
bool is_aoefs_lock_string(std::string_view config);

}  // namespace aoefs
