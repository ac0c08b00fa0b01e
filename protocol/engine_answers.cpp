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

void Engine::on_frame(std::size_t link, std::span<const std::uint8_t> frame, TimePoint now) {
  on_frames(link, Link::Batch(&frame, 1), now);
}

// Fast retransmissions wait for the end of the batch: the answer that
// proves a passed frame was only reordered is often further down the same
// recvmmsg (engine.hpp, "Fast retransmit").
void Engine::on_frames(std::size_t link, Link::Batch frames, TimePoint now) {
  for (std::span<const std::uint8_t> bytes : frames) on_one_frame(link, bytes, now);
  retransmit_passed(now);
}

void Engine::on_one_frame(std::size_t link, std::span<const std::uint8_t> bytes, TimePoint now) {
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
  const std::uint16_t slot = tags_.slot_of(h.tag);
  switch (tags_.classify(h.tag)) {
    case TagTable<PendingFrame>::Match::current:
      return on_current_answer(link, slot, h, bytes, now);
    case TagTable<PendingFrame>::Match::stale:
      return on_stale_answer(link, slot, h, bytes, now);
    case TagTable<PendingFrame>::Match::unknown:
      return on_unknown_answer(link, h, bytes, now);
  }
}

// An answer to a copy in flight: discovery, a port probe, or I/O — each
// from where it was sent to, before it is decoded.
void Engine::on_current_answer(std::size_t link, std::uint16_t slot, const Header& h,
                               std::span<const std::uint8_t> bytes, TimePoint now) {
  const PendingFrame& f = tags_.entry(slot);
  if (f.discovery) {
    if (f.link != link) return refuse(RefusedAnswer::port);
    if (h.command != f.command) return refuse(RefusedAnswer::command);
    if (auto frame = decode_counted(bytes)) handle_discovery(link, *frame, now, Heard::solicited);
    return;
  }
  if (f.probe) {
    if (f.link != link || f.probe_mac != h.src) return refuse(RefusedAnswer::port);
    if (h.target != f.target->info.address) return refuse(RefusedAnswer::target);
    if (h.command != f.command) return refuse(RefusedAnswer::command);
    if (auto frame = decode_counted(bytes)) handle_probe(slot, *frame, now);
    return;
  }
  const Target& t = *f.target;
  const Path* path = t.ports.at(f.path);
  // From the port the copy went to, or another path of the target (a
  // dual-ported target may answer on either).
  if (!(path && path->link == link && path->mac == h.src) && !t.ports.is_path(link, h.src))
    return refuse(RefusedAnswer::port);
  on_io_answer(slot, bytes, f.sends, now);
}

// A late answer to a copy we no longer wait for — if it comes from one of
// the target's own ports; from any other MAC it is a stranger's.
void Engine::on_stale_answer(std::size_t link, std::uint16_t slot, const Header& h,
                             std::span<const std::uint8_t> bytes, TimePoint now) {
  if (h.tag == previous_discovery_tag_[link] &&
      h.command == static_cast<std::uint8_t>(Command::query_config)) {
    // The broadcast before this round's, answered late (engine.hpp).
    if (auto frame = decode_counted(bytes)) handle_discovery(link, *frame, now, Heard::solicited);
    return;
  }
  Target* t = find(h.target);
  if (!t || !t->ports.is_path(link, h.src)) {
    ++link_stats_.unmatched;
    return;
  }
  if (tags_.live(slot)) {
    // The answer to an earlier copy of a frame in flight: the frame was not
    // lost, the retransmissions since were spurious (engine.hpp). A tag
    // further back than the frame's copies is the slot's previous frame's.
    const PendingFrame& f = tags_.entry(slot);
    const std::uint32_t back = tags_.retags_since(slot, h.tag);
    if (!f.discovery && !f.probe && f.target == t && back >= 1 && back < f.sends)
      return on_io_answer(slot, bytes, f.sends - back, now);
  }
  ++t->stats.duplicates;
  heard_from(*t);
  on_late_answer(*t, link, h.src, h.tag);
}

// Not our tag. An unsolicited Query Config answer (a target announcing
// itself, or answering another initiator) still tells us about the target.
void Engine::on_unknown_answer(std::size_t link, const Header& h,
                               std::span<const std::uint8_t> bytes, TimePoint now) {
  if (h.command == static_cast<std::uint8_t>(Command::query_config) && !h.error && started_ &&
      h.target != TargetAddress::broadcast()) {
    if (auto frame = decode_counted(bytes)) handle_discovery(link, *frame, now, Heard::unsolicited);
    return;
  }
  ++link_stats_.foreign;
  ++link_stats_.unmatched;
}

void Engine::on_io_answer(std::uint16_t slot, std::span<const std::uint8_t> bytes, unsigned copy,
                          TimePoint now) {
  auto frame = decode_counted(bytes);
  if (!frame) return;
  PendingFrame& f = tags_.entry(slot);
  const bool earlier_copy = copy < f.sends;
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
  handle_answer(slot, *frame, copy, now);
}

