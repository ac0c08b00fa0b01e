#include "aoefs/daemon/segment_summary.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace aoefs {
namespace {

std::string counted(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string seconds_text(std::chrono::milliseconds interval) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(interval.count()) / 1000);
  return buf;
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

}  // namespace

std::optional<SegmentNote> summarize_segment(const SegmentTotals& before, const SegmentTotals& now,
                                             std::chrono::milliseconds interval) {
  const std::uint64_t unmatched = now.unmatched - before.unmatched;
  const std::uint64_t foreign = now.foreign - before.foreign;
  RefusedCounts refused{};
  for (std::size_t i = 0; i < refused.size(); ++i) refused[i] = now.refused[i] - before.refused[i];
  const std::uint64_t refused_sum = refused_total(refused);
  const std::uint64_t malformed = now.malformed - before.malformed;
  const std::uint64_t targets = now.targets_refused - before.targets_refused;
  const std::uint64_t ports = now.paths_refused - before.paths_refused;
  const std::uint64_t dropped = now.paths_dropped - before.paths_dropped;
  const std::uint64_t evicted = now.addresses_evicted - before.addresses_evicted;
  // Unmatched frames that are neither: a request sent to us, a late answer
  // from a MAC that is not the target's.
  const std::uint64_t stray =
      unmatched > foreign + refused_sum ? unmatched - foreign - refused_sum : 0;
  const std::string head = "segment: in the last " + seconds_text(interval) + " s: ";
  if (stray == 0 && refused_sum == 0 && malformed == 0 && targets == 0 && ports == 0 &&
      dropped == 0 && evicted == 0) {
    if (foreign == 0) return std::nullopt;
    return SegmentNote{LogLevel::info,
                       head + counted(foreign, "answer", "answers") +
                           " for other initiators' tags: another initiator shares the segment or "
                           "this NIC (another aoefs mount, aoetools, the Linux aoe driver); "
                           "nothing refused"};
  }
  std::vector<std::string> detail;
  if (foreign != 0)
    detail.push_back(counted(foreign, "answer", "answers") + " for other initiators' tags");
  if (refused_sum != 0)
    detail.push_back(std::to_string(refused_sum) + " refused: " + refused_reasons_text(refused));
  std::vector<std::string> parts;
  // The umbrella includes both; max() keeps the detail if a count lags.
  const std::uint64_t shown = std::max(unmatched, foreign + refused_sum);
  if (shown != 0)
    parts.push_back(counted(shown, "unmatched frame", "unmatched frames") +
                    (detail.empty() ? "" : " (" + joined(detail, "; ") + ")"));
  if (malformed != 0) parts.push_back(counted(malformed, "malformed frame", "malformed frames"));
  if (targets != 0)
    parts.push_back(counted(targets, "answer", "answers") + " of targets past max_targets");
  if (evicted != 0)
    parts.push_back(counted(evicted, "address", "addresses") +
                    " that answered discovery but never IDENTIFY forgotten");
  if (ports != 0) parts.push_back(counted(ports, "port", "ports") + " past max_paths");
  if (dropped != 0) parts.push_back(counted(dropped, "silent port", "silent ports") + " dropped");
  return SegmentNote{LogLevel::notice, head + joined(parts, ", ")};
}

}  // namespace aoefs
