// AoeBlockDevice: one AoE target seen through the initiator as a
// blockdev::BlockDevice — the per-target data path of the mount. A cache
// (cache/) can wrap it without the filesystem noticing.
//
// Contract: the initiator must outlive every operation (the daemon shuts it
// down, which completes pending ones with `cancelled`, before destroying
// it). Completions come from the initiator's io thread; errors pass through
// unchanged (timeouts after the dead timeout, AoE and ATA errors).
// The capacity follows the target (set_capacity, from the target listener),
// so every open file sees a resize at once.
#pragma once

#include <atomic>

#include "blockdev/block_device.hpp"
#include "protocol/codec/header.hpp"

namespace aoe {
class Initiator;
}

namespace aoefs {

class AoeBlockDevice final : public blockdev::BlockDevice {
 public:
  AoeBlockDevice(aoe::Initiator& initiator, aoe::TargetAddress target,
                 std::uint64_t capacity_sectors);

  std::uint64_t size_sectors() const override { return capacity_sectors_.load(); }
  void set_capacity(std::uint64_t sectors) { capacity_sectors_.store(sectors); }
  void read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
            Done done) override;
  void write(std::uint64_t lba, std::uint32_t sectors, std::span<const std::uint8_t> buffer,
             Done done) override;
  void flush(Done done) override;
  // Capabilities: discard (TRIM) when the target's IDENTIFY offers it
  // (set_can_discard, from the target listener); no read-ahead of its own.
  blockdev::Capabilities capabilities() const override { return {.discard = can_discard_.load()}; }
  void set_can_discard(bool on) { can_discard_.store(on); }
  void discard(std::uint64_t lba, std::uint64_t sectors, Done done) override;

  aoe::TargetAddress target() const { return target_; }

 private:
  aoe::Initiator& initiator_;
  const aoe::TargetAddress target_;
  std::atomic<std::uint64_t> capacity_sectors_;
  std::atomic<bool> can_discard_{false};
};

}  // namespace aoefs
