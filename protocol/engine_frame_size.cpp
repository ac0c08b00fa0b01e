// Engine: frame size per path, jumbo black holes (engine.hpp, "Frame size").
#include <algorithm>
#include <variant>

#include "protocol/codec/ata.hpp"
#include "protocol/engine.hpp"
#include "protocol/engine_state.hpp"

namespace aoe {

namespace {

constexpr unsigned small_frame_sectors() { return sectors_per_frame(Engine::kSmallFrameMtu); }

// The copies of each re-split frame whose late answers restore the path:
// the last ones (path.fallback_tags is searched at every late answer).
constexpr unsigned kFallbackCopies = 8;

}  // namespace

// What one path carries: the target's sector count, cut to the link's MTU.
unsigned Engine::frame_sectors(const Target& t, const Path& p) const {
  const unsigned by_mtu = sectors_per_frame(links_[p.link]->mtu());
  const unsigned s = t.advertised_spf == 0 ? by_mtu : std::min<unsigned>(t.advertised_spf, by_mtu);
  return std::clamp(s, 1u, 255u);
}

std::size_t Engine::largest_frame(const Target& t) const {
  std::size_t least = 0;
  for (const Path& p : t.ports.paths) {
    unsigned mtu = links_[p.link]->mtu();
    if (p.small) mtu = std::min(mtu, kSmallFrameMtu);
    const std::size_t frame = mtu + kEthernetHeaderSize;
    least = least == 0 ? frame : std::min(least, frame);
  }
  return least;
}

bool Engine::fits_one_frame(const Target& t, const Op& op) const {
  Frame frame;
  if (const auto* m = std::get_if<MaskOp>(&op.body)) {
    if (m->request.directives.size() > kMaxMacMaskDirectives) return false;
    frame.body = m->request;
  } else if (const auto* r = std::get_if<ReserveOp>(&op.body)) {
    if (r->request.macs.size() > kMaxReserveMacs) return false;
    frame.body = r->request;
  } else if (const auto* c = std::get_if<ConfigOp>(&op.body)) {
    QueryConfigMessage qc;
    qc.config = c->config;
    frame.body = qc;
  } else {
    return true;  // I/O is carved to the frame size; IDENTIFY and flush are small
  }
  const std::size_t limit = largest_frame(t);
  return limit == 0 || encoded_size(frame) <= limit;
}

// The size new frames get: the least any path carries now.
void Engine::update_frame_size(Target& t) {
  unsigned spf = 255;
  for (const Path& p : t.ports.paths) {
    unsigned s = frame_sectors(t, p);
    if (p.small) s = std::min(s, small_frame_sectors());
    spf = std::min(spf, s);
  }
  t.info.sectors_per_frame = static_cast<std::uint8_t>(std::max(1u, spf));
}

bool Engine::big_frame(const PendingFrame& f) {
  return !f.discovery && f.sectors > small_frame_sectors();
}

// The path to send one full-size frame on, when a fallen-back path is due
// to try again.
std::optional<unsigned> Engine::probe_due(Target& t, TimePoint now) {
  for (unsigned i = 0; i < t.ports.paths.size(); ++i) {
    const Path& p = t.ports.paths[i];
    if (p.small && !p.probing && now >= p.probe_at && frame_sectors(t, p) > small_frame_sectors())
      return i;
  }
  return std::nullopt;
}

// A frame too big for a 1500-byte MTU timed out. After kBlackHoleTimeouts
// of them in a row on one path (none answered between), that path falls
// back to small frames, and every big frame still in flight is split into
// small ones at once: they went into the same hole. A lost probe only
// moves the next probe kFrameSizeProbeInterval on.
bool Engine::on_big_frame_timeout(Target& t, const PendingFrame& f, TimePoint now) {
  Path* at = t.ports.at(f.path);
  if (!at) return false;
  Path& path = *at;
  if (f.size_probe) {
    path.probing = false;
    path.probe_at = now + kFrameSizeProbeInterval;
    return false;  // the frame is re-split by retransmit()
  }
  if (path.small || ++path.big_timeouts < kBlackHoleTimeouts) return false;
  path.small = true;
  path.confirmed = false;
  path.small_timeouts = 0;
  path.probe_at = now + kFrameSizeProbeInterval;
  update_frame_size(t);
  const unsigned full = frame_sectors(t, path);
  std::vector<std::uint16_t> big;
  path.fallback_tags.clear();
  for (std::uint16_t s : t.in_flight) {
    const PendingFrame& g = tags_.entry(s);
    if (!g.op || !g.op->is_data() || g.sectors <= t.info.sectors_per_frame) continue;
    big.push_back(s);
    if (t.ports.at(g.path) != &path || g.sectors < full) continue;
    // Every copy's tag: the stalled target may answer any of them.
    for (unsigned back = 0; back < std::min(g.sends, kFallbackCopies); ++back)
      path.fallback_tags.push_back(tags_.tag_before(s, back));
  }
  for (std::uint16_t s : big) resplit(s, now);
  return true;
}

// A big frame answered. Big frames pass: the timeout count starts again.
// A full-size one (a probe, or a frame sent before the fallback whose
// answer comes late) proves the path carries them: back to full size.
void Engine::on_big_frame_answer(Target& t, const PendingFrame& f) {
  Path* at = t.ports.at(f.path);
  if (!at) return;
  Path& path = *at;
  path.big_timeouts = 0;
  if (f.size_probe) path.probing = false;
  // Every answer at full size passes here: the size is looked up only for a
  // path that fell back.
  if (path.small && f.sectors >= frame_sectors(t, path)) restore_full_size(t, path);
}

// An answer to a frame no longer waited for, from one of the target's
// ports: a stalled target (or a slow wire) answering full-size frames that
// timed out and were re-split at a fallback. It proves that the fallback
// was a stall taken for a black hole: back to full size at once instead of
// at the next probe, kFrameSizeProbeInterval later. (The answer itself
// cannot tell: vblade answers a read with sector count 0 and a write with
// no data.)
void Engine::on_late_answer(Target& t, std::size_t link, const MacAddress& src, std::uint32_t tag) {
  for (Path& path : t.ports.paths)
    if (path.small && path.link == link && path.mac == src &&
        std::find(path.fallback_tags.begin(), path.fallback_tags.end(), tag) !=
            path.fallback_tags.end())
      restore_full_size(t, path);
}

// The path is taken to carry full-size frames again. Counted and told when
// the fallback was (a confirmed hole); a stall undone before any small
// frame confirmed it is not news.
void Engine::restore_full_size(Target& t, Path& path) {
  if (!path.small) return;
  path.small = false;
  path.big_timeouts = 0;
  path.small_timeouts = 0;
  path.probing = false;
  path.fallback_tags.clear();
  update_frame_size(t);
  if (!path.confirmed) return;
  path.confirmed = false;
  ++t.stats.frame_size_restores;
  notify(t);
}

// Any answer on a path fallen back to small frames confirms the hole: told
// once (the daemon logs the listener's news), counted once.
void Engine::on_path_answer(Target& t, const PendingFrame& f) {
  Path* at = t.ports.at(f.path);
  if (!at) return;
  Path& path = *at;
  if (!path.small || path.confirmed) return;
  path.confirmed = true;
  ++t.stats.frame_size_fallbacks;
  notify(t);
}

// Small frames lost too before any was answered: the path (or the target)
// is silent, not a black hole; back to full size.
void Engine::on_small_frame_timeout(Target& t, const PendingFrame& f) {
  Path* at = t.ports.at(f.path);
  if (!at) return;
  Path& path = *at;
  if (!path.small || path.confirmed || ++path.small_timeouts < kBlackHoleTimeouts) return;
  path.small = false;
  path.big_timeouts = 0;
  update_frame_size(t);
}

// Replaces an unanswered data frame by frames of the size in use now, with
// fresh tags; the operation's progress counts stay right (issued already
// covers the range). A write's old copy is quarantined by retire_frame as
// any retransmitted write is.
void Engine::resplit(std::uint16_t slot, TimePoint now) {
  const PendingFrame f = tags_.entry(slot);
  Target& t = *f.target;
  Op& op = *f.op;
  t.window.on_loss(f.last_sent, now);
  ++t.stats.retransmits;
  ++t.stats.retransmits_timeout;
  retire_frame(t, slot, false);
  const unsigned spf = t.info.sectors_per_frame;
  for (unsigned done = 0; done < f.sectors && !tags_.full();) {
    const unsigned n = std::min(spf, f.sectors - done);
    issue(t, op, f.lba + done, f.offset + done, static_cast<std::uint8_t>(n), now);
    done += n;
  }
}

}  // namespace aoe
