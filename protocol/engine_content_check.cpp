// Engine: content checks — does a port with the target's identity serve its
// sectors? (content_check.hpp; engine.hpp, "Ports")
#include <algorithm>

#include "protocol/codec/ata.hpp"
#include "protocol/engine.hpp"
#include "protocol/engine_state.hpp"

namespace aoe {

std::uint64_t Engine::next_random() {  // splitmix64
  std::uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

bool Engine::start_content_check(Target& t, Port subject, TimePoint now) {
  if (t.check || t.info.capacity_sectors == 0) return false;
  const auto reference =
      std::find_if(t.ports.paths.begin(), t.ports.paths.end(), [&](const Path& p) {
        return PathSet::is_healthy(p) && !(p.link == subject.link && p.mac == subject.mac);
      });
  if (reference == t.ports.paths.end()) return false;
  t.check.emplace(next_check_id_++, subject, Port{reference->link, reference->mac},
                  t.info.capacity_sectors, t.media_changes, [this] { return next_random(); });
  // One sector at a time on each side: two frames beside the window, not
  // a burst a small target's buffers would drop.
  send_content_read(t, ContentCheck::Side::subject, 0, now);
  send_content_read(t, ContentCheck::Side::reference, 0, now);
  return true;
}

void Engine::send_content_read(Target& t, ContentCheck::Side side, std::size_t index,
                               TimePoint now) {
  if (tags_.full()) {
    t.check.reset();
    return;
  }
  // Behind a full window of a slow target: its service time per frame too.
  const auto queued = static_cast<unsigned>(t.in_flight.size());
  const auto timeout =
      std::max<Duration>(t.rtt.rto() * 4 + queued * t.per_frame, std::chrono::milliseconds(500));
  const std::uint16_t slot =
      open_probe(t, t.check->port(side),
                 t.info.lba48 ? ata_cmd::read_sectors_ext : ata_cmd::read_sectors, timeout, now);
  PendingFrame& f = tags_.entry(slot);
  f.check_id = t.check->id();
  f.check_side = static_cast<std::uint8_t>(side);
  f.check_index = static_cast<std::uint16_t>(index);
  AtaMessage ata;
  ata.extended = t.info.lba48;
  ata.lba = t.check->lbas()[index];
  send_probe_frame(slot, std::move(ata));  // refused: the read times out, the check is dropped
}

void Engine::handle_content_answer(Target& t, const PendingFrame& f, const Frame& frame,
                                   TimePoint now) {
  if (!t.check || t.check->id() != f.check_id) return;  // a check since dropped
  const auto* ata = std::get_if<AtaMessage>(&frame.body);
  if (!ata || frame.header.error || (ata->cmd_status & (ata_status::err | ata_status::df)) ||
      ata->data.size() < kSectorSize) {
    t.check.reset();  // no verdict from a failed read; tried again later
    return;
  }
  const auto side = static_cast<ContentCheck::Side>(f.check_side);
  t.check->answered(side, f.check_index, ata->data.data());
  const ContentCheck::Side other = side == ContentCheck::Side::subject
                                       ? ContentCheck::Side::reference
                                       : ContentCheck::Side::subject;
  const std::size_t next = std::size_t{f.check_index} + 1;
  if (t.check->has(other, f.check_index) && next < t.check->lbas().size()) {
    send_content_read(t, ContentCheck::Side::subject, next, now);
    if (t.check) send_content_read(t, ContentCheck::Side::reference, next, now);
    return;
  }
  conclude_content_check(t, now);
}

void Engine::conclude_content_check(Target& t, TimePoint now) {
  const ContentCheck::Verdict verdict = t.check->verdict(t.media_changes);
  if (verdict == ContentCheck::Verdict::pending) return;
  const Port subject = t.check->subject();
  t.check.reset();
  if (verdict == ContentCheck::Verdict::differs) return content_conflict(t, subject, now);
  if (verdict != ContentCheck::Verdict::same) return;  // inconclusive: tried again later
  for (std::size_t i = 0; i < t.ports.candidates.size(); ++i) {
    const Candidate& c = t.ports.candidates[i];
    if (c.link != subject.link || c.mac != subject.mac || c.conflict) continue;
    t.ports.promote(i, now);
    refresh_limits(t);
    sync_paths_info(t);
    pump(t, now);
    return;
  }
}

// The subject serves other sectors than the target: a candidate becomes a
// conflict, a path stops being one (its frames in flight go to the others
// when they time out; answers from it are refused from now on).
void Engine::content_conflict(Target& t, const Port& port, TimePoint now) {
  const bool was_path = t.ports.is_path(port.link, port.mac);
  TargetConflict seen{
      links_[port.link]->name(), port.mac, t.info.model, t.info.serial, t.info.firmware,
      t.info.capacity_sectors,   true};
  if (!t.ports.mark_conflict(port, std::move(seen), now)) return;
  if (was_path) refresh_limits(t);
  ++t.stats.conflicts;
  sync_paths_info(t);
  notify(t);  // the daemon logs each conflict once
}

// Every kRecheckInterval, one path other than the first is compared with
// it again, in turn.
void Engine::recheck_paths(Target& t, TimePoint now) {
  if (!t.identified || t.ports.paths.size() < 2) {
    t.next_recheck = {};
    return;
  }
  if (t.next_recheck == TimePoint{}) t.next_recheck = now + ContentCheck::kRecheckInterval;
  if (now < t.next_recheck || t.check) {
    want_wakeup(std::max(now, t.next_recheck));
    return;
  }
  const std::size_t others = t.ports.paths.size() - 1;
  const Path& subject = t.ports.paths[1 + t.recheck_rotor++ % others];
  start_content_check(t, Port{subject.link, subject.mac}, now);
  t.next_recheck = now + ContentCheck::kRecheckInterval;
  want_wakeup(t.next_recheck);
}

}  // namespace aoe
