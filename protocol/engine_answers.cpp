// Engine: matching and interpreting answers (engine.hpp).
#include "protocol/engine.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/ata.hpp"
#include "protocol/engine_state.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"

namespace aoe {

std::optional<Frame> Engine::decode_counted(std::span<const std::uint8_t> bytes) {
  auto frame = decode(bytes);
  if (!frame) {
    ++link_stats_.malformed;
    return std::nullopt;
  }
  return std::move(*frame);
}

// ---- answers --------------------------------------------------------------

void Engine::on_frame(std::size_t link, std::span<const std::uint8_t> bytes, TimePoint now) {
  if (shut_down_ || link >= links_.size()) return;
  now_ = now;
  ++link_stats_.frames_received;
  auto header = decode_header(bytes);
  if (!header) {
    ++link_stats_.malformed;
    return;
  }
  const Header& h = *header;
  if (is_announcement(h)) return handle_announcement(link, bytes, now);
  const bool to_us = h.dst == links_[link]->mac();
  if (!h.response) {
    // A request: another initiator's (to a target or broadcast) is not ours
    // to count; one addressed to this initiator's own MAC is garbage.
    if (to_us) ++link_stats_.unmatched;
    return;
  }
  // For another initiator. (Daemons on one NIC share its MAC: this does not
  // tell them apart; their tags and the answer check do.)
  if (!to_us && !h.dst.is_broadcast()) return;
  const auto match = tags_.classify(h.tag);
  const std::uint16_t slot = tags_.slot_of(h.tag);
  if (match == TagTable<PendingFrame>::Match::current) {
    const PendingFrame& f = tags_.entry(slot);
    if (f.discovery) {
      if (f.link != link) return refuse(RefusedAnswer::port);
      if (h.command != f.command) return refuse(RefusedAnswer::command);
      auto frame = decode_counted(bytes);
      if (!frame) return;
      handle_discovery(link, *frame, now);
      return;
    }
    if (f.probe) {
      if (f.link != link || f.probe_mac != h.src) return refuse(RefusedAnswer::port);
      if (h.target != f.target->info.address) return refuse(RefusedAnswer::target);
      if (h.command != f.command) return refuse(RefusedAnswer::command);
      auto frame = decode_counted(bytes);
      if (!frame) return;
      handle_probe(slot, *frame, now);
      return;
    }
    const Target& t = *f.target;
    const Path* path = t.paths.empty() ? nullptr : &t.paths[f.path % t.paths.size()];
    // From the port the copy went to, or another path of the target (a
    // dual-ported target may answer on either).
    if (!(path && path->link == link && path->mac == h.src) && !from_path(t, link, h.src))
      return refuse(RefusedAnswer::port);
    return on_io_answer(slot, bytes, false, now);
  }
  if (match == TagTable<PendingFrame>::Match::stale) {
    // A late answer to a copy we no longer wait for — if it comes from one
    // of the target's own ports; from any other MAC it is a stranger's.
    Target* t = find(h.target);
    if (!t || !from_path(*t, link, h.src)) {
      ++link_stats_.unmatched;
      return;
    }
    if (tags_.live(slot)) {
      // The answer to the copy before the one in flight: the frame was not
      // lost, its retransmission was spurious (engine.hpp).
      const PendingFrame& f = tags_.entry(slot);
      if (!f.discovery && !f.probe && f.prev_tag == h.tag && f.target == t)
        return on_io_answer(slot, bytes, true, now);
    }
    ++t->stats.duplicates;
    heard_from(*t);
    on_late_answer(*t, link, h.src, h.tag);
    return;
  }
  // Not our tag. An unsolicited Query Config answer (a target announcing
  // itself, or answering another initiator) still tells us about the target.
  if (h.command == static_cast<std::uint8_t>(Command::query_config) && !h.error && started_ &&
      h.target != TargetAddress::broadcast()) {
    auto frame = decode_counted(bytes);
    if (!frame) return;
    handle_discovery(link, *frame, now);
    return;
  }
  ++link_stats_.foreign;
  ++link_stats_.unmatched;
}

void Engine::on_io_answer(std::uint16_t slot, std::span<const std::uint8_t> bytes,
                          bool earlier_copy, TimePoint now) {
  auto frame = decode_counted(bytes);
  if (!frame) return;
  PendingFrame& f = tags_.entry(slot);
  AnswerEcho& echo = f.target->echo;
  const SentFrame sent = sent_frame(f);
  auto reason = check_answer(sent, *frame, echo);
  if (reason && !earlier_copy && learned_field(*reason) && f.refused_tag != frame->header.tag) {
    // Another copy of this frame answered otherwise than learned
    // (AnswerEcho::kDoubtAfter).
    f.refused_tag = frame->header.tag;
    if (++f.refused_copies >= AnswerEcho::kDoubtAfter) {
      forget_echo(echo);
      ++f.target->stats.answers_relearned;
      reason = check_answer(sent, *frame, echo);
    }
  }
  if (reason) return refuse(*reason);
  learn_echo(echo, sent, *frame);
  handle_answer(slot, *frame, earlier_copy, now);
}

bool Engine::from_path(const Target& t, std::size_t link, const MacAddress& src) const {
  return std::any_of(t.paths.begin(), t.paths.end(),
                     [&](const Path& p) { return p.link == link && p.mac == src; });
}

SentFrame Engine::sent_frame(const PendingFrame& f) const {
  SentFrame sent;
  sent.target = f.target->info.address;
  sent.command = f.command;
  sent.subcommand = f.subcommand;
  if (f.op && f.op->is_data()) {
    sent.data = f.write ? SentFrame::Data::write : SentFrame::Data::read;
    sent.lba = f.lba;
    sent.sectors = f.sectors;
  } else if (f.ata_cmd == ata_cmd::identify_device) {
    sent.data = SentFrame::Data::identify;
    sent.lba = kIdentifyLbaMark;
  }
  return sent;
}

void Engine::refuse(RefusedAnswer reason) {
  ++link_stats_.refused[static_cast<std::size_t>(reason)];
  ++link_stats_.unmatched;
}

void Engine::handle_answer(std::uint16_t slot, const Frame& frame, bool earlier_copy,
                           TimePoint now) {
  const PendingFrame f = tags_.entry(slot);  // copy: retire_frame releases the slot
  Target& t = *f.target;
  Op& op = *f.op;
  ++t.stats.frames_received;
  ++t.answers;
  if (earlier_copy) on_spurious(t, f);
  on_answer_timing(t, f, earlier_copy, now);
  t.window.on_answer();
  if (!t.paths.empty()) {
    // The path the answer came on: the answer to an earlier copy (sent on
    // the path before a retransmission moved the frame) credits that path,
    // not the one the copy went to, or a slow path's answers would leave
    // it avoided for good.
    std::size_t on = f.path % t.paths.size();
    for (std::size_t i = 0; i < t.paths.size(); ++i)
      if (t.paths[i].mac == frame.header.src) on = i;
    Path& p = t.paths[on];
    ++p.answers;
    p.misses = 0;
    p.probes = 0;
    p.last_answer = now;
    p.served = true;
  }
  // Frames sent before this one and still unanswered: presumed lost after
  // reorder_threshold later answers (see engine.hpp).
  std::uint16_t lost[TagTable<PendingFrame>::kSlots / 64];
  std::size_t nlost = 0;
  // With few frames in flight there cannot be three later answers: lower
  // the threshold to what is possible (early retransmit, RFC 5827) — unless
  // the target is known to reorder, where that only makes duplicates.
  unsigned threshold = t.reorder_threshold;
  if (threshold <= kFastRetransmitAnswers)
    threshold = std::clamp<unsigned>(static_cast<unsigned>(t.in_flight.size()) - 1, 1, threshold);
  const std::uint64_t seq = earlier_copy ? 0 : f.seq;  // an old copy passes nobody
  for (std::uint16_t s : t.in_flight) {
    if (s == slot) continue;
    PendingFrame& g = tags_.entry(s);
    if (g.seq >= seq) continue;
    // passed_at keeps the first passing of the first copy: the reordering
    // a spurious retransmission proves is measured from there.
    if (++g.later_answers == 1 && g.passed_at == 0) g.passed_at = t.answers;
    if (g.later_answers == threshold && nlost < std::size(lost)) lost[nlost++] = s;
  }
  if (big_frame(f)) on_big_frame_answer(t, f);
  on_path_answer(t, f);
  retire_frame(t, slot, true);
  heard_from(t);
  for (std::size_t i = 0; i < nlost; ++i)
    if (tags_.live(lost[i]) && tags_.entry(lost[i]).target == &t &&
        tags_.entry(lost[i]).later_answers >= threshold)
      retransmit(lost[i], true, now);
  if (config_.adapt_reordering && t.reorder_threshold > kFastRetransmitAnswers &&
      t.answers - t.reorder_checked_at >= kReorderDecayAnswers) {
    --t.reorder_threshold;
    t.reorder_checked_at = t.answers;
  }
  if (frame.header.error) {
    finish(t, op, make_aoe_error(frame.header.error_code));
  } else {
    switch (op.kind()) {
      case OpKind::read:
      case OpKind::write:
      case OpKind::flush:
      case OpKind::identify:
      case OpKind::trim:
        handle_ata_answer(t, op, f, frame);
        break;
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
        auto handler = std::move(std::get<ConfigOp>(op.body).done);
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
        auto handler = std::move(std::get<MaskOp>(op.body).done);
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
        auto handler = std::move(std::get<ReserveOp>(op.body).done);
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
  if (op.kind() == OpKind::flush) {
    handle_flush_answer(t, op, f, *ata);
    return;
  }
  const std::uint8_t status = ata->cmd_status;
  if (status & (ata_status::err | ata_status::df)) {
    finish(t, op, make_ata_error(status, ata->feature_error));
    return;
  }
  switch (op.kind()) {
    case OpKind::read: {
      const std::size_t bytes = std::size_t{f.sectors} * kSectorSize;
      if (ata->data.size() < bytes) {
        finish(t, op, InitiatorErrc::bad_response);
        return;
      }
      std::memcpy(std::get<ReadOp>(op.body).buffer + std::size_t{f.offset} * kSectorSize,
                  ata->data.data(), bytes);
      t.stats.bytes_read += bytes;
      op.answered += f.sectors;
      break;
    }
    case OpKind::write:
      t.stats.bytes_written += std::size_t{f.sectors} * kSectorSize;
      op.answered += f.sectors;
      break;
    case OpKind::trim:
      t.stats.sectors_trimmed += f.media_sectors();
      op.answered += f.media_sectors();
      break;
    case OpKind::identify: {
      auto info = parse_identify(ata->data);
      if (!info) {
        finish(t, op, InitiatorErrc::bad_response);
        return;
      }
      const bool resized = t.identified && t.info.capacity_sectors != info->capacity_sectors();
      t.info.capacity_sectors = info->capacity_sectors();
      t.info.lba48 = info->lba48;
      t.info.model = info->model;
      t.info.serial = info->serial;
      t.info.firmware = info->firmware;
      t.flush_advertised = info->flush_cache;
      t.info.trim = info->trim;
      t.info.trim_max_blocks = info->trim_max_blocks;
      FlushMode mode = FlushMode::cache28;  // also when nothing is advertised: tried once
      if (info->write_cache_reported && !info->write_cache_enabled)
        mode = FlushMode::none_no_cache;
      else if (info->flush_cache_ext && !t.flush_ext_aborts)
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
      finish(t, op, {});
      return;
    }
    default:
      break;
  }
  if ((op.issued == op.sectors && op.in_flight == 0)) finish(t, op, {});
}

}  // namespace aoe

namespace aoe {

// See engine.hpp, "Flush".
void Engine::handle_flush_answer(Target& t, Op& op, const PendingFrame& f, const AtaMessage& ata) {
  const std::uint8_t status = ata.cmd_status;
  const std::uint8_t error = ata.feature_error;
  if (!(status & ata_status::err)) {
    // ATA: the error register means something only when ERR is set. vblade
    // answers E7h without setting it (whatever was in that stack slot goes
    // out, non-zero right after it starts); a no-op flush that echoes the
    // command byte (EAh: BSY and DF set) says nothing went wrong either.
    if ((status & (ata_status::bsy | ata_status::df)) || error != 0) ++t.stats.flush_odd_status;
    finish(t, op, {});
    return;
  }
  if ((status & ata_status::err) && (error & ata_error::abrt)) {
    if (f.ata_cmd == ata_cmd::flush_cache_ext) {
      // vblade (and old disks) abort FLUSH CACHE EXT: FLUSH CACHE for good.
      t.flush_ext_aborts = true;
      set_flush_mode(t, FlushMode::cache28);
      op.queued = true;
      t.queue.push_front(&op);
      return;
    }
    if (!t.flush_advertised) {
      // The target said it has no flush and means it: every write before
      // this flush is acknowledged (the barrier in pump), which is all it
      // promises.
      t.flush_e7_aborts = true;
      set_flush_mode(t, FlushMode::none_at_risk);
      ++t.stats.flushes_without_frame;
      finish(t, op, {});
      return;
    }
  }
  finish(t, op, make_ata_error(status, error));
}

void Engine::set_flush_mode(Target& t, FlushMode mode) {
  if (t.info.flush_mode == mode) return;
  const bool identified = t.identified;
  t.info.flush_mode = mode;
  if (identified) notify(t);  // the daemon logs the change once
}

}  // namespace aoe

namespace aoe {

// The copy before the one in flight was answered: the frame was never lost.
// The window cut its retransmission made is undone (Eifel, RFC 3522), and a
// fast retransmission raises the reorder threshold past the reordering
// seen: the answers that came between the frame being first passed and now.
void Engine::on_spurious(Target& t, const PendingFrame& f) {
  ++t.stats.retransmits_spurious;
  if (f.cut_window) t.window.undo();
  if (!f.fast || !config_.adapt_reordering) return;
  const std::uint64_t degree = f.passed_at ? t.answers - f.passed_at : 0;
  const unsigned cap = std::max<unsigned>(kFastRetransmitAnswers, t.window.limit());
  t.reorder_threshold = static_cast<unsigned>(
      std::min<std::uint64_t>(cap, std::max<std::uint64_t>(t.reorder_threshold + 1, degree + 1)));
  t.reorder_checked_at = t.answers;
}

// RTT and service time. A tag names one copy, so every answer is an exact
// sample of the copy it answers (no ambiguity for Karn's rule to avoid).
// The service time per frame is the gap since the previous answer when the
// frame was already waiting then (else since it was sent); it rises fast
// and falls slowly, and every frame in flight gets at least the RTO plus
// that time for each frame ahead of it from now: a target still working
// through a full window is not retransmitted to.
void Engine::on_answer_timing(Target& t, const PendingFrame& f, bool earlier_copy, TimePoint now) {
  const TimePoint sent = earlier_copy ? f.prev_sent : f.last_sent;
  t.rtt.sample(now - sent);
  if (!earlier_copy) {
    const Duration service = now - std::max(sent, t.last_answer);
    if (service > t.per_frame)
      t.per_frame += (service - t.per_frame) / 2;
    else
      t.per_frame -= (t.per_frame - service) / 8;
  }
  t.last_answer = now;
  const auto queued = static_cast<unsigned>(t.in_flight.size());
  const TimePoint busy_until = now + t.rtt.rto() + queued * t.per_frame;
  for (std::uint16_t s : t.in_flight) {
    PendingFrame& g = tags_.entry(s);
    if (g.retransmit_at < busy_until) {
      g.retransmit_at = std::min(busy_until, g.op->deadline);
      want_wakeup(g.retransmit_at);
    }
  }
}

}  // namespace aoe
