// Private to the engine's .cpp files: the state of operations and targets.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/engine.hpp"

namespace aoe {

struct Engine::Op {
  OpKind kind = OpKind::read;
  TimePoint deadline{};
  TimePoint submitted{};        // for the latency histograms
  std::uint64_t lba = 0;
  std::uint32_t sectors = 0;
  std::uint8_t* read_buffer = nullptr;
  const std::uint8_t* write_buffer = nullptr;
  std::uint32_t issued = 0;     // sectors handed to frames
  std::uint32_t answered = 0;   // sectors acknowledged
  unsigned in_flight = 0;       // frames
  bool started = false;
  bool queued = false;
  bool finished = false;
  std::uint8_t ata_cmd = 0;     // single-frame ATA operations (identify, flush)
  ConfigCommand config_command = ConfigCommand::read;
  std::string config;
  MacMaskMessage mask;
  ReserveMessage reserve;
  Initiator::Handler done;
  Initiator::ConfigHandler config_done;
  Initiator::MaskHandler mask_done;
  Initiator::ReserveHandler reserve_done;
  std::list<std::unique_ptr<Op>>::iterator self;
};

struct Engine::Target {
  TargetInfo info;
  std::vector<Path> paths;
  bool identified = false;         // IDENTIFY completed at least once
  bool identify_pending = false;
  bool down = false;
  bool flush_ext_aborts = false;   // FLUSH CACHE EXT answered ABRT once
  RttEstimator rtt;
  CongestionWindow window;
  WriteGuard guard;
  std::deque<Op*> queue;                    // operations with frames still to send
  std::list<std::unique_ptr<Op>> ops;       // every unfinished operation
  std::vector<std::uint16_t> in_flight;     // tag slots
  TargetStats stats;
  std::optional<TimePoint> unanswered_since;
  unsigned next_path = 0;
  std::uint64_t send_seq = 0;
};

}  // namespace aoe
