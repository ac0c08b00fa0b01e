// The stale-write guard of one target.
//
// AoE has no sequence numbers: a copy of an old write frame that reaches the
// target after a newer write to the same sectors silently undoes the newer
// one. Such copies come from our own retransmissions and from the network
// (a duplicating switch or relay). Two rules prevent it:
//  1. Never two writes to overlapping sectors on the wire at once: a write
//     frame is sent only when no write frame in flight overlaps it (the
//     engine checks its in-flight frames; this class holds rule 2).
//  2. When a write frame leaves flight, its sectors stay "quarantined" until
//     copies of it can no longer arrive; a later overlapping write waits.
//     The bound depends on what we saw:
//      * answered, sent once: until last_sent + RTO (hold_after_answer).
//        RTO (srtt + 4 rttvar, >= 10 ms) is the estimator's bound on how
//        long this path takes; a network copy made when the frame was sent
//        travels the same path. This costs a rewrite of the same sectors at
//        most one RTO after the previous write of them was sent (a hot
//        block can be rewritten about every 10 ms on a LAN), and nothing
//        else.
//      * retransmitted, or abandoned unanswered (its operation failed):
//        until last_sent + max(1 s, 4 RTO) (hold_for). Such a frame was
//        evidently delayed or lost beyond one RTO, so its copies may be far
//        later: one sitting in the target's receive queue (at most
//        buffer-count frames, each served in about one round trip) or in a
//        switch queue. Four RTOs, and at least one second, is far above both
//        on a LAN.
//     A copy delayed longer than these bounds can still undo a newer write:
//     no initiator can tell such a copy from a fresh frame.
// Reads are not held: a read never changes the disk.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>

#include "protocol/clock.hpp"

namespace aoe {

class WriteGuard {
 public:
  static constexpr Duration kMinHold = std::chrono::seconds(1);

  static Duration hold_for(Duration rto) { return std::max(kMinHold, 4 * rto); }
  static Duration hold_after_answer(Duration rto) { return rto; }

  void quarantine(std::uint64_t lba, std::uint32_t sectors, TimePoint until) {
    if (sectors == 0) return;
    ranges_.emplace(lba, Range{lba + sectors, until});
    longest_ = std::max<std::uint64_t>(longest_, sectors);
  }

  // The expiry of a quarantined range overlapping [lba, lba+sectors), if
  // any: the earliest time to look again. O(log n + overlaps): ranges are
  // kept by start, and none is longer than the longest ever quarantined.
  std::optional<TimePoint> blocked_until(std::uint64_t lba, std::uint32_t sectors, TimePoint now) {
    sweep(now);
    const std::uint64_t end = lba + sectors;
    auto it = ranges_.lower_bound(lba >= longest_ ? lba - longest_ + 1 : 0);
    while (it != ranges_.end() && it->first < end) {
      if (it->second.until <= now) {
        it = ranges_.erase(it);
        continue;
      }
      if (lba < it->second.end) return it->second.until;
      ++it;
    }
    return std::nullopt;
  }
  bool blocked(std::uint64_t lba, std::uint32_t sectors, TimePoint now) {
    return blocked_until(lba, sectors, now).has_value();
  }

  // Drops expired ranges. O(n).
  void expire(TimePoint now) {
    std::erase_if(ranges_, [now](const auto& entry) { return entry.second.until <= now; });
    next_sweep_ = now + kSweepEvery;
  }
  // expire(), at most every kSweepEvery. Expired ranges are otherwise
  // dropped only where a query meets them; this keeps the map small under a
  // steady stream of writes without a full scan per frame or per timer.
  void sweep(TimePoint now) {
    if (now >= next_sweep_) expire(now);
  }
  std::size_t size() const { return ranges_.size(); }

 private:
  static constexpr Duration kSweepEvery = std::chrono::milliseconds(50);

  struct Range {
    std::uint64_t end;
    TimePoint until;
  };
  std::multimap<std::uint64_t, Range> ranges_;  // by first sector
  std::uint64_t longest_ = 0;
  TimePoint next_sweep_{};
};

}  // namespace aoe
