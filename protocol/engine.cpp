// Engine: operations, frames in flight, time, snapshots (engine.hpp).
#include "protocol/engine.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <variant>

#include "protocol/codec/ata.hpp"
#include "protocol/engine_state.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"

namespace aoe {
Engine::Engine(std::vector<Link*> links, EngineConfig config, Defer defer)
    : links_(std::move(links)),
      config_(config),
      defer_(std::move(defer)),
      tags_(config.tag_seed),
      discovery_slot_(links_.size()),
      previous_discovery_tag_(links_.size(), 0),
      random_state_(config.tag_seed ^ 0x636f6e74656e74ull) {
  passed_.reserve(TagTable<PendingFrame>::kSlots);  // no allocation in a batch
}

Engine::~Engine() = default;

Engine::Target* Engine::find(TargetAddress address) {
  auto it = targets_.find(address);
  return it == targets_.end() ? nullptr : it->second.get();
}
const Engine::Target* Engine::find(TargetAddress address) const {
  auto it = targets_.find(address);
  return it == targets_.end() ? nullptr : it->second.get();
}

// ---- operations -----------------------------------------------------------

void Engine::submit(TargetAddress address, std::unique_ptr<Op> op, TimePoint now) {
  now_ = now;
  auto fail = [&](std::error_code ec) {
    if (Target* t = find(address)) {
      ++t->stats.errors;
      if (op->is_request()) ++t->stats.requests;
    }
    complete(std::move(op), ec);
  };
  if (shut_down_) return fail(InitiatorErrc::cancelled);
  Target* t = find(address);
  if (!t) return fail(InitiatorErrc::no_such_target);
  if (t->down) return fail(InitiatorErrc::target_down);
  if (op->is_data()) {
    if (op->sectors == 0) return fail(InitiatorErrc::invalid_argument);
    if (t->identified && !t->in_range(op->lba, op->sectors))
      return fail(InitiatorErrc::out_of_range);
  }
  if (!fits_one_frame(*t, *op)) return fail(InitiatorErrc::too_large);
  if ((op->kind() == OpKind::mask && t->info.mask_unsupported) ||
      (op->kind() == OpKind::reserve && t->info.reserve_unsupported))
    return fail(InitiatorErrc::not_supported);
  if (op->is_request()) ++t->stats.requests;
  op->deadline = now + (op->is_control() ? control_patience(*t) : dead_timeout());
  op->submitted = now;
  op->queued = true;
  // The dead clock runs from the oldest operation the target has not
  // answered anything since (engine.hpp, "A target is marked down").
  if (!t->unanswered_since) t->unanswered_since = now;
  Op* raw = op.get();
  t->ops.push_back(std::move(op));
  raw->self = std::prev(t->ops.end());
  (raw->is_control() ? t->control_queue : t->queue).push_back(raw);
  want_wakeup(raw->deadline);
  pump(*t, now);
}

Duration Engine::control_patience(const Target& t) const {
  return std::min(dead_timeout(),
                  std::clamp<Duration>(t.rtt.rto() * 16, kControlPatienceMin, kControlPatienceMax));
}

void Engine::read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                  std::span<std::uint8_t> buffer, Handler done, TimePoint now) {
  auto op = std::make_unique<Op>(ReadOp{buffer.data(), std::move(done)});
  op->lba = lba;
  op->sectors = sectors;
  if (buffer.size() != std::size_t{sectors} * kSectorSize) op->sectors = 0;  // invalid_argument
  submit(target, std::move(op), now);
}

void Engine::write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                   std::span<const std::uint8_t> buffer, Handler done, TimePoint now) {
  auto op = std::make_unique<Op>(WriteOp{buffer.data(), std::move(done)});
  op->lba = lba;
  op->sectors = sectors;
  if (buffer.size() != std::size_t{sectors} * kSectorSize) op->sectors = 0;
  submit(target, std::move(op), now);
}

void Engine::flush(TargetAddress target, Handler done, TimePoint now) {
  submit(target, std::make_unique<Op>(FlushOp{0, std::move(done)}), now);
}

void Engine::query_config(TargetAddress target, ConfigCommand command, std::string config,
                          ConfigHandler done, TimePoint now) {
  if (config.size() > kMaxConfigString) {
    defer_([d = std::move(done)] {
      d(make_error_code(InitiatorErrc::invalid_argument), ConfigReply{});
    });
    return;
  }
  submit(target, std::make_unique<Op>(ConfigOp{command, std::move(config), std::move(done)}), now);
}

