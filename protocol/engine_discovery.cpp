// Engine: discovery, target up/down, IDENTIFY (engine.hpp).
#include "protocol/engine.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/ata.hpp"
#include "protocol/engine_state.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"

namespace aoe {

namespace {

std::uint8_t frame_sectors_limit(unsigned scnt, unsigned mtu) {
  unsigned by_mtu = sectors_per_frame(mtu);
  unsigned s = scnt == 0 ? by_mtu : std::min(scnt, by_mtu);
  return static_cast<std::uint8_t>(std::clamp(s, 1u, 255u));
}

}  // namespace
// ---- discovery ------------------------------------------------------------

void Engine::start(TimePoint now) {
  if (started_ || shut_down_) return;
  started_ = true;
  discover_now(now);
}

void Engine::discover_now(TimePoint now) {
  if (shut_down_) return;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (discovery_slot_[i]) tags_.release(*discovery_slot_[i]);
    discovery_slot_[i].reset();
    if (tags_.full()) continue;
    const std::uint16_t slot = tags_.acquire();
    PendingFrame& f = tags_.entry(slot);
    f.discovery = true;
    f.link = i;
    f.command = static_cast<std::uint8_t>(Command::query_config);
    discovery_slot_[i] = slot;
    Frame frame;
    frame.header.dst = MacAddress::broadcast();
    frame.header.src = links_[i]->mac();
    frame.header.target = TargetAddress::broadcast();
    frame.header.command = f.command;
    frame.header.tag = tags_.tag(slot);
    frame.body = QueryConfigMessage{};
    auto n = encode(frame, scratch_);
    if (n) links_[i]->send(std::span(scratch_.data(), padded(*n)));
    for (auto& [address, t] : targets_) {
      for (const Path& p : t->paths)
        if (p.link == i && !t->unanswered_since) t->unanswered_since = now;
    }
  }
  static constexpr Duration kStartupRounds[] = {std::chrono::milliseconds(250),
                                                 std::chrono::seconds(1), std::chrono::seconds(3)};
  Duration next = config_.options.discovery_interval;
  if (started_ && startup_rounds_ < std::size(kStartupRounds))
    next = std::min(next, kStartupRounds[startup_rounds_++]);
  next_discovery_ = now + next;
  want_wakeup(next_discovery_);
  for (auto& [address, t] : targets_)
    if (t->unanswered_since && !t->down) want_wakeup(*t->unanswered_since + dead_timeout());
}

void Engine::handle_discovery(std::size_t link, const Frame& frame, TimePoint now, bool announced) {
  const auto* qc = std::get_if<QueryConfigMessage>(&frame.body);
  if (!qc || frame.header.error) {
    ++link_stats_.unmatched;
    return;
  }
  auto& slot = targets_[frame.header.target];
  if (!slot) {
    slot = std::make_unique<Target>();
    slot->rtt = RttEstimator(config_.rtt);
    slot->info.address = frame.header.target;
  }
  Target& t = *slot;
  const bool known_path = std::any_of(t.paths.begin(), t.paths.end(), [&](const Path& p) {
    return p.link == link && p.mac == frame.header.src;
  });
  if (!known_path) {
    t.paths.push_back({link, frame.header.src});
    t.info.paths.push_back({links_[link]->name(), frame.header.src});
  }
  t.info.buffer_count = qc->buffer_count;
  t.info.firmware_version = qc->firmware_version;
  t.info.aoe_version = qc->aoe_version;
  t.info.config_string.assign(qc->config);
  // Sector count per path: remember the target's advertised one; recompute.
  t.info.sectors_per_frame = qc->sector_count;  // refined in refresh_limits
  refresh_limits(t);
  const bool was_down = t.down;
  heard_from(t, now);
  if (!t.identified || was_down || identify_due(t, now, announced)) queue_identify(t, now);
  pump(t, now);
}

void Engine::refresh_limits(Target& t) {
  const unsigned advertised = t.info.sectors_per_frame;
  unsigned spf = 255;
  for (const Path& p : t.paths) spf = std::min<unsigned>(spf, frame_sectors_limit(advertised, links_[p.link]->mtu()));
  t.info.sectors_per_frame = static_cast<std::uint8_t>(spf);
  unsigned limit = std::max<unsigned>(1, t.info.buffer_count);
  if (config_.options.max_window) limit = std::min(limit, config_.options.max_window);
  limit = std::min<unsigned>(limit, TagTable<PendingFrame>::kSlots / 2);
  const bool fresh = t.window.limit() == 1 && t.stats.frames_sent == 0;
  t.window.set_limit(limit);
  if (fresh) t.window = CongestionWindow(limit);
}

void Engine::heard_from(Target& t, TimePoint now) {
  (void)now;
  t.unanswered_since.reset();
  if (t.down) {
    t.down = false;
    t.info.up = t.identified;
    if (t.identified) notify(t);
  }
}

void Engine::mark_down(Target& t) {
  if (t.down) return;
  t.down = true;
  t.info.up = false;
  notify(t);
}

void Engine::notify(const Target& t) {
  if (!listener_) return;
  defer_([l = listener_, info = t.info] { l(info); });
}

void Engine::queue_identify(Target& t, TimePoint now) {
  if (t.identify_pending) return;
  auto op = std::make_unique<Op>(IdentifyOp{});
  op->deadline = now + dead_timeout();
  op->queued = true;
  Op* raw = op.get();
  t.ops.push_front(std::move(op));
  raw->self = t.ops.begin();
  t.queue.push_front(raw);
  t.identify_pending = true;
  t.identify_sent = now;
  want_wakeup(raw->deadline);
}

}  // namespace aoe
