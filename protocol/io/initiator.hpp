// The asynchronous AoE initiator: discovery, per-target sessions, windowed
// I/O with retransmission, several paths per target.
//
// Threading contract: the initiator runs on the io_context it is given (one
// thread runs it). Every public member function is thread-safe: it may be
// called from any thread (FUSE worker threads do); with
// InitiatorOptions::submit_inline a read's or write's first frames are sent
// from the calling thread. Completion handlers run on
// the io_context's thread (with InitiatorOptions::answer_on_caller also
// inside await_own(), on its caller's thread), never inline inside the call
// that started the operation, and each is called exactly once — also at
// shutdown (InitiatorErrc::cancelled).
//
// Durability contract: a write's handler reports success only after the
// target acknowledged every frame of it; flush()'s only after every earlier
// write was acknowledged and then the flush of the target's flush mode
// (TargetInfo::flush_mode: FLUSH CACHE EXT, FLUSH CACHE, or none when the
// target has no write cache or no flush) completed (engine.hpp, "Flush").
//
// Failure contract: an operation fails only after the dead timeout passed
// without an answer (InitiatorErrc::timeout), or at once on an AoE error
// (aoe_category), an ATA error (ata_category), or a local error
// (no_such_target, out_of_range, invalid_argument, target_down).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/header.hpp"
#include "protocol/link.hpp"
#include "protocol/codec/mac_address.hpp"
#include "protocol/codec/mac_mask.hpp"
#include "protocol/codec/query_config.hpp"
#include "protocol/codec/reserve.hpp"
#include "protocol/initiator_types.hpp"
#include "protocol/link.hpp"

namespace boost::asio {
class io_context;
}

namespace aoe {

class Initiator {
 public:
  using Handler = aoe::Handler;
  using ConfigHandler = aoe::ConfigHandler;
  using MaskHandler = aoe::MaskHandler;
  using ReserveHandler = aoe::ReserveHandler;
  // Called on the io thread when a target is added, goes down, or comes back.
  using TargetListener = aoe::TargetListener;

  Initiator(boost::asio::io_context& io, std::vector<std::unique_ptr<Link>> links,
            InitiatorOptions options = {});
  ~Initiator();  // cancels everything still pending (handlers get `cancelled`)
  Initiator(const Initiator&) = delete;
  Initiator& operator=(const Initiator&) = delete;

  void set_target_listener(TargetListener listener);  // before start()
  void start();                                       // first discovery broadcast, then periodic
  void discover_now();                                // an extra broadcast (e.g. on demand)
  // Completes after the first discovery round had time to be answered
  // (one broadcast + a short settle delay), for `aoefs discover`.
  void wait_discovery(std::chrono::milliseconds settle, Handler done);
  void shutdown();  // stop timers and links; pending ops get `cancelled`

  // I/O in 512-byte sectors. `buffer` must stay valid until the handler runs
  // and hold exactly sectors*512 bytes.
  void read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
            std::span<std::uint8_t> buffer, Handler done);
  void write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
             std::span<const std::uint8_t> buffer, Handler done);
  void flush(TargetAddress target, Handler done);
  // TRIM of the sectors (Engine::trim); not_supported unless TargetInfo::trim.
  void trim(TargetAddress target, std::uint64_t lba, std::uint32_t sectors, Handler done);

  void query_config(TargetAddress target, ConfigCommand command, std::string config,
                    ConfigHandler done);
  void mac_mask(TargetAddress target, MacMaskMessage request, MaskHandler done);
  void reserve(TargetAddress target, ReserveMessage request, ReserveHandler done);

  // With InitiatorOptions::answer_on_caller: waits on this thread, up to
  // `at_most`, for the reads and writes this thread started while nothing
  // else was in flight, receiving the answers here and running on this
  // thread the completions that come due meanwhile (any operation's, not only
  // its own). Returns at once when there are none; what is still unanswered
  // at `at_most` completes on the io thread as usual.
  // REQUIRES: the caller holds no lock a completion handler takes, and is
  // not inside a completion handler.
  void await_own(std::chrono::microseconds at_most);

  // Snapshots; thread-safe.
  std::vector<TargetInfo> targets() const;
  std::optional<TargetInfo> target(TargetAddress address) const;
  std::optional<TargetStats> stats(TargetAddress address) const;
  LinkStats link_stats() const;
  // The per-stage histograms (request_stages.hpp) the initiator records
  // into; its user records the `request` stage. Lives as long as this.
  RequestStages& stages();
  // The MACs of our own links (e.g. for lock strings and reservations).
  std::vector<MacAddress> local_macs() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace aoe