void Engine::mac_mask(TargetAddress target, MacMaskMessage request, MaskHandler done,
                      TimePoint now) {
  submit(target, std::make_unique<Op>(MaskOp{std::move(request), std::move(done)}), now);
}

void Engine::reserve(TargetAddress target, ReserveMessage request, ReserveHandler done,
                     TimePoint now) {
  submit(target, std::make_unique<Op>(ReserveOp{std::move(request), std::move(done)}), now);
}

bool Engine::overlaps_write_in_flight(const Target& t, std::uint64_t lba,
                                      std::uint32_t sectors) const {
  const std::uint64_t end = lba + sectors;
  for (std::uint16_t s : t.in_flight) {
    const PendingFrame& f = tags_.entry(s);
    if (f.changes_media() && lba < f.lba + f.media_sectors() && f.lba < end) return true;
  }
  return false;
}

bool Engine::write_in_flight(const Target& t) const {
  return std::any_of(t.in_flight.begin(), t.in_flight.end(),
                     [&](std::uint16_t s) { return tags_.entry(s).changes_media(); });
}

void Engine::pump(Target& t, TimePoint now) {
  pump_control(t, now);
  while (!t.queue.empty()) {
    if (t.in_flight.size() >= t.window.size() || tags_.full()) return;
    Op& op = *t.queue.front();
    const bool sent = op.kind() == OpKind::trim ? pump_trim(t, op, now)
                      : op.is_data()            ? pump_data(t, op, now)
                                                : pump_flush(t, op, now);
    if (!sent) return;
  }
}

// Control commands go at once, beside the window, at most
// kControlInFlight at a time per target.
void Engine::pump_control(Target& t, TimePoint now) {
  while (!t.control_queue.empty() && t.control_in_flight.size() < kControlInFlight &&
         !tags_.full()) {
    Op& op = *t.control_queue.front();
    t.control_queue.pop_front();
    op.queued = false;
    op.started = true;
    issue(t, op, 0, 0, 0, now);
  }
}

// Carves the head read or write into one frame; false when it must wait.
bool Engine::pump_data(Target& t, Op& op, TimePoint now) {
  if (!t.identified) return false;  // IDENTIFY (queued first) tells size and LBA48
  if (!op.started) {
    if (!t.in_range(op.lba, op.sectors)) {
      finish(t, op, InitiatorErrc::out_of_range);
      return true;
    }
    op.started = true;
  }
  // One frame at a time may try the full size again on a path fallen back
  // to small frames (engine_frame_size.cpp).
  const std::optional<unsigned> probe = probe_due(t, now);
  const std::uint32_t spf =
      probe ? frame_sectors(t, t.ports.paths[*probe]) : t.info.sectors_per_frame;
  const std::uint32_t n = std::min<std::uint32_t>(spf, op.sectors - op.issued);
  const std::uint64_t lba = op.lba + op.issued;
  if (op.kind() == OpKind::write && config_.stale_write_guard) {
    // Head of line waits: keeps the order of writes. An overlapping frame
    // in flight wakes us when it ends; a quarantine when it expires.
    if (overlaps_write_in_flight(t, lba, n)) return false;
    if (auto until = t.guard.blocked_until(lba, n, now)) {
      want_wakeup(*until);
      return false;
    }
  }
  const std::uint32_t offset = op.issued;
  op.issued += n;
  if (op.issued == op.sectors) {
    t.queue.pop_front();
    op.queued = false;
  }
  issue(t, op, lba, offset, static_cast<std::uint8_t>(n), now, probe);
  return true;
}

// Sends the head flush as its one frame; false when it must wait.
bool Engine::pump_flush(Target& t, Op& op, TimePoint now) {
  auto& flush = std::get<FlushOp>(op.body);
  const FlushStart start = start_flush(t, op, flush);
  if (start != FlushStart::send) return start == FlushStart::done;
  t.queue.pop_front();
  op.queued = false;
  op.started = true;
  issue(t, op, 0, 0, 0, now);
  return true;
}

