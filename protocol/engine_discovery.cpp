// Engine: discovery, target up/down, IDENTIFY (engine.hpp).
#include "protocol/engine.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/ata.hpp"
#include "protocol/engine_state.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"

namespace aoe {

// ---- discovery ------------------------------------------------------------

void Engine::start(TimePoint now) {
  if (started_ || shut_down_) return;
  started_ = true;
  discover_now(now);
}

void Engine::discover_now(TimePoint now) {
  if (shut_down_) return;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (discovery_slot_[i]) {
      previous_discovery_tag_[i] = tags_.tag(*discovery_slot_[i]);
      tags_.release(*discovery_slot_[i]);
    }
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
    links_[i]->send_frame(frame);  // refused: the next round tries again
    for (auto& [address, t] : targets_) {
      for (const Path& p : t->ports.paths)
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

void Engine::handle_discovery(std::size_t link, const Frame& frame, TimePoint now, Heard heard) {
  const auto* qc = std::get_if<QueryConfigMessage>(&frame.body);
  if (!qc || frame.header.error) {
    ++link_stats_.unmatched;
    return;
  }
  Target* found = find(frame.header.target);
  if (!found && !(found = admit(frame.header.target, now))) return;
  Target& t = *found;
  if (!t.ports.is_path(link, frame.header.src)) {
    if (!t.ports.paths.empty()) {
      // Only a candidate: its answer changes nothing of the target's until
      // an IDENTIFY on it shows the same disk (add_port).
      add_port(t, link, frame.header.src, now);
      return;
    }
    // The first port defines the target (its IDENTIFY is the identity).
    t.ports.paths.push_back({link, frame.header.src});
    t.ports.paths.back().last_answer = now;
    sync_paths_info(t);
  }
  // Only an answer to our own broadcast sets what the target says of
  // itself: anyone can send an unsolicited one with the target's MAC
  // (a forged buffer count of 1 would throttle it).
  if (heard == Heard::solicited || !t.config_heard) {
    t.config_heard = t.config_heard || heard == Heard::solicited;
    t.info.buffer_count = qc->buffer_count;
    t.info.firmware_version = qc->firmware_version;
    t.info.aoe_version = qc->aoe_version;
    t.info.config_string.assign(qc->config);
    // Sector count per path: remember the target's advertised one; recompute.
    t.advertised_spf = qc->sector_count;
    refresh_limits(t);
  }
  const bool was_down = t.down;
  heard_from(t);
  if (!t.identified || was_down || identify_due(t, now, heard == Heard::announcement))
    queue_identify(t, now);
  pump(t, now);
}

// A new address enters the table, to be identified within
// kIdentifyPatience (engine.hpp, "Phantoms"). Anyone on the segment may
// answer for any address: addresses waiting for their IDENTIFY are at most
// kMaxUnidentified (a new one evicts the oldest), and only identified
// targets count against max_targets, so forged addresses can neither grow
// memory without bound nor keep a real target out.
Engine::Target* Engine::admit(TargetAddress address, TimePoint now) {
  const std::size_t identified = identified_targets();
  auto oldest = targets_.end();
  for (auto it = targets_.begin(); it != targets_.end(); ++it)
    if (!it->second->identified &&
        (oldest == targets_.end() || it->second->evict_at < oldest->second->evict_at))
      oldest = it;
  if (identified >= config_.options.max_targets) {
    ++link_stats_.targets_refused;
    return nullptr;
  }
  if (targets_.size() - identified >= kMaxUnidentified) evict(oldest);
  auto fresh = std::make_unique<Target>();
  fresh->rtt = RttEstimator(config_.rtt);
  fresh->info.address = address;
  fresh->evict_at = now + std::min<Duration>(kIdentifyPatience, dead_timeout());
  want_wakeup(fresh->evict_at);
  return targets_.emplace(address, std::move(fresh)).first->second.get();
}

// An address that never answered IDENTIFY leaves the table; its queued
// operations (an IDENTIFY, a Query Config of `aoefs discover`) end with
// no_such_target. REQUIRES: !it->second->identified.
void Engine::evict(std::map<TargetAddress, std::unique_ptr<Target>>::iterator it) {
  Target& t = *it->second;
  while (!t.ops.empty()) finish(t, *t.ops.front(), InitiatorErrc::no_such_target);
  release_probes(t);
  ++(t.over_cap ? link_stats_.targets_refused : link_stats_.addresses_evicted);
  targets_.erase(it);
}

std::size_t Engine::identified_targets() const {
  return static_cast<std::size_t>(std::count_if(
      targets_.begin(), targets_.end(), [](const auto& e) { return e.second->identified; }));
}

void Engine::evict_unidentified(TimePoint now) {
  for (auto it = targets_.begin(); it != targets_.end();) {
    auto next = std::next(it);
    if (!it->second->identified) {
      if (now >= it->second->evict_at)
        evict(it);
      else
        want_wakeup(it->second->evict_at);
    }
    it = next;
  }
}

void Engine::refresh_limits(Target& t) {
  update_frame_size(t);
  unsigned limit = std::max<unsigned>(1, t.info.buffer_count);
  if (config_.options.max_window) limit = std::min(limit, config_.options.max_window);
  limit = std::min<unsigned>(limit, TagTable<PendingFrame>::kSlots / 2);
  const bool fresh = t.window.limit() == 1 && t.stats.frames_sent == 0;
  t.window.set_limit(limit);
  if (fresh) t.window = CongestionWindow(limit);
}

void Engine::heard_from(Target& t) {
  t.unanswered_since.reset();
  if (t.down) {
    t.down = false;
    t.info.up = t.identified;
    if (t.identified) notify(t);
  }
}

// Nothing waits on a dead target: every operation queued or in flight
// fails now (none of them was acknowledged: those complete on their answer).
void Engine::mark_down(Target& t) {
  if (t.down) return;
  t.down = true;
  t.info.up = false;
  while (!t.ops.empty()) finish(t, *t.ops.front(), InitiatorErrc::target_down);
  if (t.identified) notify(t);  // the listener knows only identified targets
}

void Engine::notify(const Target& t) {
  if (!listener_) return;
  defer_([l = listener_, info = t.info] { l(info); });
}

void Engine::queue_identify(Target& t, TimePoint now) {
  if (t.identify_pending) return;
  auto op = std::make_unique<Op>(IdentifyOp{});
  op->deadline = now + control_patience(t);
  op->submitted = now;
  op->queued = true;
  Op* raw = op.get();
  t.ops.push_front(std::move(op));
  raw->self = t.ops.begin();
  t.control_queue.push_front(raw);
  t.identify_pending = true;
  t.identify_sent = now;
  want_wakeup(raw->deadline);
}

// An IDENTIFY answered on the target's own paths: its identity, size,
// command set and flush mode (engine.hpp, "Flush"). A changed capacity
// reaches the listener once, as does the first identity and coming back up.
void Engine::take_identity(Target& t, const IdentifyInfo& id) {
  if (!t.identified && identified_targets() >= config_.options.max_targets) {
    // Admitted while others were waiting too: past the cap, it leaves at
    // the next timer and is counted as refused (the daemon never sees it).
    t.over_cap = true;
    t.evict_at = now_;
    want_wakeup(now_);
    return;
  }
  const bool resized = t.identified && t.info.capacity_sectors != id.capacity_sectors();
  t.info.capacity_sectors = id.capacity_sectors();
  t.info.lba48 = id.lba48;
  t.info.model = id.model;
  t.info.serial = id.serial;
  t.info.firmware = id.firmware;
  t.flush_advertised = id.flush_cache;
  t.info.trim = id.trim;
  t.info.trim_max_blocks = id.trim_max_blocks;
  FlushMode mode = FlushMode::cache28;  // also when nothing is advertised: tried once
  if (id.write_cache_reported && !id.write_cache_enabled)
    mode = FlushMode::none_no_cache;
  else if (id.flush_cache_ext && !t.flush_ext_aborts)
    mode = FlushMode::ext;
  else if (t.flush_e7_aborts && !t.flush_advertised)
    mode = FlushMode::none_at_risk;
  set_flush_mode(t, mode);
  const bool first = !t.identified;
  t.identified = true;
  if (first || !t.info.up || resized) {
    t.info.up = !t.down;
    notify(t);
  }
  if (first) probe_flush(t, now_);
}

// ---- ports: candidates, conflicts, path health ----------------------------

namespace {

bool same_disk(const TargetInfo& target, const IdentifyInfo& id) {
  return id.serial == target.serial && id.model == target.model && id.firmware == target.firmware &&
         id.capacity_sectors() == target.capacity_sectors;
}

}  // namespace

void Engine::sync_paths_info(Target& t) {
  t.info.paths.clear();
  for (const Path& p : t.ports.paths)
    t.info.paths.push_back({links_[p.link]->name(), p.mac, links_[p.link]->mac()});
  t.info.conflicts.clear();
  for (const Candidate& c : t.ports.candidates)
    if (c.conflict) t.info.conflicts.push_back(c.seen);
}

void Engine::add_port(Target& t, std::size_t link, MacAddress mac, TimePoint now) {
  switch (t.ports.claim({link, mac}, now, config_.options.max_paths)) {
    case PathSet::Claim::full:
      ++t.stats.paths_refused;
      return;
    case PathSet::Claim::added:
      want_wakeup(now);
      return;
    case PathSet::Claim::known:
    case PathSet::Claim::benched:
      return;
  }
}

bool Engine::probe_in_flight(const Target& t, std::size_t link, MacAddress mac) const {
  return std::any_of(t.probes.begin(), t.probes.end(), [&](std::uint16_t s) {
    const PendingFrame& f = tags_.entry(s);
    return f.check_id == 0 && f.link == link && f.probe_mac == mac;
  });
}

std::uint16_t Engine::open_probe(Target& t, const Port& port, std::uint8_t ata_command,
                                 Duration timeout, TimePoint now) {
  const std::uint16_t slot = tags_.acquire();
  PendingFrame& f = tags_.entry(slot);
  f = PendingFrame{};
  f.probe = true;
  f.probe_mac = port.mac;
  f.link = port.link;
  f.target = &t;
  f.command = static_cast<std::uint8_t>(Command::ata);
  f.ata_cmd = ata_command;
  f.first_sent = f.last_sent = now;
  f.retransmit_at = now + timeout;
  t.probes.push_back(slot);
  want_wakeup(f.retransmit_at);
  return slot;
}

void Engine::send_probe_frame(std::uint16_t slot, AtaMessage ata) {
  const PendingFrame& f = tags_.entry(slot);
  Frame frame;
  frame.header.dst = f.probe_mac;
  frame.header.src = links_[f.link]->mac();
  frame.header.target = f.target->info.address;
  frame.header.command = f.command;
  frame.header.tag = tags_.tag(slot);
  ata.cmd_status = f.ata_cmd;
  ata.sector_count = 1;
  frame.body = std::move(ata);
  links_[f.link]->send_frame(frame);  // refused: the probe times out
}

void Engine::send_probe(Target& t, std::size_t link, MacAddress mac, TimePoint now) {
  if (tags_.full() || probe_in_flight(t, link, mac)) return;
  const auto timeout = std::max<Duration>(t.rtt.rto() * 2, std::chrono::milliseconds(100));
  send_probe_frame(open_probe(t, {link, mac}, ata_cmd::identify_device, timeout, now), {});
}

void Engine::release_probes(Target& t) {
  for (std::uint16_t s : t.probes) tags_.release(s);
  t.probes.clear();
}

void Engine::handle_probe(std::uint16_t slot, const Frame& frame, TimePoint now) {
  const PendingFrame f = tags_.entry(slot);
  Target& t = *f.target;
  tags_.release(slot);
  t.probes.erase(std::find(t.probes.begin(), t.probes.end(), slot));
  if (f.check_id) return handle_content_answer(t, f, frame, now);
  const auto* ata = std::get_if<AtaMessage>(&frame.body);
  std::optional<IdentifyInfo> id;
  if (ata && !frame.header.error && !(ata->cmd_status & (ata_status::err | ata_status::df))) {
    if (auto parsed = parse_identify(ata->data)) id = *parsed;
  }
  if (!id) {
    ++link_stats_.unmatched;
    return;
  }
  if (!t.identified) {
    adopt_identity(t, f.link, f.probe_mac, *id, now);
    return;
  }
  const bool same = same_disk(t.info, *id);
  for (std::size_t i = 0; i < t.ports.paths.size(); ++i) {
    Path& p = t.ports.paths[i];
    if (p.link != f.link || p.mac != f.probe_mac) continue;
    if (same && p.misses >= kPathMisses) {
      // Answering IDENTIFY is not serving I/O (a forger can copy an
      // identity): one trial frame; only an I/O answer clears the misses,
      // the back-off and the drop clock.
      p.misses = kPathMisses - 1;
      pump(t, now);
    }
    // A path now showing another disk (one swapped behind a port) is left
    // to miss and be dropped; the candidate rule catches a new port of it.
    return;
  }
  for (std::size_t i = 0; i < t.ports.candidates.size(); ++i) {
    Candidate& c = t.ports.candidates[i];
    if (c.link != f.link || c.mac != f.probe_mac) continue;
    c.last_heard = now;
    if (same) {
      // The same identity is not yet the same disk: its sectors decide.
      if (!c.conflict) start_content_check(t, Port{c.link, c.mac}, now);
    } else if (t.ports.mark_conflict({c.link, c.mac},
                                     {links_[c.link]->name(), c.mac, id->model, id->serial,
                                      id->firmware, id->capacity_sectors()},
                                     now)) {
      ++t.stats.conflicts;
      sync_paths_info(t);
      notify(t);  // the daemon logs each conflict once
    }
    return;
  }
}

// The port that defined the target never answered its IDENTIFY (a forger
// that won the discovery race, or a port that died at once) while this one
// did: this one defines the target; the old paths become candidates, to be
// compared with it like any other port.
void Engine::adopt_identity(Target& t, std::size_t link, MacAddress mac, const IdentifyInfo& id,
                            TimePoint now) {
  if (!t.ports.adopt({link, mac}, now)) return;
  t.info.capacity_sectors = id.capacity_sectors();
  t.info.lba48 = id.lba48;
  t.info.model = id.model;
  t.info.serial = id.serial;
  t.info.firmware = id.firmware;
  t.identified = true;
  t.info.up = !t.down;
  sync_paths_info(t);
  refresh_limits(t);
  notify(t);
  want_wakeup(now);
  pump(t, now);
}

// Called from on_timer for every target: expires probes, then probes and
// drops ports as the path set says (path_set.hpp).
void Engine::maintain_ports(Target& t, TimePoint now) {
  for (std::size_t i = 0; i < t.probes.size();) {
    const std::uint16_t s = t.probes[i];
    if (now >= tags_.entry(s).retransmit_at) {
      // A content read unanswered: the check cannot conclude.
      const std::uint32_t check = tags_.entry(s).check_id;
      if (check && t.check && t.check->id() == check) t.check.reset();
      tags_.release(s);
      t.probes[i] = t.probes.back();
      t.probes.pop_back();
    } else {
      want_wakeup(tags_.entry(s).retransmit_at);
      ++i;
    }
  }
  PathSet::Timing timing;
  timing.path_timeout = config_.options.path_timeout;
  timing.backoff_cap =
      std::max<Duration>(config_.options.discovery_interval, std::chrono::milliseconds(250));
  timing.max_benched = config_.options.max_paths;
  timing.identified = t.identified;
  recheck_paths(t, now);
  const PathSet::Upkeep upkeep = t.ports.upkeep(now, timing);
  for (const Port& port : upkeep.probe) send_probe(t, port.link, port.mac, now);
  t.stats.paths_dropped += upkeep.dropped;
  want_wakeup(upkeep.wake);
  if (upkeep.changed) {
    sync_paths_info(t);
    refresh_limits(t);
  }
}

}  // namespace aoe
