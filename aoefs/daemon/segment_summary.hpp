// The line SegmentWatch logs per interval: what the segment did since the
// last one, from two snapshots of the counters. Pure, so the wording and the
// level are unit-tested without a network.
//
// Answers for other initiators' tags are normal where another initiator
// shares the segment or this NIC (another aoefs mount, aoetools, the Linux
// aoe driver): when they are all that grew, the line is info. Refused
// answers, malformed frames, frames matching nothing, and the caps and
// silent ports make it a notice: the segment is noisy or hostile, and
// aoefs already kept it from mattering (nothing for an admin to fix now).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "aoefs/stats/refused_answers.hpp"
#include "aoefs/util/log.hpp"

namespace aoefs {

struct SegmentTotals {
  std::uint64_t unmatched = 0;  // the umbrella: foreign and refused included
  std::uint64_t foreign = 0;
  RefusedCounts refused{};
  std::uint64_t malformed = 0, targets_refused = 0, paths_refused = 0, paths_dropped = 0;
  std::uint64_t addresses_evicted = 0;
};

struct SegmentNote {
  LogLevel level;
  std::string text;
};

// Nothing when no counter grew from `before` to `now`.
std::optional<SegmentNote> summarize_segment(const SegmentTotals& before, const SegmentTotals& now,
                                             std::chrono::milliseconds interval);

}  // namespace aoefs
