// The protocol core of the initiator, without sockets, threads or timers.
//
// Engine holds every target's session — discovery facts, the window, the tag
// table, the RTT estimator, retransmission deadlines, the stale-write guard,
// queued and running operations — and is driven from outside:
//   on_frame(link, bytes, now)   a frame arrived on links[link]
//   on_timer(now)                time passed; do whatever is due
//   read()/write()/... (now)     start an operation
// and it acts only through Link::send() and the `defer` callback, which must
// run the given completion later, never inline (initiator.cpp posts it to the
// io_context; tests queue it). next_wakeup() says when on_timer() is due next
// (it may be called earlier; never later, or retransmissions are late).
// Every call passes `now`, so unit tests drive it with a manual clock.
//
// Not thread-safe: one thread (the io thread) calls it. initiator.cpp wraps
// it with Asio and a mutex.
//
// Per-target rules (see also rtt_estimator.hpp, congestion_window.hpp,
// tag_table.hpp, write_guard.hpp):
//  * Operations queue in FIFO order; frames are carved from the head
//    operation while fewer than window() frames are in flight. Reads and
//    writes go in frames of at most the target's sectors per frame (min of
//    its Query Config sector count and what each path's MTU carries).
//  * A frame unanswered after the RTO (with exponential backoff) is sent
//    again with a fresh tag on the next path (round robin over the target's
//    paths), and the window halves (AIMD).
//  * Fast retransmit: when kFastRetransmitAnswers frames sent after a frame
//    were answered while it was not, it is taken as lost and sent again at
//    once (as TCP does on three duplicate ACKs). Targets like vblade serve
//    requests in order, so on a LAN this finds a loss within a few frame
//    times instead of an RTO (>= 20 ms) — under 5 % loss that is the
//    difference between a few MB/s and near line rate. A target that
//    reorders more than that costs a spurious duplicate, which the
//    stale-write guard makes harmless. With fewer than four frames in
//    flight the threshold drops to what is possible (RFC 5827 style).
//  * Discovery after start() is repeated after 250 ms, 1 s and 3 s (then
//    every discovery_interval), so one lost broadcast does not hide a target
//    for a whole interval.
//  * An operation fails with InitiatorErrc::timeout when dead_timeout passed
//    since it was started without completing; at once on an AoE error answer
//    or an ATA error (status ERR/DF; for flushes see below).
//  * Flush: a flush waits until every write frame in flight before it is
//    acknowledged (it covers them), then acts by TargetInfo::flush_mode,
//    set from IDENTIFY words 82-87: a write cache reported absent or
//    disabled (word 82 bit 5 / word 85 bit 5; a word 82 of 0 or FFFFh
//    reports nothing) is `none (no write cache)`: no frame, the writes'
//    acknowledgements are the durability. Else FLUSH CACHE EXT when word
//    83/86 bit 13 says so (`ext`), else FLUSH CACHE E7h (`28`) — also when
//    no flush is advertised: it is tried. EXT aborted (ABRT, as vblade does)
//    is retried as E7h and the target remembered as `28`. E7h aborted on a
//    target that does not advertise it (word 83/86 bit 12) means it has none:
//    success, and `none (write cache on: data at risk)` from then on, with no
//    frame. A flush answer with ERR clear and error register 0 is success
//    whatever the status (a target echoing EAh sets BSY/DF;
//    stats.flush_odd_status counts them); ERR or a non-zero error register
//    is an error. A mode change reaches the target listener once.
//  * A target is marked down when it has not answered anything for
//    dead_timeout since we first sent to it after its last answer (I/O or a
//    discovery broadcast on one of its interfaces); new operations on a down
//    target fail with target_down; any answer brings it back (re-IDENTIFY).
//  * Trim: DATA SET MANAGEMENT (06h, feature 1, LBA48 form) when IDENTIFY
//    word 169 bit 0 says the target has it, else not_supported without a
//    frame. Each frame carries up to min(sectors per frame, word 105) blocks
//    of 64 ranges (48-bit LBA + 16-bit length, at most 65535 sectors each),
//    so one frame covers up to blocks * 64 * 65535 sectors; the sector count
//    field is the number of payload blocks. Trim frames are ordered with
//    writes (they wait for overlapping ones and are quarantined like them),
//    and a flush covers them.
//  * Live resize: a target is IDENTIFIed again when it comes back, when it
//    announces itself (the version-0 Query Config answer vblade broadcasts
//    at start; LinkStats::announcements counts them), and at a discovery
//    answer once options.identify_interval passed since its last IDENTIFY.
//    A changed capacity reaches the target listener once; from then on
//    operations past the new end fail with out_of_range without a frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/clock.hpp"
#include "protocol/congestion_window.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/initiator_types.hpp"
#include "protocol/link.hpp"
#include "protocol/rtt_estimator.hpp"
#include "protocol/tag_table.hpp"
#include "protocol/write_guard.hpp"

