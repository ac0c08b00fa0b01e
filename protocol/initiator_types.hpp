// What the initiator tells about targets and takes as options, shared by the
// sans-I/O Engine (engine.hpp) and its Asio driver (initiator.hpp), so the
// engine does not depend on the driver: options, target facts and counters,
// and the completion handler types. Plain values; no behaviour.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/codec/header.hpp"
#include "protocol/codec/mac_address.hpp"
#include "protocol/codec/mac_mask.hpp"
#include "protocol/codec/query_config.hpp"
#include "protocol/codec/reserve.hpp"
#include "protocol/latency_histogram.hpp"
#include "protocol/request_stages.hpp"

namespace aoe {

struct InitiatorOptions {
  // Reads and writes enter the engine on the caller's thread, which sends
  // their first frames itself, instead of being posted to the io thread.
  // Off: measured slower (README.md, "Request stages": the submit stage
  // fell from 11-17 µs to 0.1 µs, but the wire stage of a QD1 4 KiB read
  // grew from 24-42 µs to 61-77 µs). Kept for the next measurement.
  bool submit_inline = false;
  // A read or write submitted while no other is in flight enters the engine
  // on the caller's thread, and the caller may then wait for its answer
  // itself (Initiator::await_own): at one request in flight the answer
  // wakes the thread that will reply, not the io thread.
  bool answer_on_caller = false;
  std::chrono::milliseconds discovery_interval{10'000};
  std::chrono::milliseconds dead_timeout{60'000};
  // A discovery answer re-IDENTIFYs a target when this long passed since its
  // last IDENTIFY, so a capacity change is noticed without a restart signal.
  std::chrono::milliseconds identify_interval{30'000};
  // Frames in flight per target: min(this, target buffer count); 0 = buffer count.
  unsigned max_window = 0;
  // Bounds against a hostile or broken segment (anyone may answer): targets
  // kept, ports per target (paths, candidates and conflicts together), and
  // how long a candidate or a path may go without an answer before it is
  // dropped (a path only while the target has another one).
  std::size_t max_targets = 1024;
  std::size_t max_paths = 16;
  std::chrono::milliseconds path_timeout{60'000};
};

// How a target makes acknowledged writes durable, from its IDENTIFY words
// 82-87 and how it answered flushes (engine.hpp, "Flush").
enum class FlushMode : std::uint8_t {
  ext,            // FLUSH CACHE EXT (EAh)
  cache28,        // FLUSH CACHE (E7h)
  none_no_cache,  // no write cache: an acknowledged write is stored; nothing to send
  none_at_risk,   // a write cache (or one not reported) and no flush it honours
};

// The durability mode as shown in `user.aoe.flush`, `aoefs discover`, .stats.
constexpr std::string_view flush_mode_text(FlushMode mode) {
  switch (mode) {
    case FlushMode::ext:
      return "ext";
    case FlushMode::cache28:
      return "28";
    case FlushMode::none_no_cache:
      return "none (no write cache)";
    case FlushMode::none_at_risk:
      return "none (write cache on: data at risk)";
  }
  return "?";
}

struct TargetPath {
  std::string interface;
  MacAddress mac;        // the target's MAC on that interface
  MacAddress local_mac;  // ours on that interface: what the target sees as the source
};

// A port that claims the target's address but serves another disk: its
// IDENTIFY describes another one, or the same sectors read through it
// differ (two disks configured with one shelf.slot). Never used for I/O. Strings are as the wire
// sent them: escape before printing.
struct TargetConflict {
  std::string interface;
  MacAddress mac;
  std::string model, serial, firmware;
  std::uint64_t capacity_sectors = 0;
  // Its IDENTIFY matched, but sectors read through it differ from the
  // target's (a twin with the same identity, or a copied one).
  bool content_differs = false;
};

// What discovery and IDENTIFY learned about a target.
struct TargetInfo {
  TargetAddress address;
  bool up = false;
  std::uint64_t capacity_sectors = 0;
  bool lba48 = false;
  std::string model, serial, firmware;  // IDENTIFY strings
  std::uint16_t buffer_count = 0;       // Query Config
  std::uint16_t firmware_version = 0;
  std::uint8_t sectors_per_frame = 0;  // in use now: min over paths of target scnt and
                                       // what the path carries (less after a jumbo black hole)
  FlushMode flush_mode = FlushMode::cache28;
  // The first flush answer taken as success with BSY or DF set — a no-op
  // flush echoing its command byte (0xEA) — and the command it answered:
  // the target may not flush at all. 0: none came. Set once; the daemon
  // warns once (stats.flush_odd_status counts every odd answer).
  std::uint8_t flush_odd_status = 0;
  std::uint8_t flush_odd_command = 0;
  bool trim = false;                  // IDENTIFY word 169 bit 0: DATA SET MANAGEMENT TRIM
  std::uint16_t trim_max_blocks = 0;  // IDENTIFY word 105 (0: not reported)
  std::uint8_t aoe_version = 0;
  std::string config_string;  // as of the last Query Config answer
  // Ports whose IDENTIFY matched the first one's: the only ones used for I/O.
  std::vector<TargetPath> paths;
  std::vector<TargetConflict> conflicts;
  // Commands the target never answered while it answered others (AoE MAC
  // Mask List, Reserve/Release: optional; older targets lack them). Their
  // operations fail with not_supported from then on, without a frame.
  bool mask_unsupported = false;
  bool reserve_unsupported = false;
};

// One path's traffic, counted since it became a path of the target.
struct PathStats {
  std::string interface;
  MacAddress mac;
  std::uint64_t frames_sent = 0;
  std::uint64_t answers = 0;
};

struct TargetStats {
  std::uint64_t requests = 0;  // read/write/flush operations started
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t retransmits = 0;            // every copy sent again, for any reason:
  std::uint64_t retransmits_timeout = 0;    //   its RTO expired
  std::uint64_t retransmits_fast = 0;       //   later frames were answered (reorder suspicion)
  std::uint64_t retransmits_spurious = 0;   // either kind, later proven unneeded (the earlier
                                            // copy was answered after all)
  unsigned reorder_threshold = 0;           // later answers that make a frame presumed lost
  std::uint64_t frame_size_fallbacks = 0;   // a path dropped full-size frames (jumbo black
                                            // hole, MTU shrunk): small frames from then on
  std::uint64_t frame_size_restores = 0;    // a probe found full-size frames carried again
  std::uint64_t flushes_without_frame = 0;  // flushes done on write acknowledgements alone
  std::uint64_t flush_odd_status = 0;       // flush answers taken as success despite a
                                            // nonsense status (ERR clear, error 0)
  std::uint64_t trims = 0;                  // TRIM operations started
  std::uint64_t sectors_trimmed = 0;        // sectors the target acknowledged as trimmed
  std::uint64_t duplicates = 0;  // late answers to I/O frames already answered/retransmitted
                                 // (not to an earlier discovery broadcast)
  // Times answers refused in a row for what the target was seen to return
  // (answer_check.hpp, kDoubtAfter) made the engine learn it anew.
  std::uint64_t answers_relearned = 0;
  std::uint64_t errors = 0;  // operations that failed
  std::chrono::microseconds srtt{0};
  std::chrono::microseconds rttvar{0};
  unsigned window = 0;              // current congestion window (frames)
  unsigned outstanding = 0;         // frames in flight now
  std::uint64_t conflicts = 0;      // ports found to be another disk with this address
  std::uint64_t paths_dropped = 0;  // candidates and paths dropped for not answering
  std::uint64_t paths_refused = 0;  // new ports ignored: max_paths reached
  unsigned candidates = 0;          // ports not yet confirmed by IDENTIFY
  // Requests (reads, writes, flushes, trims) not completed yet, and while
  // some wait, how long the target has answered nothing (0: it answers).
  unsigned waiting = 0;
  std::chrono::milliseconds unanswered_for{0};
  std::vector<PathStats> paths;  // per path in use
  // From start (submit) to successful completion; failed operations count
  // in `errors` only.
  TargetLatency latency;
};

// Why an answer carrying one of this initiator's tags was refused: it does
// not answer what that tag was sent with (engine_answers.cpp, "Answers are
// checked"). Another initiator on the same NIC hears every answer; a
// refused answer never completes a request.
enum class RefusedAnswer : std::uint8_t {
  port,        // not from the port the frame was sent to (nor a path of the target)
  target,      // another shelf.slot
  command,     // another AoE command
  subcommand,  // another Query Config / MAC Mask / Reserve sub-command
  lba,         // another LBA than the target echoes for this one
  count,       // another sector count than this target answers with
  length,      // a read answer without the sectors asked for
  write_flag,  // the ATA W flag of a read answered as a write, or the reverse
};
inline constexpr std::size_t kRefusedAnswerReasons = 8;
constexpr std::string_view refused_answer_text(RefusedAnswer reason) {
  constexpr std::string_view names[kRefusedAnswerReasons] = {
      "port", "target", "command", "subcommand", "lba", "count", "length", "write_flag"};
  return names[static_cast<std::size_t>(reason)];
}

// Counters for frames that matched no target or were malformed.
struct LinkStats {
  std::uint64_t frames_received = 0;
  std::uint64_t malformed = 0;      // decode() failed
  std::uint64_t announcements = 0;  // a target's start-up broadcast (version 0, is_announcement)
  // Every well-formed frame that completed nothing and told nothing: the sum
  // of `foreign`, every `refused` reason, and the rest (a late answer from a
  // MAC not the target's, a request sent to us).
  std::uint64_t unmatched = 0;
  // Answers to tags this initiator never issued: another initiator's (an
  // aoefs on the same NIC, aoetools, the Linux driver), or forged.
  std::uint64_t foreign = 0;
  // Answers with one of this initiator's tags that do not answer what the
  // tag was sent with, by reason (RefusedAnswer).
  std::array<std::uint64_t, kRefusedAnswerReasons> refused{};
  std::uint64_t targets_refused = 0;  // Query Config answers of new targets past max_targets
  // Addresses that answered Query Config but never IDENTIFY within
  // Engine::kIdentifyPatience (or were pushed out by newer ones): forged,
  // or a target that does not work.
  std::uint64_t addresses_evicted = 0;
  // Where reads' and writes' time went (Initiator::stages).
  RequestStages::Snapshot stages{};
};
struct ConfigReply {
  QueryConfigMessage info;  // info.config views reply.config_storage
  std::string config_storage;
  MacAddress from;
};

using Handler = std::function<void(std::error_code)>;
using ConfigHandler = std::function<void(std::error_code, const ConfigReply&)>;
using MaskHandler = std::function<void(std::error_code, const MacMaskMessage&)>;
using ReserveHandler = std::function<void(std::error_code, const ReserveMessage&)>;
// Called when a target is added, goes down, comes back, or its capacity or
// flush mode changed (a re-IDENTIFY told).
using TargetListener = std::function<void(const TargetInfo&)>;

}  // namespace aoe
