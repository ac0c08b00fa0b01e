// Engine: noticing that a target changed — its start-up announcement and the
// periodic re-IDENTIFY (engine.hpp, "Live resize").
#include "protocol/engine.hpp"

#include "protocol/engine_state.hpp"

namespace aoe {

// The announcement is a Query Config answer nobody asked for, with version 0
// in its header (vblade sends it once at start). It is counted apart from
// malformed frames and treated as a discovery answer that forces IDENTIFY:
// a restarted target may serve another (grown or shrunk) backing file.
void Engine::handle_announcement(std::size_t link, std::span<const std::uint8_t> bytes,
                                 TimePoint now) {
  auto frame = decode(bytes);
  if (!frame || frame->header.error || frame->header.target == TargetAddress::broadcast()) {
    ++link_stats_.malformed;
    return;
  }
  ++link_stats_.announcements;
  if (!started_) return;
  handle_discovery(link, *frame, now, Heard::announcement);
}

// A known target is IDENTIFIed again on its announcement, and on a discovery
// answer once identify_interval passed since the last IDENTIFY (a capacity
// change of a target that did not announce itself is noticed within
// identify_interval + discovery_interval).
bool Engine::identify_due(const Target& t, TimePoint now, bool announced) const {
  if (announced) return true;
  return now - t.identify_sent >= config_.options.identify_interval;
}

}  // namespace aoe
