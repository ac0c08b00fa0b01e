// The log lines about targets changing capacity, at a bounded rate per
// target. A target that re-announces itself with a new capacity over and
// over (broken or hostile: 637 resizes in 30 s were seen) would otherwise
// write a line each time. Pure, the clock given by the caller, so the
// limiter is unit-tested without a network or a timer.
//
// Contract, per target (by file name):
//  * a resize more than `interval` after the last line about the target is
//    told at once: "e1.0 resized: 64.0 MiB -> 128.0 MiB" (info);
//  * a resize sooner is held back and counted; due() tells the held-back
//    ones once the interval since that last line is over: one held back as
//    its own line, late; more as one warning, "e1.0: resized 7 more times in
//    the last 10 s; now 64.0 MiB", which starts the next interval;
//  * so there is at most one line per target per interval, and the last
//    capacity always reaches the log (after at most one interval, when the
//    caller calls due() by next_due()).
// The data path does not wait for any of this: the capacity changes at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aoefs/daemon/segment_summary.hpp"

namespace aoefs {

class ResizeLog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit ResizeLog(std::chrono::milliseconds interval) : interval_(interval) {}

  // `name`'s capacity changed from `from_bytes` to `to_bytes` at `now`: the
  // line to log now, or nothing (held back for due()).
  std::optional<SegmentNote> resized(const std::string& name, std::uint64_t from_bytes,
                                     std::uint64_t to_bytes, TimePoint now);

  // The lines of the targets whose held-back resizes are due at `now`.
  std::vector<SegmentNote> due(TimePoint now);

  // When due() has a line next; nothing when no resize is held back.
  std::optional<TimePoint> next_due() const;

 private:
  struct Target {
    TimePoint told_at;                         // the last line about it
    unsigned held = 0;                         // resizes since, not told
    std::uint64_t held_from = 0, held_to = 0;  // first held resize's start, last one's end
  };

  SegmentNote held_note(const std::string& name, const Target& t, TimePoint now) const;

  std::chrono::milliseconds interval_;
  std::map<std::string, Target> targets_;
};

}  // namespace aoefs