SentFrame Engine::sent_frame(const PendingFrame& f) const {
  SentFrame sent;
  sent.target = f.target->info.address;
  sent.command = f.command;
  sent.subcommand = f.subcommand;
  if (f.carries_data()) {
    sent.data = f.kind == OpKind::write ? SentFrame::Data::write : SentFrame::Data::read;
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

// Frames sent before the answered one on the same path and still
// unanswered: presumed lost once reorder_threshold later answers passed
// them (engine.hpp, "Fast retransmit"); noted in passed_, retransmitted at
// the end of the batch.
// With few frames in flight there cannot be three later answers: the
// threshold drops to what is possible (early retransmit, RFC 5827) —
// unless the target is known to reorder, where that only makes duplicates.
void Engine::pass_frames_before(Target& t, std::uint16_t slot, const PendingFrame& f,
                                bool earlier_copy) {
  unsigned threshold = t.reorder_threshold;
  if (threshold <= kFastRetransmitAnswers)
    threshold = std::clamp<unsigned>(static_cast<unsigned>(t.in_flight.size()) - 1, 1, threshold);
  const std::uint64_t seq = earlier_copy ? 0 : f.seq;  // an old copy passes nobody
  const Path* answered_on = t.ports.at(f.path);
  for (std::uint16_t s : t.in_flight) {
    if (s == slot) continue;
    PendingFrame& g = tags_.entry(s);
    if (g.seq >= seq) continue;
    // Paths are separate queues: an answer on one says nothing of a frame
    // on another (a slower port is not a lossy one).
    if (t.ports.at(g.path) != answered_on) continue;
    // passed_at keeps the first passing of the first copy: the reordering
    // a spurious retransmission proves is measured from there.
    if (++g.later_answers == 1 && g.passed_at == 0) g.passed_at = t.answers;
    if (g.later_answers == threshold)
      passed_.push_back({s, tags_.tag(s), threshold, t.reorder_threshold});
  }
}

// The end of a batch: every frame passed to the threshold whose copy is
// still the one unanswered goes again — unless a spurious retransmission
// found in the batch raised its target's threshold past its passes.
void Engine::retransmit_passed(TimePoint now) {
  for (const Passed& p : passed_) {
    if (shut_down_ || !tags_.live(p.slot) || tags_.tag(p.slot) != p.tag) continue;
    const PendingFrame& f = tags_.entry(p.slot);
    const Target& t = *f.target;
    const unsigned raised = t.reorder_threshold > p.reorder_threshold ? t.reorder_threshold : 0;
    if (f.later_answers >= std::max(p.threshold, raised)) retransmit(p.slot, true, now);
  }
  passed_.clear();
}

// A raised reorder threshold steps back by one every kReorderDecayAnswers
// answers without a spurious retransmission.
void Engine::decay_reorder_threshold(Target& t) {
  if (config_.adapt_reordering && t.reorder_threshold > kFastRetransmitAnswers &&
      t.answers - t.reorder_checked_at >= kReorderDecayAnswers) {
    --t.reorder_threshold;
    t.reorder_checked_at = t.answers;
  }
}

void Engine::handle_answer(std::uint16_t slot, const Frame& frame, unsigned copy, TimePoint now) {
  const PendingFrame f = tags_.entry(slot);  // copy: retire_frame releases the slot
  Target& t = *f.target;
  Op& op = *f.op;
  const bool earlier_copy = copy < f.sends;
  ++t.stats.frames_received;
  ++t.answers;
  if (earlier_copy) on_spurious(t, f, copy);
  on_answer_timing(t, f, copy, now);
  t.window.on_answer();
  t.ports.credit(f.path, frame.header.src, now);
  pass_frames_before(t, slot, f, earlier_copy);
  if (big_frame(f)) on_big_frame_answer(t, f);
  on_path_answer(t, f);
  retire_frame(t, slot, true);
  heard_from(t);
  decay_reorder_threshold(t);
  if (frame.header.error)
    finish(t, op, make_aoe_error(frame.header.error_code));
  else
    op.on_answer(*this, t, f, frame);
  pump(t, now);
}

}  // namespace aoe

namespace aoe {

// Copy `copy` was answered while a later one is in flight: the frame was
// not lost, and the sends - copy retransmissions after that copy were all
// spurious. A window cut any of them made is undone, once (Eifel, RFC
// 3522); when the first of them was a fast retransmission (copy itself
// was taken for lost), the reorder threshold is raised past the
// reordering seen: the answers between the frame being first passed and now.
void Engine::on_spurious(Target& t, const PendingFrame& f, unsigned copy) {
  t.stats.retransmits_spurious += f.sends - copy;
  const std::uint32_t later_copies = copy < 32 ? ~0u << copy : 0;  // bits of copies > copy
  if (f.cut_copies & later_copies) t.window.undo();
  const bool fast = copy < 32 && (f.fast_copies & (1u << copy));  // copy + 1's bit
  if (!fast || !config_.adapt_reordering) return;
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
void Engine::on_answer_timing(Target& t, const PendingFrame& f, unsigned copy, TimePoint now) {
  // A copy too far back for its send time to be kept gives no sample.
  if (const auto sent = f.copy_sent(copy)) t.rtt.sample(now - *sent);
  if (copy == f.sends) {
    const Duration service = now - std::max(f.last_sent, t.last_answer);
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
