#include "aoefs/daemon/outage_log.hpp"

#include <algorithm>
#include <cstdio>

namespace aoefs {
namespace {

// Whole seconds, as an admin reads them ("5 s"), at least 1.
long long seconds_text(OutageLog::Duration d) {
  return std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

std::optional<SegmentNote> OutageLog::observe(const std::string& name, bool up, unsigned waiting,
                                              Duration unanswered_for, TimePoint now) {
  const auto it = outages_.find(name);
  if (up && waiting > 0 && unanswered_for >= after_) {
    if (it != outages_.end() && now - it->second.told_at < repeat_) return std::nullopt;
    if (it == outages_.end())
      outages_.emplace(name, Outage{now - unanswered_for, now});
    else
      it->second.told_at = now;
    char text[160];
    std::snprintf(text, sizeof text, "%s: no answer for %lld s, retrying; %u request%s waiting",
                  name.c_str(), seconds_text(unanswered_for), waiting, waiting == 1 ? "" : "s");
    return SegmentNote{LogLevel::warning, text};
  }
  if (it == outages_.end()) return std::nullopt;
  const TimePoint since = it->second.since;
  if (!up) {
    outages_.erase(it);  // went down: told by the daemon
    return std::nullopt;
  }
  outages_.erase(it);
  char text[120];
  std::snprintf(text, sizeof text, "%s: answering again after %lld s", name.c_str(),
                seconds_text(now - since));
  return SegmentNote{LogLevel::info, text};
}

std::chrono::milliseconds outage_log_after(std::chrono::milliseconds dead_timeout) {
  using std::chrono::milliseconds;
  if (dead_timeout.count() == 0) return milliseconds(5000);
  return std::clamp(dead_timeout / 4, milliseconds(1000), milliseconds(5000));
}

}  // namespace aoefs
