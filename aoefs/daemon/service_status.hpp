// What the daemon tells systemd (sd_notify, for a Type=notify unit):
// READY=1 once mounted with discovery started, STATUS= with the mount point
// and how many targets are up (kept current as targets come and go), and
// STOPPING=1 when it begins to flush and unmount. Outside systemd
// (NOTIFY_SOCKET unset) every call does nothing.
//
// Thread-safe: targets are reported from the io thread, the rest from the
// daemon's main thread.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "protocol/initiator_types.hpp"

namespace aoefs {

class ServiceStatus {
 public:
  // Every target event (found, down, back, resized ...).
  void target_seen(const aoe::TargetInfo& info);
  void ready(const std::string& mount_point);
  void stopping(const std::string& why);

 private:
  void send_status_locked() const;
  std::mutex mutex_;
  std::string mount_point_;                // empty until ready()
  std::map<std::uint32_t, bool> targets_;  // shelf << 8 | slot -> up
};

}  // namespace aoefs
