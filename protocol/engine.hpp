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
//    or an ATA error (status ERR/DF). FLUSH CACHE EXT aborted (ABRT) is
//    retried as FLUSH CACHE, and the target remembered as not supporting it.
//  * A target is marked down when it has not answered anything for
//    dead_timeout since we first sent to it after its last answer (I/O or a
//    discovery broadcast on one of its interfaces); new operations on a down
//    target fail with target_down; any answer brings it back (re-IDENTIFY).
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
#include "protocol/initiator.hpp"
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

  void set_target_listener(Initiator::TargetListener listener) { listener_ = std::move(listener); }

  void start(TimePoint now);         // first discovery round, then periodic
  void discover_now(TimePoint now);  // a discovery round now
  void on_frame(std::size_t link, std::span<const std::uint8_t> frame, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_wakeup() const { return wakeup_; }

  void read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
            std::span<std::uint8_t> buffer, Initiator::Handler done, TimePoint now);
  void write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
             std::span<const std::uint8_t> buffer, Initiator::Handler done, TimePoint now);
  void flush(TargetAddress target, Initiator::Handler done, TimePoint now);
  void query_config(TargetAddress target, ConfigCommand command, std::string config,
                    Initiator::ConfigHandler done, TimePoint now);
  void mac_mask(TargetAddress target, MacMaskMessage request, Initiator::MaskHandler done,
                TimePoint now);
  void reserve(TargetAddress target, ReserveMessage request, Initiator::ReserveHandler done,
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
  enum class OpKind : std::uint8_t { read, write, flush, identify, config, mask, reserve };
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
    std::uint32_t offset = 0;        // sectors into the operation's buffer
    std::uint8_t sectors = 0;
    std::uint8_t ata_cmd = 0;
    std::uint8_t command = 0;        // AoE command
    bool write = false;
    unsigned path = 0;
    unsigned sends = 0;
    std::uint64_t seq = 0;           // target-wide send order of the current copy
    unsigned later_answers = 0;      // answers to copies sent after this one
    TimePoint first_sent{}, last_sent{}, retransmit_at{};
  };

  Target* find(TargetAddress address);
  const Target* find(TargetAddress address) const;
  // Validates and enqueues; completes at once (deferred) when it cannot start.
  void submit(TargetAddress address, std::unique_ptr<Op> op, TimePoint now);
  void pump(Target& t, TimePoint now);
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
  void handle_discovery(std::size_t link, const Frame& frame, TimePoint now);
  void heard_from(Target& t, TimePoint now);
  void mark_down(Target& t);
  void queue_identify(Target& t, TimePoint now);
  void refresh_limits(Target& t);
  void notify(const Target& t);
  void want_wakeup(TimePoint t) {
    if (t < wakeup_) wakeup_ = t;
  }
  Duration dead_timeout() const { return config_.options.dead_timeout; }

  std::vector<Link*> links_;
  EngineConfig config_;
  Defer defer_;
  Initiator::TargetListener listener_;
  TagTable<PendingFrame> tags_;
  std::map<TargetAddress, std::unique_ptr<Target>> targets_;
  std::vector<std::optional<std::uint16_t>> discovery_slot_;  // per link
  std::vector<std::uint8_t> scratch_;                          // one encoded frame
  unsigned startup_rounds_ = 0;
  LinkStats link_stats_;
  TimePoint next_discovery_ = TimePoint::max();
  TimePoint wakeup_ = TimePoint::max();
  TimePoint now_{};  // the latest `now` passed in: when finish() runs, for latency
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace aoe
