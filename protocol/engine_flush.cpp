// Engine: flushes — when one may go, and what its answer means (engine.hpp,
// "Flush").
#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/engine.hpp"
#include "protocol/engine_state.hpp"

namespace aoe {

// A flush covers every write before it: those still in flight are
// acknowledged first. The mode needs IDENTIFY. On a target with nothing to
// flush, the acknowledgements are the durability: done without a frame.
Engine::FlushStart Engine::start_flush(Target& t, Op& op, FlushOp& flush) {
  if (!t.identified || write_in_flight(t)) return FlushStart::wait;
  if (t.info.flush_mode == FlushMode::none_no_cache ||
      t.info.flush_mode == FlushMode::none_at_risk) {
    ++t.stats.flushes_without_frame;
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