void Engine::issue(Target& t, Op& op, std::uint64_t lba, std::uint32_t offset, std::uint8_t sectors,
                   TimePoint now, std::optional<unsigned> probe_path) {
  const std::uint16_t slot = tags_.acquire();
  PendingFrame& f = tags_.entry(slot);
  f.target = &t;
  f.op = &op;
  f.lba = lba;
  f.offset = offset;
  f.sectors = sectors;
  f.kind = op.kind();
  if (f.changes_media()) ++t.media_changes;
  const FrameFields fields = op.fields(t);
  f.command = static_cast<std::uint8_t>(fields.command);
  f.ata_cmd = fields.ata_cmd;
  f.subcommand = fields.subcommand;
  f.path = t.ports.choose();
  if (probe_path && *probe_path < t.ports.paths.size() && big_frame(f)) {
    f.path = *probe_path;
    f.size_probe = true;
    t.ports.paths[f.path].probing = true;
  }
  f.sends = 1;
  f.first_sent = f.last_sent = f.sent_at[0] = now;
  if (op.first_sent == TimePoint{}) op.first_sent = now;
  f.retransmit_at = first_timeout(t, op, now);
  ++op.in_flight;
  (f.control() ? t.control_in_flight : t.in_flight).push_back(slot);
  if (!t.unanswered_since) t.unanswered_since = now;
  want_wakeup(f.retransmit_at);
  transmit(slot);
}

TimePoint Engine::first_timeout(const Target& t, const Op& op, TimePoint now) const {
  const auto queued = static_cast<unsigned>(t.in_flight.size());
  return std::min(now + t.rtt.rto() + queued * t.per_frame, op.deadline);
}

void Engine::transmit(std::uint16_t slot) {
  PendingFrame& f = tags_.entry(slot);
  Target& t = *f.target;
  Op& op = *f.op;
  Path* at = t.ports.at(f.path);
  if (!at) return;
  Path& path = *at;
  ++path.frames_sent;
  Link& link = *links_[path.link];
  Frame frame;
  frame.header.dst = path.mac;
  frame.header.src = link.mac();
  frame.header.target = t.info.address;
  frame.header.command = f.command;
  frame.header.tag = tags_.tag(slot);
  const std::span<const std::uint8_t> payload = op.encode(*this, f, frame);
  const std::error_code sent =
      link.send_frame(frame, payload.empty() ? Link::Data::encoded : Link::Data::in_place);
  // Too large for the link (an I/O frame after the MTU shrank; control
  // frames are checked at submit()): the operation fails now, never retried
  // as a lost frame.
  if (sent == std::errc::invalid_argument || sent == std::errc::message_size) {
    finish(t, op,
           sent == std::errc::message_size ? InitiatorErrc::too_large
                                           : InitiatorErrc::invalid_argument);
    return;
  }
  // Any other refused send (link down) is taken like a lost frame: the
  // retransmit timer tries again, another path if there is one.
  f.seq = ++t.send_seq;
  f.later_answers = 0;
  ++t.stats.frames_sent;
}

void Engine::retransmit(std::uint16_t slot, bool fast, TimePoint now) {
  PendingFrame& f = tags_.entry(slot);
  Target& t = *f.target;
  if (f.control()) return retransmit_control(slot, now);
  // A black hole found: every big frame in flight, this one too, was re-split.
  if (!fast && big_frame(f) && on_big_frame_timeout(t, f, now)) return;
  if (!fast && !big_frame(f)) on_small_frame_timeout(t, f);
  if (f.sectors > t.info.sectors_per_frame && f.carries_data()) {
    // Too big for what the paths carry now (black hole, MTU shrunk).
    resplit(slot, now);
    return;
  }
  const bool cut = t.window.on_loss(f.last_sent, now);
  if (f.sends < 32) {  // the copy about to be sent is number sends + 1
    const std::uint32_t bit = 1u << f.sends;
    if (fast) f.fast_copies |= bit;
    if (cut) f.cut_copies |= bit;
  }
  if (Path* path = t.ports.at(f.path)) {
    ++path->misses;
    f.path = t.ports.next_healthy(f.path);
  }
  ++(fast ? t.stats.retransmits_fast : t.stats.retransmits_timeout);
  send_copy(slot, now);
}

// The frame in `slot` goes out again as a new copy: a fresh tag, its send
// time kept, timed out on the RTO's back-off plus the service time of the
// data frames ahead of it.
void Engine::send_copy(std::uint16_t slot, TimePoint now) {
  PendingFrame& f = tags_.entry(slot);
  Target& t = *f.target;
  tags_.retag(slot);
  ++f.sends;
  f.sent_at[(f.sends - 1) % PendingFrame::kTimedCopies] = now;
  f.last_sent = now;
  const auto ahead = static_cast<unsigned>(t.in_flight.size()) - (f.control() ? 0 : 1);
  f.retransmit_at =
      std::min(now + t.rtt.backoff(f.sends - 1) + ahead * t.per_frame, f.op->deadline);
  ++t.stats.retransmits;
  want_wakeup(f.retransmit_at);
  transmit(slot);
}

