// Private to the engine's .cpp files: the state of operations and targets.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <utility>
#include <vector>

#include "protocol/codec/ata.hpp"
#include "protocol/content_check.hpp"
#include "protocol/engine.hpp"

namespace aoe {

// Every kind of operation is one struct below, with its payload, its
// handler and its rules; the engine reaches them only through Op's four
// dispatchers (fields, encode, on_answer, fail: engine_ops.cpp). A new AoE
// command is one struct here, its entry in OpKind and Op::Body (same order:
// kind() relies on it), and its codec. Each struct provides:
//   FrameFields fields(const Target&) const
//       the AoE command, ATA command and sub-command its frames carry;
//   std::span<const std::uint8_t> encode(Engine&, const PendingFrame&, Frame&) const
//       sets the frame's body; returns a write's data, which the link sends
//       from where it is (empty: the body is encoded whole);
//   void on_answer(Engine&, Target&, Op&, const PendingFrame&, const Frame&)
//       an answer without an AoE error, accepted by the answer check, to
//       one of its frames (already retired): progress, or finish();
//   void fail(std::error_code)
//       runs the handler, if it still holds it, with an error.
struct Engine::FrameFields {
  Command command = Command::ata;
  std::uint8_t ata_cmd = 0;
  std::uint8_t subcommand = 0;
};

struct Engine::ReadOp {
  std::uint8_t* buffer = nullptr;
  Handler done;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec);
  }
};
struct Engine::WriteOp {
  const std::uint8_t* buffer = nullptr;
  Handler done;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec);
  }
};
struct Engine::FlushOp {
  std::uint8_t ata_cmd = 0;  // chosen when it is issued
  Handler done;
  // The engine's own flush after the first IDENTIFY (engine_flush.cpp,
  // probe_flush): no handler; its answer only sets the mode, and neither
  // its failure nor its timing is counted.
  bool probe = false;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec);
  }
};
struct Engine::IdentifyOp {  // internal: no handler
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code) {}
};
struct Engine::ConfigOp {
  ConfigCommand command = ConfigCommand::read;
  std::string config;
  ConfigHandler done;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec, ConfigReply{});
  }
};
struct Engine::MaskOp {
  MacMaskMessage request;
  MaskHandler done;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec, MacMaskMessage{});
  }
};
struct Engine::ReserveOp {
  ReserveMessage request;
  ReserveHandler done;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec, ReserveMessage{});
  }
};
// DATA SET MANAGEMENT TRIM (engine_trim.cpp): a frame's `offset` is the
// sectors its ranges cover, its `sectors` the payload blocks.
struct Engine::TrimOp {
  Handler done;
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec) {
    if (done) done(ec);
  }
};

struct Engine::Op {
  using Body =
      std::variant<ReadOp, WriteOp, FlushOp, IdentifyOp, ConfigOp, MaskOp, ReserveOp, TrimOp>;
  explicit Op(Body b) : body(std::move(b)) {}

  Body body;
  TimePoint deadline{};
  TimePoint submitted{};   // for the latency histograms
  TimePoint first_sent{};  // its first frame's (request_stages.hpp)
  std::uint64_t lba = 0;   // reads, writes and trims
  std::uint32_t sectors = 0;
  std::uint32_t issued = 0;    // sectors handed to frames
  std::uint32_t answered = 0;  // sectors acknowledged
  unsigned in_flight = 0;      // frames
  bool started = false;
  bool queued = false;
  bool finished = false;
  std::list<std::unique_ptr<Op>>::iterator self;

  OpKind kind() const { return static_cast<OpKind>(body.index()); }
  // The four dispatchers: one visit each (engine_ops.cpp).
  FrameFields fields(const Target& t) const;
  std::span<const std::uint8_t> encode(Engine& e, const PendingFrame& f, Frame& frame) const;
  void on_answer(Engine& e, Target& t, const PendingFrame& f, const Frame& frame);
  void fail(std::error_code ec);
  bool is_data() const { return kind() == OpKind::read || kind() == OpKind::write; }
  // IDENTIFY, Query Config, MAC Mask, Reserve/Release: one frame each,
  // outside the data window (engine.hpp, "Control commands").
  bool is_control() const { return is_control_kind(kind()); }
  // The engine's own: an IDENTIFY or the flush probe (not counted in errors).
  bool internal() const {
    const auto* flush = std::get_if<FlushOp>(&body);
    return kind() == OpKind::identify || (flush && flush->probe);
  }
  // Operations a caller counts as requests (stats.requests).
  bool is_request() const { return is_data() || kind() == OpKind::flush || kind() == OpKind::trim; }
};

struct Engine::Target {
  TargetInfo info;
  PathSet ports;
  std::vector<std::uint16_t> probes;  // tag slots of probes in flight (IDENTIFY, content reads)
  std::optional<ContentCheck> check;  // at most one at a time (content_check.hpp)
  TimePoint next_recheck{};           // of a path, while there are several
  unsigned recheck_rotor = 0;
  std::uint64_t media_changes = 0;  // write and trim frames sent (first copies)
  bool identified = false;          // IDENTIFY completed at least once
  bool config_heard = false;        // a solicited Query Config answer came
  TimePoint evict_at{};             // unidentified: when it leaves the table
  bool over_cap = false;            // identified past max_targets: leaves, refused
  bool identify_pending = false;
  TimePoint identify_sent{};  // when the last IDENTIFY was queued
  bool down = false;
  bool flush_ext_aborts = false;  // FLUSH CACHE EXT answered ABRT once
  bool flush_e7_aborts = false;   // FLUSH CACHE answered ABRT, not advertised
  bool flush_advertised = false;  // IDENTIFY: FLUSH CACHE (E7h) supported
  bool flush_probed = false;      // the flush probe was queued (once per target)
  bool flush_probe_pending = false;
  RttEstimator rtt;
  CongestionWindow window;
  WriteGuard guard;
  std::deque<Op*> queue;                 // data operations (and flushes) with frames to send
  std::deque<Op*> control_queue;         // control commands not yet sent
  std::list<std::unique_ptr<Op>> ops;    // every unfinished operation
  std::vector<std::uint16_t> in_flight;  // tag slots of data frames: the window's
  std::vector<std::uint16_t> control_in_flight;  // tag slots of control commands
  TargetStats stats;
  std::optional<TimePoint> unanswered_since;
  std::uint64_t send_seq = 0;
  std::uint8_t advertised_spf = 0;  // Query Config sector count
  std::uint64_t answers = 0;        // frames answered, in arrival order
  unsigned reorder_threshold = Engine::kFastRetransmitAnswers;
  std::uint64_t reorder_checked_at = 0;  // `answers` at the last raise or decay
  TimePoint last_answer{};
  Duration per_frame{0};  // the target's service time per frame
  AnswerEcho echo;        // what its answers return of the request (answer_check.hpp)

  // Sectors addressable with the target's command set: its capacity, cut
  // to what LBA28 or LBA48 can name.
  std::uint64_t lba_limit() const {
    return std::min<std::uint64_t>(info.capacity_sectors, (info.lba48 ? kMaxLba48 : kMaxLba28) + 1);
  }
  bool in_range(std::uint64_t lba, std::uint32_t sectors) const {
    const std::uint64_t limit = lba_limit();
    return lba <= limit && sectors <= limit - lba;
  }
};

}  // namespace aoe
