#include "aoefs/daemon/service_status.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>

namespace aoefs {

void ServiceStatus::target_seen(const aoe::TargetInfo& info) {
  std::lock_guard lock(mutex_);
  const std::uint32_t key = std::uint32_t{info.address.shelf} << 8 | info.address.slot;
  auto [it, added] = targets_.try_emplace(key, info.up);
  if (!added && it->second == info.up) return;
  it->second = info.up;
  if (!mount_point_.empty()) send_status_locked();
}

void ServiceStatus::ready(const std::string& mount_point) {
  std::lock_guard lock(mutex_);
  mount_point_ = mount_point;
  ::sd_notify(0, "READY=1");
  send_status_locked();
}

void ServiceStatus::stopping(const std::string& why) {
  const std::string message = "STOPPING=1\nSTATUS=" + why + ": flushing and unmounting";
  ::sd_notify(0, message.c_str());
}

void ServiceStatus::send_status_locked() const {
  const auto up = std::count_if(targets_.begin(), targets_.end(), [](auto& t) { return t.second; });
  const auto down = static_cast<long>(targets_.size()) - up;
  std::string status = "STATUS=mounted on " + mount_point_ + ": " + std::to_string(up) +
                       (up == 1 ? " target" : " targets") + " up";
  if (down != 0) status += ", " + std::to_string(down) + " down";
  ::sd_notify(0, status.c_str());
}

}  // namespace aoefs