// A control command unanswered: sent again on the same path, with the
// RTO's back-off. Its silence says nothing of the data path (a target may
// not implement the command): no window cut, no path miss.
void Engine::retransmit_control(std::uint16_t slot, TimePoint now) {
  PendingFrame& f = tags_.entry(slot);
  Target& t = *f.target;
  // A silent MAC Mask or Reserve means "not implemented" only if the target
  // answers something else meanwhile (expiry_error): an otherwise idle one
  // is asked its Query Config beside it.
  const bool optional_command = f.kind == OpKind::mask || f.kind == OpKind::reserve;
  if (optional_command && f.sends == 1 && t.in_flight.empty() && t.control_in_flight.size() == 1)
    query_config(
        t.info.address, ConfigCommand::read, {}, [](std::error_code, ConfigReply) {}, now);
  ++t.stats.retransmits_timeout;
  send_copy(slot, now);
}

// Removes a frame from flight. A write frame quarantines its sectors for as
// long as copies of it may still arrive (write_guard.hpp).
void Engine::retire_frame(Target& t, std::uint16_t slot, bool answered) {
  PendingFrame& f = tags_.entry(slot);
  if (f.changes_media() && config_.stale_write_guard) {
    const bool clean = f.sends == 1 && answered;
    t.guard.quarantine(f.lba, f.media_sectors(),
                       f.last_sent + (clean ? WriteGuard::hold_after_answer(t.rtt.rto())
                                            : WriteGuard::hold_for(t.rtt.rto())));
  }
  if (f.op) --f.op->in_flight;
  if (Path* path = t.ports.at(f.path); path && f.size_probe) path->probing = false;
  auto& list = f.control() ? t.control_in_flight : t.in_flight;
  auto it = std::find(list.begin(), list.end(), slot);
  if (it != list.end()) {
    *it = list.back();
    list.pop_back();
  }
  tags_.release(slot);
}

void Engine::finish(Target& t, Op& op, std::error_code ec) {
  if (op.finished) return;
  op.finished = true;
  if (op.in_flight) {
    std::vector<std::uint16_t> mine;
    for (const auto* list : {&t.in_flight, &t.control_in_flight})
      for (std::uint16_t s : *list)
        if (tags_.entry(s).op == &op) mine.push_back(s);
    for (std::uint16_t s : mine) retire_frame(t, s, false);
  }
  if (op.queued) {
    auto& queue = op.is_control() ? t.control_queue : t.queue;
    auto it = std::find(queue.begin(), queue.end(), &op);
    if (it != queue.end()) queue.erase(it);
    op.queued = false;
  }
  if (op.kind() == OpKind::identify) t.identify_pending = false;
  if (const auto* flush = std::get_if<FlushOp>(&op.body); flush && flush->probe)
    t.flush_probe_pending = false;
  if (ec && !op.internal()) ++t.stats.errors;
  if (!ec && op.kind() == OpKind::read) t.stats.latency.read.record(now_ - op.submitted);
  if (!ec && op.kind() == OpKind::write) t.stats.latency.write.record(now_ - op.submitted);
  if (!ec && op.kind() == OpKind::flush && !op.internal())
    t.stats.latency.flush.record(now_ - op.submitted);
  if (!ec && op.is_data() && config_.stages && op.first_sent != TimePoint{}) {
    config_.stages->record(RequestStage::queued, op.first_sent - op.submitted);
    config_.stages->record(RequestStage::wire, now_ - op.first_sent);
  }
  std::unique_ptr<Op> owned = std::move(*op.self);
  t.ops.erase(op.self);
  complete(std::move(owned), ec);
}

// Runs the operation's handler, if it still holds it, later (defer_). An
// answer that carries a reply takes the handler out first and calls it itself.
void Engine::complete(std::unique_ptr<Op> op, std::error_code ec) {
  std::shared_ptr<Op> o(std::move(op));  // std::function needs a copyable closure
  defer_([o, ec] { o->fail(ec); });
}

// ---- time -----------------------------------------------------------------

