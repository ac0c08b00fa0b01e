// Engine: flushes — when one may go, and what its answer means (engine.hpp,
// "Flush").
#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/engine.hpp"
#include "protocol/engine_state.hpp"

namespace aoe {

// A flush covers every write before it: those still in flight are
// acknowledged first. The mode needs IDENTIFY, and the flush probe's answer
// while one is out (it may change the mode). On a target with nothing to
// flush, the acknowledgements are the durability: done without a frame.
Engine::FlushStart Engine::start_flush(Target& t, Op& op, FlushOp& flush) {
  if (!t.identified || write_in_flight(t) || (t.flush_probe_pending && !flush.probe))
    return FlushStart::wait;
  if (t.info.flush_mode == FlushMode::none_no_cache ||
      t.info.flush_mode == FlushMode::none_at_risk) {
    if (!flush.probe) ++t.stats.flushes_without_frame;
    t.queue.pop_front();
    op.queued = false;
    finish(t, op, {});
    return FlushStart::done;
  }
  flush.ata_cmd =
      t.info.flush_mode == FlushMode::ext ? ata_cmd::flush_cache_ext : ata_cmd::flush_cache;
  return FlushStart::send;
}

// See engine.hpp, "Flush".
void Engine::handle_flush_answer(Target& t, Op& op, const PendingFrame& f, const AtaMessage& ata) {
  const std::uint8_t status = ata.cmd_status;
  const std::uint8_t error = ata.feature_error;
  const bool probe = std::get<FlushOp>(op.body).probe;
  if (!(status & ata_status::err)) {
    // ATA: the error register means something only when ERR is set. vblade
    // answers E7h without setting it (whatever was in that stack slot goes
    // out, non-zero right after it starts); a no-op flush that echoes the
    // command byte (EAh: BSY and DF set) says nothing went wrong either.
    const bool busy_or_fault = status & (ata_status::bsy | ata_status::df);
    if (busy_or_fault || error != 0) ++t.stats.flush_odd_status;
    if (busy_or_fault && t.info.flush_odd_status == 0) {
      // No disk answers a finished flush so: the first such answer is
      // told once (the daemon warns that the target may not flush).
      t.info.flush_odd_status = status;
      t.info.flush_odd_command = f.ata_cmd;
      if (t.identified) notify(t);
    }
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
      if (!probe) ++t.stats.flushes_without_frame;
      finish(t, op, {});
      return;
    }
  }
  finish(t, op, make_ata_error(status, error));
}

// The mode IDENTIFY gave is a guess while an answer could change it: `ext`
// until EXT is answered (vblade aborts it: `28`), `28` without FLUSH CACHE
// advertised until E7h is answered (aborted: `none (... at risk)`). One
// flush, queued behind the first IDENTIFY like any flush, settles it before
// anyone asks for durability, so discovery, user.aoe.flush and .stats show
// the mode flushes will have. Its answer acts as any flush answer does
// (handle_flush_answer: EXT aborted is retried as E7h); it completes no
// one, and its failure — a timeout, an ATA error — leaves the mode as it
// was and counts nothing (finish: an internal operation).
void Engine::probe_flush(Target& t, TimePoint now) {
  const bool settled = t.info.flush_mode == FlushMode::none_no_cache ||
                       t.info.flush_mode == FlushMode::none_at_risk ||
                       (t.info.flush_mode == FlushMode::cache28 && t.flush_advertised);
  if (settled || t.flush_probed) return;
  t.flush_probed = true;
  t.flush_probe_pending = true;
  FlushOp body;
  body.probe = true;
  auto op = std::make_unique<Op>(std::move(body));
  op->deadline = now + dead_timeout();
  op->submitted = now;
  op->queued = true;
  Op* raw = op.get();
  t.ops.push_back(std::move(op));
  raw->self = std::prev(t.ops.end());
  t.queue.push_back(raw);
  want_wakeup(raw->deadline);
}

void Engine::set_flush_mode(Target& t, FlushMode mode) {
  if (t.info.flush_mode == mode) return;
  const bool identified = t.identified;
  t.info.flush_mode = mode;
  if (identified) notify(t);  // the daemon logs the change once
}

}  // namespace aoe
