// Tells the log what a hostile, broken or shared segment is doing, at a
// bounded rate: every `interval` at most one line summing what grew since
// the last one (segment_summary.hpp: unmatched frames with the answers for
// other initiators' tags and the refused answers by reason, malformed
// frames, targets refused past max_targets, ports refused past max_paths or
// dropped for silence); info when only other initiators' answers grew, a
// warning otherwise. Conflicts (another disk claiming a target's address)
// are logged by conflict_seen(), once per target and MAC for the life of
// the daemon. Changes of a target's capacity are logged by resize_seen(), at
// most one line per target per kResizeLogInterval (resize_log.hpp): a target
// re-announcing itself with ever new capacities cannot flood the log.
//
// REQUIRES: runs on the initiator's io_context thread (the timer posts
// there); stop() before the io_context stops.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "aoefs/daemon/resize_log.hpp"
#include "aoefs/daemon/segment_summary.hpp"
#include "protocol/io/asio.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

// Long enough that a resize storm costs a line per target per interval,
// short enough that the capacity it ended at is told soon after.
inline constexpr std::chrono::seconds kResizeLogInterval{10};

class SegmentWatch {
 public:
  SegmentWatch(boost::asio::io_context& io, aoe::Initiator& initiator,
               std::chrono::milliseconds interval);
  void start();
  void stop();
  // Logs each conflict of `info` not logged before.
  void conflict_seen(const aoe::TargetInfo& info);
  // Logs a new capacity of `info` (not its first), rate-limited. Only
  // targets up with a capacity count: one going down changes nothing.
  void resize_seen(const aoe::TargetInfo& info);
  // Logs once per target each optional command it was found not to answer
  // (MAC Mask List, Reserve/Release).
  void unsupported_seen(const aoe::TargetInfo& info);

 private:
  SegmentTotals totals() const;
  void arm();
  void arm_resize_timer();

  boost::asio::steady_timer timer_;
  aoe::Initiator& initiator_;
  std::chrono::milliseconds interval_;
  SegmentTotals last_;
  std::set<std::pair<aoe::TargetAddress, aoe::MacAddress>> logged_;
  std::set<std::pair<aoe::TargetAddress, int>> unsupported_logged_;  // (target, AoE command)
  // The capacity last seen of each target, and the resize lines held back.
  std::map<aoe::TargetAddress, std::uint64_t> capacity_;
  ResizeLog resizes_{kResizeLogInterval};
  boost::asio::steady_timer resize_timer_;
  bool resize_timer_armed_ = false;
  bool stopped_ = false;
};

}  // namespace aoefs
