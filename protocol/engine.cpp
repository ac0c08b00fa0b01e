#include "protocol/engine.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/ata.hpp"
#include "protocol/error.hpp"
#include "protocol/identify.hpp"

namespace aoe {

struct Engine::Op {
  OpKind kind = OpKind::read;
  TimePoint deadline{};
  std::uint64_t lba = 0;
  std::uint32_t sectors = 0;
  std::uint8_t* read_buffer = nullptr;
  const std::uint8_t* write_buffer = nullptr;
  std::uint32_t issued = 0;     // sectors handed to frames
  std::uint32_t answered = 0;   // sectors acknowledged
  unsigned in_flight = 0;       // frames
  bool started = false;
  bool queued = false;
  bool finished = false;
  std::uint8_t ata_cmd = 0;     // single-frame ATA operations (identify, flush)
  ConfigCommand config_command = ConfigCommand::read;
  std::string config;
  MacMaskMessage mask;
  ReserveMessage reserve;
  Initiator::Handler done;
  Initiator::ConfigHandler config_done;
  Initiator::MaskHandler mask_done;
  Initiator::ReserveHandler reserve_done;
  std::list<std::unique_ptr<Op>>::iterator self;
};

struct Engine::Target {
  TargetInfo info;
  std::vector<Path> paths;
  bool identified = false;         // IDENTIFY completed at least once
  bool identify_pending = false;
  bool down = false;
  bool flush_ext_aborts = false;   // FLUSH CACHE EXT answered ABRT once
  RttEstimator rtt;
  CongestionWindow window;
  WriteGuard guard;
  std::deque<Op*> queue;                    // operations with frames still to send
  std::list<std::unique_ptr<Op>> ops;       // every unfinished operation
  std::vector<std::uint16_t> in_flight;     // tag slots
  TargetStats stats;
  std::optional<TimePoint> unanswered_since;
  unsigned next_path = 0;
  std::uint64_t send_seq = 0;
};

namespace {

std::uint8_t frame_sectors_limit(unsigned scnt, unsigned mtu) {
  unsigned by_mtu = sectors_per_frame(mtu);
  unsigned s = scnt == 0 ? by_mtu : std::min(scnt, by_mtu);
  return static_cast<std::uint8_t>(std::clamp(s, 1u, 255u));
}

}  // namespace

// Short frames are zero-padded to the Ethernet minimum, as a NIC would:
// veth does not, and some targets drop runts.
std::size_t Engine::padded(std::size_t n) {
  if (n >= kMinEthernetFrame) return n;
  std::fill(scratch_.begin() + n, scratch_.begin() + kMinEthernetFrame, 0);
  return kMinEthernetFrame;
}

Engine::Engine(std::vector<Link*> links, EngineConfig config, Defer defer)
    : links_(std::move(links)), config_(config), defer_(std::move(defer)),
      discovery_slot_(links_.size()) {
  std::size_t largest = 4096;
  for (Link* l : links_) largest = std::max<std::size_t>(largest, l->mtu() + kEthernetHeaderSize);
  scratch_.resize(largest);
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

void Engine::handle_discovery(std::size_t link, const Frame& frame, TimePoint now) {
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
  if (!t.identified || was_down) queue_identify(t, now);
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
  auto op = std::make_unique<Op>();
  op->kind = OpKind::identify;
  op->ata_cmd = ata_cmd::identify_device;
  op->deadline = now + dead_timeout();
  op->queued = true;
  Op* raw = op.get();
  t.ops.push_front(std::move(op));
  raw->self = t.ops.begin();
  t.queue.push_front(raw);
  t.identify_pending = true;
  want_wakeup(raw->deadline);
}

// ---- operations -----------------------------------------------------------

void Engine::submit(TargetAddress address, std::unique_ptr<Op> op, TimePoint now) {
  auto fail = [&](std::error_code ec) {
    if (Target* t = find(address)) {
      ++t->stats.errors;
      if (op->kind == OpKind::read || op->kind == OpKind::write || op->kind == OpKind::flush)
        ++t->stats.requests;
    }
    complete(std::move(op), ec);
  };
  if (shut_down_) return fail(InitiatorErrc::cancelled);
  Target* t = find(address);
  if (!t) return fail(InitiatorErrc::no_such_target);
  if (t->down) return fail(InitiatorErrc::target_down);
  if (op->kind == OpKind::read || op->kind == OpKind::write) {
    if (op->sectors == 0) return fail(InitiatorErrc::invalid_argument);
    if (t->identified) {
      const std::uint64_t limit =
          t->info.lba48 ? std::min<std::uint64_t>(t->info.capacity_sectors, kMaxLba48 + 1)
                        : std::min<std::uint64_t>(t->info.capacity_sectors, kMaxLba28 + 1);
      if (op->lba > limit || op->sectors > limit - op->lba) return fail(InitiatorErrc::out_of_range);
    }
  }
  if (op->kind == OpKind::read || op->kind == OpKind::write || op->kind == OpKind::flush)
    ++t->stats.requests;
  op->deadline = now + dead_timeout();
  op->queued = true;
  Op* raw = op.get();
  t->ops.push_back(std::move(op));
  raw->self = std::prev(t->ops.end());
  t->queue.push_back(raw);
  want_wakeup(raw->deadline);
  pump(*t, now);
}

void Engine::read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                  std::span<std::uint8_t> buffer, Initiator::Handler done, TimePoint now) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::read;
  op->lba = lba;
  op->sectors = sectors;
  op->read_buffer = buffer.data();
  op->done = std::move(done);
  if (buffer.size() != std::size_t{sectors} * kSectorSize) op->sectors = 0;  // invalid_argument
  submit(target, std::move(op), now);
}

