// The stale-write guard of one target.
//
// AoE has no sequence numbers: a delayed copy of an old write frame that
// reaches the target after a newer write to the same sectors silently undoes
// the newer one. Two rules prevent it:
//  1. Never two writes to overlapping sectors on the wire at once: a write
//     frame is sent only when no write frame in flight overlaps it (the
//     engine checks its in-flight frames; this class holds rule 2).
//  2. After a write frame was sent more than once (retransmitted), or was
//     abandoned unanswered (its operation failed), its sectors stay
//     "quarantined" until its copies can no longer arrive: until
//     last_sent + hold, hold = max(kMinHold, 4 * RTO) at the time the frame
//     finished. Why this bound: a copy that is not lost either sits in the
//     target's receive queue — at most buffer-count frames, each served in
//     about one round trip, which the RTO (srtt + 4 rttvar, >= the time a
//     full window takes to be answered) already covers — or in a switch
//     queue (microseconds to milliseconds). Four RTOs, and at least one
//     second, is far above both on a LAN; the cost is only that a write
//     overlapping a recently retransmitted one waits, which is rare.
// Reads are not held: a read never changes the disk.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "protocol/clock.hpp"

namespace aoe {

class WriteGuard {
 public:
  static constexpr Duration kMinHold = std::chrono::seconds(1);

  static Duration hold_for(Duration rto) { return std::max(kMinHold, 4 * rto); }

  void quarantine(std::uint64_t lba, std::uint32_t sectors, TimePoint until) {
    ranges_.push_back({lba, lba + sectors, until});
  }

  // True while [lba, lba+sectors) overlaps a quarantined range; drops
  // expired ranges as it goes.
  bool blocked(std::uint64_t lba, std::uint32_t sectors, TimePoint now) {
    expire(now);
    const std::uint64_t end = lba + sectors;
    for (const Range& r : ranges_)
      if (lba < r.end && r.begin < end) return true;
    return false;
  }

  // Earliest expiry, for the engine's timer; TimePoint::max() if none.
  TimePoint next_expiry() const {
    TimePoint t = TimePoint::max();
    for (const Range& r : ranges_) t = std::min(t, r.until);
    return t;
  }

  void expire(TimePoint now) {
    std::erase_if(ranges_, [now](const Range& r) { return r.until <= now; });
  }
  std::size_t size() const { return ranges_.size(); }

 private:
  struct Range {
    std::uint64_t begin, end;
    TimePoint until;
  };
  std::vector<Range> ranges_;
};

}  // namespace aoe
