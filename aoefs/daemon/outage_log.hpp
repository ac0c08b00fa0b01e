// The log lines of an outage, at a bounded rate per target: what a read
// that hangs, with dead_timeout=0 for ever, would otherwise leave unsaid.
// Pure, the clock given by the caller, so it is unit-tested without a
// network or a timer.
//
// Contract, per target (by file name), fed every poll with what the engine
// says (TargetStats::waiting, unanswered_for; TargetInfo::up):
//  * requests waiting and nothing answered for `after` or longer: a warning,
//    "e1.0: no answer for 5 s, retrying; 12 requests waiting", then again at
//    most once per `repeat` while that lasts;
//  * the first poll after such a line that finds the target up and nothing
//    waiting for `after` (it answered since): "e1.0: answering again after
//    12 s" (info), the time since its last answer before the outage;
//  * a target that went down meanwhile ends the outage silently: its "down"
//    line is the daemon's (target_events.hpp), and so is its "back".
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "aoefs/daemon/segment_summary.hpp"

namespace aoefs {

class OutageLog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  OutageLog(Duration after, Duration repeat) : after_(after), repeat_(repeat) {}

  // The line to log now about `name`, if any.
  std::optional<SegmentNote> observe(const std::string& name, bool up, unsigned waiting,
                                     Duration unanswered_for, TimePoint now);

 private:
  struct Outage {
    TimePoint since;    // the target's last answer before it
    TimePoint told_at;  // the last line about it
  };
  Duration after_, repeat_;
  std::map<std::string, Outage> outages_;
};

// The threshold of a mount: a few RTOs are milliseconds, a line per lost
// frame would flood the log; a quarter of the dead timeout (1 to 5 s), 5 s
// when it is 0 (for ever).
std::chrono::milliseconds outage_log_after(std::chrono::milliseconds dead_timeout);
inline constexpr std::chrono::seconds kOutageLogRepeat{30};

}  // namespace aoefs