void Engine::write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                   std::span<const std::uint8_t> buffer, Initiator::Handler done, TimePoint now) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::write;
  op->lba = lba;
  op->sectors = sectors;
  op->write_buffer = buffer.data();
  op->done = std::move(done);
  if (buffer.size() != std::size_t{sectors} * kSectorSize) op->sectors = 0;
  submit(target, std::move(op), now);
}

void Engine::flush(TargetAddress target, Initiator::Handler done, TimePoint now) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::flush;
  op->done = std::move(done);
  submit(target, std::move(op), now);
}

void Engine::query_config(TargetAddress target, ConfigCommand command, std::string config,
                          Initiator::ConfigHandler done, TimePoint now) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::config;
  op->config_command = command;
  op->config = std::move(config);
  op->config_done = std::move(done);
  if (op->config.size() > kMaxConfigString) {
    auto d = std::move(op->config_done);
    defer_([d = std::move(d)] { d(make_error_code(InitiatorErrc::invalid_argument), ConfigReply{}); });
    return;
  }
  submit(target, std::move(op), now);
}

void Engine::mac_mask(TargetAddress target, MacMaskMessage request, Initiator::MaskHandler done,
                      TimePoint now) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::mask;
  op->mask = std::move(request);
  op->mask_done = std::move(done);
  submit(target, std::move(op), now);
}

void Engine::reserve(TargetAddress target, ReserveMessage request, Initiator::ReserveHandler done,
                     TimePoint now) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::reserve;
  op->reserve = std::move(request);
  op->reserve_done = std::move(done);
  submit(target, std::move(op), now);
}

bool Engine::overlaps_write_in_flight(const Target& t, std::uint64_t lba,
                                      std::uint32_t sectors) const {
  const std::uint64_t end = lba + sectors;
  for (std::uint16_t s : t.in_flight) {
    const PendingFrame& f = tags_.entry(s);
    if (f.write && lba < f.lba + f.sectors && f.lba < end) return true;
  }
  return false;
}

void Engine::pump(Target& t, TimePoint now) {
  while (!t.queue.empty()) {
    if (t.in_flight.size() >= t.window.size() || tags_.full()) return;
    Op& op = *t.queue.front();
    if (op.kind == OpKind::read || op.kind == OpKind::write) {
      if (!t.identified) return;  // IDENTIFY (queued first) tells size and LBA48
      if (!op.started) {
        const std::uint64_t limit =
            t.info.lba48 ? std::min<std::uint64_t>(t.info.capacity_sectors, kMaxLba48 + 1)
                         : std::min<std::uint64_t>(t.info.capacity_sectors, kMaxLba28 + 1);
        if (op.lba > limit || op.sectors > limit - op.lba) {
          finish(t, op, InitiatorErrc::out_of_range);
          continue;
        }
        op.started = true;
      }
      const std::uint32_t n =
          std::min<std::uint32_t>(t.info.sectors_per_frame, op.sectors - op.issued);
      const std::uint64_t lba = op.lba + op.issued;
      if (op.kind == OpKind::write && config_.stale_write_guard &&
          (overlaps_write_in_flight(t, lba, n) || t.guard.blocked(lba, n, now))) {
        want_wakeup(t.guard.next_expiry());
        return;  // head of line waits: keeps the order of writes
      }
      const std::uint32_t offset = op.issued;
      op.issued += n;
      if (op.issued == op.sectors) {
        t.queue.pop_front();
        op.queued = false;
      }
      issue(t, op, lba, offset, static_cast<std::uint8_t>(n), now);
    } else {
      t.queue.pop_front();
      op.queued = false;
      op.started = true;
      if (op.kind == OpKind::flush)
        op.ata_cmd = (t.info.lba48 && !t.flush_ext_aborts) ? ata_cmd::flush_cache_ext
                                                            : ata_cmd::flush_cache;
      issue(t, op, 0, 0, 0, now);
    }
  }
}

