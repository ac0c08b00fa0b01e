// Engine: matching and interpreting answers (engine.hpp).
#include "protocol/engine.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/ata.hpp"
#include "protocol/engine_state.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"

namespace aoe {

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
  if (is_announcement(h)) return handle_announcement(link, bytes, now);
  const bool to_us = h.dst == links_[link]->mac();
  if (!h.response) {
    // A request: another initiator's (to a target or broadcast) is not ours
    // to count; one addressed to this initiator's own MAC is garbage.
    if (to_us) ++link_stats_.unmatched;
    return;
  }
  if (!to_us && !h.dst.is_broadcast()) return;  // for another initiator
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
    // A late answer to a copy we no longer wait for — if it comes from one
    // of the target's own ports; from any other MAC it is a stranger's.
    Target* t = find(h.target);
    const bool from_target = t && std::any_of(t->paths.begin(), t->paths.end(), [&](const Path& p) {
      return p.link == link && p.mac == h.src;
    });
    if (from_target) {
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
    switch (op.kind()) {
      case OpKind::read:
      case OpKind::write:
      case OpKind::flush:
      case OpKind::identify:
      case OpKind::trim: handle_ata_answer(t, op, f, frame); break;
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
      std::memcpy(std::get<ReadOp>(op.body).buffer + std::size_t{f.offset} * kSectorSize, ata->data.data(), bytes);
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
    default: break;
  }
  if ((op.issued == op.sectors && op.in_flight == 0))
    finish(t, op, {});
}

}  // namespace aoe

namespace aoe {

// See engine.hpp, "Flush".
void Engine::handle_flush_answer(Target& t, Op& op, const PendingFrame& f, const AtaMessage& ata) {
  const std::uint8_t status = ata.cmd_status;
  const std::uint8_t error = ata.feature_error;
  if (!(status & ata_status::err) && error == 0) {
    // A no-op flush that echoes the command byte (EAh: BSY and DF set) says
    // nothing went wrong; only ERR or an error bit does.
    if (status & (ata_status::bsy | ata_status::df)) ++t.stats.flush_odd_status;
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