namespace aoe {

struct EngineConfig {
  InitiatorOptions options;
  RttLimits rtt;
  // Off only in the test that shows what the guard prevents.
  bool stale_write_guard = true;
};

class Engine {
 public:
  static constexpr unsigned kFastRetransmitAnswers = 3;
  // New frames avoid a path after this many misses in a row while another
  // path is healthy (a pulled cable would otherwise cost every other frame
  // an RTO). Retransmissions still rotate over all paths, so a path that
  // comes back is noticed.
  static constexpr unsigned kPathMisses = 3;

  using Defer = std::function<void(std::function<void()>)>;

  // `links` must outlive the engine; their receivers are wired by the caller.
  Engine(std::vector<Link*> links, EngineConfig config, Defer defer);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void set_target_listener(TargetListener listener) { listener_ = std::move(listener); }

  void start(TimePoint now);         // first discovery round, then periodic
  void discover_now(TimePoint now);  // a discovery round now
  void on_frame(std::size_t link, std::span<const std::uint8_t> frame, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_wakeup() const { return wakeup_; }

  void read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
            std::span<std::uint8_t> buffer, Handler done, TimePoint now);
  void write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
             std::span<const std::uint8_t> buffer, Handler done, TimePoint now);
  void flush(TargetAddress target, Handler done, TimePoint now);
  // DATA SET MANAGEMENT TRIM of [lba, lba+sectors) (see "Trim").
  void trim(TargetAddress target, std::uint64_t lba, std::uint32_t sectors, Handler done,
            TimePoint now);
  void query_config(TargetAddress target, ConfigCommand command, std::string config,
                    ConfigHandler done, TimePoint now);
  void mac_mask(TargetAddress target, MacMaskMessage request, MaskHandler done,
                TimePoint now);
  void reserve(TargetAddress target, ReserveMessage request, ReserveHandler done,
               TimePoint now);

  // Every pending operation completes with `cancelled`; later calls too.
  void shutdown();
  bool is_shut_down() const { return shut_down_; }
  bool is_started() const { return started_; }

  // Targets that answered discovery but whose IDENTIFY has not completed.
  std::size_t identifying() const;

  std::vector<TargetInfo> targets() const;
  std::optional<TargetInfo> target(TargetAddress address) const;
  std::optional<TargetStats> stats(TargetAddress address) const;
  LinkStats link_stats() const { return link_stats_; }
  std::vector<MacAddress> local_macs() const;