void Engine::issue(Target& t, Op& op, std::uint64_t lba, std::uint32_t offset,
                   std::uint8_t sectors, TimePoint now) {
  const std::uint16_t slot = tags_.acquire();
  PendingFrame& f = tags_.entry(slot);
  f.target = &t;
  f.op = &op;
  f.lba = lba;
  f.offset = offset;
  f.sectors = sectors;
  switch (op.kind) {
    case OpKind::read:
      f.command = static_cast<std::uint8_t>(Command::ata);
      f.ata_cmd = t.info.lba48 ? ata_cmd::read_sectors_ext : ata_cmd::read_sectors;
      break;
    case OpKind::write:
      f.command = static_cast<std::uint8_t>(Command::ata);
      f.ata_cmd = t.info.lba48 ? ata_cmd::write_sectors_ext : ata_cmd::write_sectors;
      f.write = true;
      break;
    case OpKind::flush:
    case OpKind::identify:
      f.command = static_cast<std::uint8_t>(Command::ata);
      f.ata_cmd = op.ata_cmd;
      break;
    case OpKind::config: f.command = static_cast<std::uint8_t>(Command::query_config); break;
    case OpKind::mask: f.command = static_cast<std::uint8_t>(Command::mac_mask_list); break;
    case OpKind::reserve: f.command = static_cast<std::uint8_t>(Command::reserve_release); break;
  }
  f.path = 0;
  for (std::size_t i = 0; i < t.paths.size(); ++i) {
    f.path = t.next_path++ % t.paths.size();
    if (t.paths[f.path].misses < kPathMisses) break;
  }
  f.sends = 1;
  f.first_sent = f.last_sent = now;
  f.retransmit_at = std::min(now + t.rtt.rto(), op.deadline);
  ++op.in_flight;
  t.in_flight.push_back(slot);
  if (!t.unanswered_since) t.unanswered_since = now;
  want_wakeup(f.retransmit_at);
  transmit(slot, now);
}

void Engine::transmit(std::uint16_t slot, TimePoint now) {
  (void)now;
  PendingFrame& f = tags_.entry(slot);
  Target& t = *f.target;
  Op& op = *f.op;
  if (t.paths.empty()) return;
  const Path& path = t.paths[f.path % t.paths.size()];
  Link& link = *links_[path.link];
  Frame frame;
  frame.header.dst = path.mac;
  frame.header.src = link.mac();
  frame.header.target = t.info.address;
  frame.header.command = f.command;
  frame.header.tag = tags_.tag(slot);
  switch (op.kind) {
    case OpKind::read:
    case OpKind::write:
    case OpKind::flush:
    case OpKind::identify: {
      AtaMessage ata;
      ata.cmd_status = f.ata_cmd;
      ata.extended = f.ata_cmd == ata_cmd::read_sectors_ext ||
                     f.ata_cmd == ata_cmd::write_sectors_ext ||
                     f.ata_cmd == ata_cmd::flush_cache_ext;
      ata.lba = f.lba;
      ata.sector_count = op.kind == OpKind::identify ? 1 : f.sectors;
      if (f.write) {
        ata.write = true;
        ata.data = std::span(op.write_buffer + std::size_t{f.offset} * kSectorSize,
                             std::size_t{f.sectors} * kSectorSize);
      }
      frame.body = ata;
      break;
    }
    case OpKind::config: {
      QueryConfigMessage qc;
      qc.command = static_cast<std::uint8_t>(op.config_command);
      qc.config = op.config;
      frame.body = qc;
      break;
    }
    case OpKind::mask: frame.body = op.mask; break;
    case OpKind::reserve: frame.body = op.reserve; break;
  }
  auto n = encode(frame, scratch_);
  if (!n) {
    finish(t, op, InitiatorErrc::invalid_argument);
    return;
  }
  f.seq = ++t.send_seq;
  f.later_answers = 0;
  ++t.stats.frames_sent;
  // A refused send (link down) is treated like a lost frame: the retransmit
  // timer tries again, another path if there is one.
  link.send(std::span(scratch_.data(), padded(*n)));
}

