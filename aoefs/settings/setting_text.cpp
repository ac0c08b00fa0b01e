#include "aoefs/settings/setting_text.hpp"

#include <cstdio>

#include "aoefs/settings/setting_keys.hpp"

namespace aoefs {
namespace {

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

// The largest of K, M, G, T that divides the size exactly.
std::string size_text(std::uint64_t bytes) {
  static constexpr char kSuffixes[] = {'T', 'G', 'M', 'K'};
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t unit = 1ull << (10 * (4 - i));
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + kSuffixes[i];
  }
  return std::to_string(bytes);
}

std::string level_text(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "?";
}

std::string flag_text(bool v) { return v ? "true" : "false"; }

std::string interfaces_text(const std::vector<std::string>& interfaces) {
  std::string out;
  for (const auto& i : interfaces) out += (out.empty() ? "" : ":") + i;
  return out;
}

std::string listen_text(const std::optional<ListenAddress>& listen) {
  if (!listen) return "off";
  const bool v6 = listen->address.find(':') != std::string::npos;
  return (v6 ? "[" + listen->address + "]" : listen->address) + ":" + std::to_string(listen->port);
}

template <class T>
std::string optional_text(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "";
}

std::string value_text(const Settings& s, std::string_view key) {
  if (key == "interfaces") return interfaces_text(s.interfaces);
  if (key == "discovery_interval") return seconds_text(s.discovery_interval);
  if (key == "dead_timeout") return seconds_text(s.dead_timeout);
  if (key == "forget_after") return seconds_text(s.forget_after);
  if (key == "identify_interval") return seconds_text(s.identify_interval);
  if (key == "read_only") return flag_text(s.read_only);
  if (key == "io_uring") return flag_text(s.io_uring);
  if (key == "answer_on_caller") return flag_text(s.answer_on_caller);
  if (key == "allow_other") return flag_text(s.allow_other);
  if (key == "uid") return optional_text(s.uid);
  if (key == "gid") return optional_text(s.gid);
  if (key == "umask") {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(s.umask));
    return buf;
  }
  if (key == "cache_size") return size_text(s.cache_size);
  if (key == "cache_block_size") return size_text(s.cache_block_size);
  if (key == "cache_read_ahead") return size_text(s.cache_read_ahead);
  if (key == "cache_expiry") return seconds_text(s.cache_expiry);
  if (key == "read_ahead_kb") return std::to_string(s.read_ahead_kb);
  if (key == "direct_io") return flag_text(s.direct_io);
  if (key == "foreground") return flag_text(s.foreground);
  if (key == "debug") return flag_text(s.debug);
  if (key == "log_level") return level_text(s.log_level);
  if (key == "max_targets") return std::to_string(s.max_targets);
  if (key == "max_paths") return std::to_string(s.max_paths);
  if (key == "path_timeout") return seconds_text(s.path_timeout);
  if (key == "unmatched_log_interval") return seconds_text(s.unmatched_log_interval);
  if (key == "metrics_listen") return listen_text(s.metrics_listen);
  if (key == "busy_poll") return std::to_string(s.busy_poll.count());
  // A key added to the table but not here: tests/unit/test_setting_text.cpp fails.
  return "?";
}

}  // namespace

std::vector<SettingText> setting_texts(const Settings& settings) {
  std::vector<SettingText> out;
  for (const KeyInfo& key : all_keys())
    out.emplace_back(std::string(key.name), value_text(settings, key.name));
  return out;
}

}  // namespace aoefs
