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
#include "protocol/engine.hpp"

namespace aoe {

// One alternative per kind of operation, each with only its own payload and
// handler; the order is OpKind's (kind() relies on it).
struct Engine::ReadOp {
  std::uint8_t* buffer = nullptr;
  Handler done;
};
struct Engine::WriteOp {
  const std::uint8_t* buffer = nullptr;
  Handler done;
};
struct Engine::FlushOp {
  std::uint8_t ata_cmd = 0;  // chosen when it is issued
  Handler done;
};
struct Engine::IdentifyOp {};  // internal: no handler
struct Engine::ConfigOp {
  ConfigCommand command = ConfigCommand::read;
  std::string config;
  ConfigHandler done;
};
struct Engine::MaskOp {
  MacMaskMessage request;
  MaskHandler done;
};
struct Engine::ReserveOp {
  ReserveMessage request;
  ReserveHandler done;
};

struct Engine::TrimOp {
  Handler done;
};

struct Engine::Op {
  using Body =
      std::variant<ReadOp, WriteOp, FlushOp, IdentifyOp, ConfigOp, MaskOp, ReserveOp, TrimOp>;
  explicit Op(Body b) : body(std::move(b)) {}

  Body body;
  TimePoint deadline{};
  TimePoint submitted{};  // for the latency histograms
  std::uint64_t lba = 0;  // reads, writes and trims
  std::uint32_t sectors = 0;
  std::uint32_t issued = 0;    // sectors handed to frames
  std::uint32_t answered = 0;  // sectors acknowledged
  unsigned in_flight = 0;      // frames
  bool started = false;
  bool queued = false;
  bool finished = false;
  std::list<std::unique_ptr<Op>>::iterator self;

  OpKind kind() const { return static_cast<OpKind>(body.index()); }
  bool is_data() const { return kind() == OpKind::read || kind() == OpKind::write; }
  // Operations a caller counts as requests (stats.requests).
  bool is_request() const { return is_data() || kind() == OpKind::flush || kind() == OpKind::trim; }
};

// A port that claimed the target's address but is not (yet) a path.
struct Engine::Candidate {
  std::size_t link = 0;
  MacAddress mac;
  TimePoint first_seen{}, last_heard{}, next_probe{};
  unsigned probes = 0;
  bool conflict = false;  // its IDENTIFY described another disk
  TargetConflict seen;    // what that IDENTIFY said
};

struct Engine::Target {
  TargetInfo info;
  std::vector<Path> paths;            // confirmed: the only ports used for I/O
  std::vector<Candidate> candidates;  // unconfirmed and conflicting ports
  // Ports dropped for silence, ignored until the given time (a port that
  // answers IDENTIFY but no I/O would otherwise be confirmed again at once).
  std::vector<std::pair<Path, TimePoint>> benched;
  std::vector<std::uint16_t> probes;  // tag slots of IDENTIFY probes in flight
  bool identified = false;            // IDENTIFY completed at least once
  bool identify_pending = false;
  TimePoint identify_sent{};  // when the last IDENTIFY was queued
  bool down = false;
  bool flush_ext_aborts = false;  // FLUSH CACHE EXT answered ABRT once
  bool flush_e7_aborts = false;   // FLUSH CACHE answered ABRT, not advertised
  bool flush_advertised = false;  // IDENTIFY: FLUSH CACHE (E7h) supported
  RttEstimator rtt;
  CongestionWindow window;
  WriteGuard guard;
  std::deque<Op*> queue;                 // operations with frames still to send
  std::list<std::unique_ptr<Op>> ops;    // every unfinished operation
  std::vector<std::uint16_t> in_flight;  // tag slots
  TargetStats stats;
  std::optional<TimePoint> unanswered_since;
  unsigned next_path = 0;
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