void Engine::retransmit(std::uint16_t slot, TimePoint now) {
  PendingFrame& f = tags_.entry(slot);
  Target& t = *f.target;
  t.window.on_loss(f.last_sent, now);
  tags_.retag(slot);
  ++f.sends;
  if (!t.paths.empty()) {
    ++t.paths[f.path % t.paths.size()].misses;
    f.path = (f.path + 1) % t.paths.size();
  }
  f.last_sent = now;
  f.retransmit_at = std::min(now + t.rtt.backoff(f.sends - 1), f.op->deadline);
  ++t.stats.retransmits;
  want_wakeup(f.retransmit_at);
  transmit(slot, now);
}

// Removes a frame from flight. A write frame that may still have copies on
// the wire quarantines its sectors (write_guard.hpp).
void Engine::retire_frame(Target& t, std::uint16_t slot, bool answered) {
  PendingFrame& f = tags_.entry(slot);
  if (f.write && config_.stale_write_guard && (f.sends > 1 || !answered))
    t.guard.quarantine(f.lba, f.sectors, f.last_sent + WriteGuard::hold_for(t.rtt.rto()));
  if (f.op) --f.op->in_flight;
  auto it = std::find(t.in_flight.begin(), t.in_flight.end(), slot);
  if (it != t.in_flight.end()) {
    *it = t.in_flight.back();
    t.in_flight.pop_back();
  }
  tags_.release(slot);
}

void Engine::finish(Target& t, Op& op, std::error_code ec) {
  if (op.finished) return;
  op.finished = true;
  if (op.in_flight) {
    std::vector<std::uint16_t> mine;
    for (std::uint16_t s : t.in_flight)
      if (tags_.entry(s).op == &op) mine.push_back(s);
    for (std::uint16_t s : mine) retire_frame(t, s, false);
  }
  if (op.queued) {
    auto it = std::find(t.queue.begin(), t.queue.end(), &op);
    if (it != t.queue.end()) t.queue.erase(it);
    op.queued = false;
  }
  if (op.kind == OpKind::identify) t.identify_pending = false;
  if (ec && op.kind != OpKind::identify) ++t.stats.errors;
  std::unique_ptr<Op> owned = std::move(*op.self);
  t.ops.erase(op.self);
  complete(std::move(owned), ec);
}

// Runs whichever handler the operation still holds, later (defer_).
void Engine::complete(std::unique_ptr<Op> op, std::error_code ec) {
  std::shared_ptr<Op> o(std::move(op));  // std::function needs a copyable closure
  defer_([o, ec] {
    if (o->done) o->done(ec);
    if (o->config_done) o->config_done(ec, ConfigReply{});
    if (o->mask_done) o->mask_done(ec, MacMaskMessage{});
    if (o->reserve_done) o->reserve_done(ec, ReserveMessage{});
  });
}

// ---- answers --------------------------------------------------------------