 private:
  enum class OpKind : std::uint8_t { read, write, flush, identify, config, mask, reserve, trim };
  struct ReadOp;
  struct WriteOp;
  struct FlushOp;
  struct IdentifyOp;
  struct ConfigOp;
  struct MaskOp;
  struct ReserveOp;
  struct TrimOp;
  struct Op;
  struct Target;
  struct Path {
    std::size_t link;
    MacAddress mac;
    unsigned misses = 0;  // retransmissions since this path last delivered an answer
  };
  struct PendingFrame {
    bool discovery = false;
    std::size_t link = 0;            // discovery: the link broadcast on
    Target* target = nullptr;
    Op* op = nullptr;
    std::uint64_t lba = 0;
    std::uint32_t offset = 0;        // sectors into the operation's buffer (trim: sectors its
                                     // ranges cover, from lba)
    std::uint8_t sectors = 0;
    std::uint8_t ata_cmd = 0;
    std::uint8_t command = 0;        // AoE command
    bool write = false;
    bool trim = false;               // sectors = payload blocks
    unsigned path = 0;
    unsigned sends = 0;
    std::uint64_t seq = 0;           // target-wide send order of the current copy
    unsigned later_answers = 0;      // answers to copies sent after this one
    TimePoint first_sent{}, last_sent{}, retransmit_at{};
    // Writes and trims change the media: ordered, quarantined, covered by flushes.
    bool changes_media() const { return write || trim; }
    std::uint32_t media_sectors() const { return trim ? offset : sectors; }
  };

  Target* find(TargetAddress address);
  const Target* find(TargetAddress address) const;
  // Validates and enqueues; completes at once (deferred) when it cannot start.
  void submit(TargetAddress address, std::unique_ptr<Op> op, TimePoint now);
  void pump(Target& t, TimePoint now);
  bool write_in_flight(const Target& t) const;
  bool overlaps_write_in_flight(const Target& t, std::uint64_t lba, std::uint32_t sectors) const;
  void issue(Target& t, Op& op, std::uint64_t lba, std::uint32_t offset, std::uint8_t sectors,
             TimePoint now);
  void transmit(std::uint16_t slot, TimePoint now);
  std::size_t padded(std::size_t encoded);
  void retransmit(std::uint16_t slot, TimePoint now);
  void finish(Target& t, Op& op, std::error_code ec);
  void complete(std::unique_ptr<Op> op, std::error_code ec);
  void retire_frame(Target& t, std::uint16_t slot, bool answered);
  void handle_answer(std::uint16_t slot, const Frame& frame, TimePoint now);
  void handle_ata_answer(Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void handle_flush_answer(Target& t, Op& op, const PendingFrame& f, const AtaMessage& ata);
  void set_flush_mode(Target& t, FlushMode mode);
  void handle_discovery(std::size_t link, const Frame& frame, TimePoint now, bool announced = false);
  void handle_announcement(std::size_t link, std::span<const std::uint8_t> bytes, TimePoint now);
  bool identify_due(const Target& t, TimePoint now, bool announced) const;
  void heard_from(Target& t, TimePoint now);
  void mark_down(Target& t);
  void queue_identify(Target& t, TimePoint now);
  void refresh_limits(Target& t);
  bool pump_trim(Target& t, Op& op, TimePoint now);
  std::span<const std::uint8_t> trim_payload(const PendingFrame& f);
  void notify(const Target& t);
  void want_wakeup(TimePoint t) {
    if (t < wakeup_) wakeup_ = t;
  }
  Duration dead_timeout() const { return config_.options.dead_timeout; }

  std::vector<Link*> links_;
  EngineConfig config_;
  Defer defer_;
  TargetListener listener_;
  TagTable<PendingFrame> tags_;
  std::map<TargetAddress, std::unique_ptr<Target>> targets_;
  std::vector<std::optional<std::uint16_t>> discovery_slot_;  // per link
  std::vector<std::uint8_t> scratch_;                          // one encoded frame
  std::vector<std::uint8_t> trim_scratch_;                     // one frame's TRIM ranges
  unsigned startup_rounds_ = 0;
  LinkStats link_stats_;
  TimePoint next_discovery_ = TimePoint::max();
  TimePoint wakeup_ = TimePoint::max();
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace aoe
