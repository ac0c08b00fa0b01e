#include "aoefs/locks/lock_string.hpp"

#include <algorithm>

#include "protocol/codec/query_config.hpp"

namespace aoefs {

namespace {
constexpr std::size_t kMaxHost = 64;
constexpr std::size_t kMaxMacs = 32;  // 32 * 18 bytes keeps the string far below 1024
}  // namespace

std::string format_lock_string(const LockIdentity& who) {
  std::string host = who.host.substr(0, kMaxHost);
  std::replace_if(
      host.begin(), host.end(),
      [](char c) { return c == ' ' || c == '=' || static_cast<unsigned char>(c) < 0x21; }, '_');
  if (host.empty()) host = "-";
  std::string macs;
  for (std::size_t i = 0; i < who.macs.size() && i < kMaxMacs; ++i)
    macs += (i ? "," : "") + who.macs[i].to_string();
  if (macs.empty()) macs = "-";
  std::tm utc{};
  ::gmtime_r(&who.since, &utc);
  char since[32];
  std::strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::string s = std::string(kLockStringTag) + " host=" + host + " mac=" + macs +
                  " pid=" + std::to_string(who.pid) + " since=" + since +
                  " daemon=" + std::to_string(who.daemon);
  return s.substr(0, aoe::kMaxConfigString);
}

bool is_aoefs_lock_string(std::string_view config) { return config.starts_with("aoefs-lock/"); }

}  // namespace aoefs