void Engine::on_frame(std::size_t link, std::span<const std::uint8_t> bytes, TimePoint now) {
  if (shut_down_ || link >= links_.size()) return;
  ++link_stats_.frames_received;
  auto header = decode_header(bytes);
  if (!header) {
    ++link_stats_.malformed;
    return;
  }
  const Header& h = *header;
  if (!h.response) return;  // a request (another initiator's, or our own echo)
  if (h.dst != links_[link]->mac() && !h.dst.is_broadcast()) return;  // for another initiator
  const auto match = tags_.classify(h.tag);
  if (match == TagTable<PendingFrame>::Match::current) {
    const std::uint16_t slot = TagTable<PendingFrame>::slot_of(h.tag);
    const PendingFrame& f = tags_.entry(slot);
    if (f.discovery) {
      if (f.link != link || h.command != f.command) {
        ++link_stats_.unmatched;
        return;
      }
      auto frame = decode(bytes);
      if (!frame) {
        ++link_stats_.malformed;
        return;
      }
      handle_discovery(link, *frame, now);
      return;
    }
    Target& t = *f.target;
    const Path* path = t.paths.empty() ? nullptr : &t.paths[f.path % t.paths.size()];
    if (h.target != t.info.address || h.command != f.command || !path || path->link != link ||
        path->mac != h.src) {
      ++link_stats_.unmatched;
      return;
    }
    auto frame = decode(bytes);
    if (!frame) {
      ++link_stats_.malformed;
      return;
    }
    handle_answer(slot, *frame, now);
    return;
  }
  if (match == TagTable<PendingFrame>::Match::stale) {
    if (Target* t = find(h.target)) {
      ++t->stats.duplicates;
      heard_from(*t, now);
      return;
    }
    ++link_stats_.unmatched;
    return;
  }
  // Not our tag. An unsolicited Query Config answer (a target announcing
  // itself, or answering another initiator) still tells us about the target.
  if (h.command == static_cast<std::uint8_t>(Command::query_config) && !h.error &&
      started_ && h.target != TargetAddress::broadcast()) {
    auto frame = decode(bytes);
    if (!frame) {
      ++link_stats_.malformed;
      return;
    }
    handle_discovery(link, *frame, now);
    return;
  }
  ++link_stats_.unmatched;
}

void Engine::handle_answer(std::uint16_t slot, const Frame& frame, TimePoint now) {
  const PendingFrame f = tags_.entry(slot);  // copy: retire_frame releases the slot
  Target& t = *f.target;
  Op& op = *f.op;
  ++t.stats.frames_received;
  if (f.sends == 1) t.rtt.sample(now - f.first_sent);
  t.window.on_answer();
  if (!t.paths.empty()) t.paths[f.path % t.paths.size()].misses = 0;
  // Frames sent before this one and still unanswered: presumed lost after
  // kFastRetransmitAnswers later answers (see engine.hpp).
  std::uint16_t lost[TagTable<PendingFrame>::kSlots / 64];
  std::size_t nlost = 0;
  // With few frames in flight there cannot be three later answers: lower
  // the threshold to what is possible (early retransmit, RFC 5827).
  const unsigned threshold = std::clamp<unsigned>(
      static_cast<unsigned>(t.in_flight.size()) - 1, 1, kFastRetransmitAnswers);
  for (std::uint16_t s : t.in_flight) {
    if (s == slot) continue;
    PendingFrame& g = tags_.entry(s);
    if (g.seq < f.seq && ++g.later_answers == threshold && nlost < std::size(lost))
      lost[nlost++] = s;
  }
  retire_frame(t, slot, true);
  heard_from(t, now);
  for (std::size_t i = 0; i < nlost; ++i)
    if (tags_.live(lost[i]) && tags_.entry(lost[i]).target == &t) retransmit(lost[i], now);
  if (frame.header.error) {
    finish(t, op, make_aoe_error(frame.header.error_code));
  } else {
    switch (op.kind) {
      case OpKind::read:
      case OpKind::write:
      case OpKind::flush:
      case OpKind::identify: handle_ata_answer(t, op, f, frame); break;
      case OpKind::config: {
        const auto* qc = std::get_if<QueryConfigMessage>(&frame.body);
        if (!qc) {
          finish(t, op, InitiatorErrc::bad_response);
          break;
        }
        ConfigReply reply;
        reply.config_storage.assign(qc->config);
        reply.info = *qc;
        reply.from = frame.header.src;
        t.info.config_string = reply.config_storage;
        auto handler = std::move(op.config_done);
        finish(t, op, {});
        defer_([h = std::move(handler), r = std::move(reply)]() mutable {
          r.info.config = r.config_storage;  // the view must point into this copy
          h({}, r);
        });
        break;
      }
      case OpKind::mask: {
        const auto* m = std::get_if<MacMaskMessage>(&frame.body);
        if (!m) {
          finish(t, op, InitiatorErrc::bad_response);
          break;
        }
        auto handler = std::move(op.mask_done);
        finish(t, op, {});
        defer_([h = std::move(handler), msg = *m] { h({}, msg); });
        break;
      }
      case OpKind::reserve: {
        const auto* r = std::get_if<ReserveMessage>(&frame.body);
        if (!r) {
          finish(t, op, InitiatorErrc::bad_response);
          break;
        }
        auto handler = std::move(op.reserve_done);
        finish(t, op, {});
        defer_([h = std::move(handler), msg = *r] { h({}, msg); });
        break;
      }
    }
  }
  pump(t, now);
}