void Engine::on_timer(TimePoint now) {
  if (shut_down_) return;
  now_ = now;
  wakeup_ = TimePoint::max();
  if (started_ && now >= next_discovery_) discover_now(now);
  if (started_) want_wakeup(next_discovery_);
  std::vector<std::uint16_t> due;
  std::vector<Op*> expired;
  for (auto& [address, tp] : targets_) {
    Target& t = *tp;
    expired.clear();
    for (auto& op : t.ops)
      if (now >= op->deadline) expired.push_back(op.get());
    for (Op* op : expired) finish(t, *op, expiry_error(t, *op));
    due.clear();
    for (const auto* list : {&t.in_flight, &t.control_in_flight})
      for (std::uint16_t s : *list)
        if (now >= tags_.entry(s).retransmit_at) due.push_back(s);
    for (std::uint16_t s : due)
      // An earlier one may have ended the operation, or re-split frames
      // into fresh ones in the same slots.
      if (tags_.live(s) && now >= tags_.entry(s).retransmit_at) retransmit(s, false, now);
    maintain_ports(t, now);
    if (!t.down && t.unanswered_since) {
      if (now - *t.unanswered_since >= dead_timeout())
        mark_down(t);
      else
        want_wakeup(*t.unanswered_since + dead_timeout());
    }
    pump(t, now);
    for (std::uint16_t s : t.in_flight) want_wakeup(tags_.entry(s).retransmit_at);
    for (std::uint16_t s : t.control_in_flight) want_wakeup(tags_.entry(s).retransmit_at);
    for (auto& op : t.ops) want_wakeup(op->deadline);
    // A write held by a quarantine asked pump() to wake it when that
    // expires; waking at every expiry (every frame's, under a stream of
    // writes) cost a full scan of the guard per frame.
    t.guard.sweep(now);
  }
  evict_unidentified(now);
}

// Why an operation ran out of time. A MAC Mask or Reserve command the
// target left unanswered while it answered something else since it was
// submitted is one it does not implement: remembered, told once.
std::error_code Engine::expiry_error(Target& t, const Op& op) {
  const bool answered_since = !t.unanswered_since || *t.unanswered_since > op.submitted;
  if (!answered_since) return InitiatorErrc::timeout;
  bool* unsupported = op.kind() == OpKind::mask      ? &t.info.mask_unsupported
                      : op.kind() == OpKind::reserve ? &t.info.reserve_unsupported
                                                     : nullptr;
  if (!unsupported) return InitiatorErrc::timeout;
  if (!*unsupported) {
    *unsupported = true;
    if (t.identified) notify(t);
  }
  return InitiatorErrc::not_supported;
}

void Engine::shutdown() {
  if (shut_down_) return;
  for (auto& [address, tp] : targets_) {
    Target& t = *tp;
    while (!t.ops.empty()) finish(t, *t.ops.front(), InitiatorErrc::cancelled);
    release_probes(t);
  }
  for (auto& s : discovery_slot_)
    if (s) tags_.release(*s);
  shut_down_ = true;
  wakeup_ = TimePoint::max();
}

// ---- snapshots ------------------------------------------------------------

std::size_t Engine::identifying() const {
  std::size_t n = 0;
  for (const auto& [address, t] : targets_)
    if (identifying(address)) ++n;
  return n;
}

bool Engine::identifying(TargetAddress address) const {
  const Target* t = find(address);
  return t && ((!t->identified && t->identify_pending) || t->flush_probe_pending);
}

std::vector<TargetInfo> Engine::targets() const {
  std::vector<TargetInfo> out;
  for (const auto& [address, t] : targets_) out.push_back(t->info);
  return out;
}

std::optional<TargetInfo> Engine::target(TargetAddress address) const {
  if (const Target* t = find(address)) return t->info;
  return std::nullopt;
}

std::optional<TargetStats> Engine::stats(TargetAddress address,
                                         std::optional<TimePoint> now) const {
  const Target* t = find(address);
  if (!t) return std::nullopt;
  TargetStats s = t->stats;
  s.waiting = static_cast<unsigned>(
      std::count_if(t->ops.begin(), t->ops.end(), [](const auto& op) { return op->is_request(); }));
  if (s.waiting && t->unanswered_since && !t->down)
    s.unanswered_for = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(Duration{0}, now.value_or(now_) - *t->unanswered_since));
  s.srtt = std::chrono::duration_cast<std::chrono::microseconds>(t->rtt.srtt());
  s.rttvar = std::chrono::duration_cast<std::chrono::microseconds>(t->rtt.rttvar());
  s.window = t->window.size();
  s.reorder_threshold = t->reorder_threshold;
  s.outstanding = static_cast<unsigned>(t->in_flight.size());
  s.candidates =
      static_cast<unsigned>(std::count_if(t->ports.candidates.begin(), t->ports.candidates.end(),
                                          [](const Candidate& c) { return !c.conflict; }));
  for (const Path& p : t->ports.paths)
    s.paths.push_back({links_[p.link]->name(), p.mac, p.frames_sent, p.answers});
  return s;
}

std::vector<MacAddress> Engine::local_macs() const {
  std::vector<MacAddress> out;
  for (Link* l : links_) out.push_back(l->mac());
  return out;
}

}  // namespace aoe
