// The asynchronous AoE initiator: discovery, per-target sessions, windowed
// I/O with retransmission, several paths per target.
//
// Threading contract: the initiator runs on the io_context it is given (one
// thread runs it). Every public member function is thread-safe: it may be
// called from any thread (FUSE worker threads do). Completion handlers run on
// the io_context's thread, never inline inside the call that started the
// operation, and each is called exactly once — also at shutdown
// (InitiatorErrc::cancelled).
//
// Durability contract: a write's handler reports success only after the
// target acknowledged every frame of it; flush()'s only after FLUSH CACHE
// (EXT, or plain FLUSH CACHE when the target aborts EXT) completed.
//
// Failure contract: an operation fails only after the dead timeout passed
// without an answer (InitiatorErrc::timeout), or at once on an AoE error
// (aoe_category), an ATA error (ata_category), or a local error
// (no_such_target, out_of_range, invalid_argument, target_down).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/header.hpp"
#include "protocol/latency_histogram.hpp"
#include "protocol/link.hpp"
#include "protocol/codec/mac_address.hpp"
#include "protocol/codec/mac_mask.hpp"
#include "protocol/codec/query_config.hpp"
#include "protocol/codec/reserve.hpp"

namespace boost::asio {
class io_context;
}

namespace aoe {

struct InitiatorOptions {
  std::chrono::milliseconds discovery_interval{10'000};
  std::chrono::milliseconds dead_timeout{60'000};
  // Frames in flight per target: min(this, target buffer count); 0 = buffer count.
  unsigned max_window = 0;
  // Added by the initiator work: busy polling of each link after a wakeup
  // that delivered frames (Link::set_busy_poll); 0 disables it.
  std::chrono::microseconds busy_poll{50};
};

struct TargetPath {
  std::string interface;
  MacAddress mac;  // the target's MAC on that interface
};

// What discovery and IDENTIFY learned about a target.
struct TargetInfo {
  TargetAddress address;
  bool up = false;
  std::uint64_t capacity_sectors = 0;
  bool lba48 = false;
  std::string model, serial, firmware;      // IDENTIFY strings
  std::uint16_t buffer_count = 0;           // Query Config
  std::uint16_t firmware_version = 0;
  std::uint8_t sectors_per_frame = 0;       // min over paths of target scnt and link MTU
  std::uint8_t aoe_version = 0;
  std::string config_string;                // as of the last Query Config answer
  std::vector<TargetPath> paths;
};

struct TargetStats {
  std::uint64_t requests = 0;        // read/write/flush operations started
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t retransmits = 0;
  std::uint64_t duplicates = 0;      // answers to frames already answered/retransmitted
  std::uint64_t errors = 0;          // operations that failed
  std::chrono::microseconds srtt{0};
  std::chrono::microseconds rttvar{0};
  unsigned window = 0;               // current congestion window (frames)
  unsigned outstanding = 0;          // frames in flight now
  // From start (submit) to successful completion; failed operations count
  // in `errors` only.
  TargetLatency latency;
};

// Counters for frames that matched no target or were malformed.
struct LinkStats {
  std::uint64_t frames_received = 0;
  std::uint64_t malformed = 0;       // decode() failed
  std::uint64_t unmatched = 0;       // no outstanding request with that tag/MAC/address/command,
                                     // a late answer from a MAC not the target's, a request sent to us
};

struct ConfigReply {
  QueryConfigMessage info;   // info.config views reply.config_storage
  std::string config_storage;
  MacAddress from;
};

class Initiator {
 public:
  using Handler = std::function<void(std::error_code)>;
  using ConfigHandler = std::function<void(std::error_code, const ConfigReply&)>;
  using MaskHandler = std::function<void(std::error_code, const MacMaskMessage&)>;
  using ReserveHandler = std::function<void(std::error_code, const ReserveMessage&)>;
  // Called on the io thread when a target is added, goes down, or comes back.
  using TargetListener = std::function<void(const TargetInfo&)>;

  Initiator(boost::asio::io_context& io, std::vector<std::unique_ptr<Link>> links,
            InitiatorOptions options = {});
  ~Initiator();  // cancels everything still pending (handlers get `cancelled`)
  Initiator(const Initiator&) = delete;
  Initiator& operator=(const Initiator&) = delete;

  void set_target_listener(TargetListener listener);  // before start()
  void start();                // first discovery broadcast, then periodic
  void discover_now();         // an extra broadcast (e.g. on demand)
  // Completes after the first discovery round had time to be answered
  // (one broadcast + a short settle delay), for `aoefs discover`.
  void wait_discovery(std::chrono::milliseconds settle, Handler done);
  void shutdown();             // stop timers and links; pending ops get `cancelled`

  // I/O in 512-byte sectors. `buffer` must stay valid until the handler runs
  // and hold exactly sectors*512 bytes.
  void read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
            std::span<std::uint8_t> buffer, Handler done);
  void write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
             std::span<const std::uint8_t> buffer, Handler done);
  void flush(TargetAddress target, Handler done);

  void query_config(TargetAddress target, ConfigCommand command, std::string config,
                    ConfigHandler done);
  void mac_mask(TargetAddress target, MacMaskMessage request, MaskHandler done);
  void reserve(TargetAddress target, ReserveMessage request, ReserveHandler done);

  // Snapshots; thread-safe.
  std::vector<TargetInfo> targets() const;
  std::optional<TargetInfo> target(TargetAddress address) const;
  std::optional<TargetStats> stats(TargetAddress address) const;
  LinkStats link_stats() const;
  // The MACs of our own links (e.g. for lock strings and reservations).
  std::vector<MacAddress> local_macs() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace aoe