void Engine::handle_ata_answer(Target& t, Op& op, const PendingFrame& f, const Frame& frame) {
  const auto* ata = std::get_if<AtaMessage>(&frame.body);
  if (!ata) {
    finish(t, op, InitiatorErrc::bad_response);
    return;
  }
  const std::uint8_t status = ata->cmd_status;
  if (status & (ata_status::err | ata_status::df)) {
    if (op.kind == OpKind::flush && f.ata_cmd == ata_cmd::flush_cache_ext &&
        (ata->feature_error & ata_error::abrt)) {
      // vblade (and old disks) abort FLUSH CACHE EXT: fall back for good.
      t.flush_ext_aborts = true;
      op.ata_cmd = ata_cmd::flush_cache;
      op.queued = true;
      t.queue.push_front(&op);
      return;
    }
    finish(t, op, make_ata_error(status, ata->feature_error));
    return;
  }
  switch (op.kind) {
    case OpKind::read: {
      const std::size_t bytes = std::size_t{f.sectors} * kSectorSize;
      if (ata->data.size() < bytes) {
        finish(t, op, InitiatorErrc::bad_response);
        return;
      }
      std::memcpy(op.read_buffer + std::size_t{f.offset} * kSectorSize, ata->data.data(), bytes);
      t.stats.bytes_read += bytes;
      op.answered += f.sectors;
      break;
    }
    case OpKind::write:
      t.stats.bytes_written += std::size_t{f.sectors} * kSectorSize;
      op.answered += f.sectors;
      break;
    case OpKind::flush: break;
    case OpKind::identify: {
      auto info = parse_identify(ata->data);
      if (!info) {
        finish(t, op, InitiatorErrc::bad_response);
        return;
      }
      t.info.capacity_sectors = info->capacity_sectors();
      t.info.lba48 = info->lba48;
      t.info.model = info->model;
      t.info.serial = info->serial;
      t.info.firmware = info->firmware;
      const bool first = !t.identified;
      t.identified = true;
      if (first || !t.info.up) {
        t.info.up = !t.down;
        notify(t);
      }
      finish(t, op, {});
      return;
    }
    default: break;
  }
  if (op.kind == OpKind::flush || (op.issued == op.sectors && op.in_flight == 0))
    finish(t, op, {});
}

// ---- time -----------------------------------------------------------------

void Engine::on_timer(TimePoint now) {
  if (shut_down_) return;
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
    for (Op* op : expired) finish(t, *op, InitiatorErrc::timeout);
    due.clear();
    for (std::uint16_t s : t.in_flight)
      if (now >= tags_.entry(s).retransmit_at) due.push_back(s);
    for (std::uint16_t s : due) retransmit(s, now);
    if (!t.down && t.unanswered_since) {
      if (now - *t.unanswered_since >= dead_timeout())
        mark_down(t);
      else
        want_wakeup(*t.unanswered_since + dead_timeout());
    }
    pump(t, now);
    for (std::uint16_t s : t.in_flight) want_wakeup(tags_.entry(s).retransmit_at);
    for (auto& op : t.ops) want_wakeup(op->deadline);
    t.guard.expire(now);
    if (!t.queue.empty()) want_wakeup(t.guard.next_expiry());
  }
}

void Engine::shutdown() {
  if (shut_down_) return;
  for (auto& [address, tp] : targets_) {
    Target& t = *tp;
    while (!t.ops.empty()) finish(t, *t.ops.front(), InitiatorErrc::cancelled);
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
    if (!t->identified && t->identify_pending) ++n;
  return n;
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

std::optional<TargetStats> Engine::stats(TargetAddress address) const {
  const Target* t = find(address);
  if (!t) return std::nullopt;
  TargetStats s = t->stats;
  s.srtt = std::chrono::duration_cast<std::chrono::microseconds>(t->rtt.srtt());
  s.rttvar = std::chrono::duration_cast<std::chrono::microseconds>(t->rtt.rttvar());
  s.window = t->window.size();
  s.outstanding = static_cast<unsigned>(t->in_flight.size());
  return s;
}

std::vector<MacAddress> Engine::local_macs() const {
  std::vector<MacAddress> out;
  for (Link* l : links_) out.push_back(l->mac());
  return out;
}

}  // namespace aoe
