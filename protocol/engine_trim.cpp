// Engine: DATA SET MANAGEMENT TRIM (engine.hpp, "Trim").
#include "protocol/engine.hpp"

#include <algorithm>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/engine_state.hpp"

namespace aoe {

namespace {

constexpr std::uint32_t kRangesPerBlock = kSectorSize / 8;
constexpr std::uint32_t kMaxRangeSectors = 0xffff;

}  // namespace

void Engine::trim(TargetAddress target, std::uint64_t lba, std::uint32_t sectors, Handler done,
                  TimePoint now) {
  auto op = std::make_unique<Op>(TrimOp{std::move(done)});
  op->lba = lba;
  op->sectors = sectors;
  if (Target* t = find(target)) ++t->stats.trims;
  submit(target, std::move(op), now);
}

// Carves the head trim into one frame; false when it must wait. A trim needs
// IDENTIFY (does the target have TRIM? how big is it?) and waits for writes
// in flight over its next frame's sectors, and for their quarantine.
bool Engine::pump_trim(Target& t, Op& op, TimePoint now) {
  if (!t.identified) return false;
  if (!op.started) {
    if (op.sectors == 0) {
      finish(t, op, InitiatorErrc::invalid_argument);
      return true;
    }
    if (!t.info.trim) {
      finish(t, op, InitiatorErrc::not_supported);
      return true;
    }
    if (!t.in_range(op.lba, op.sectors)) {
      finish(t, op, InitiatorErrc::out_of_range);
      return true;
    }
    op.started = true;
  }
  unsigned blocks = std::max<unsigned>(1, t.info.sectors_per_frame);
  if (t.info.trim_max_blocks) blocks = std::min<unsigned>(blocks, t.info.trim_max_blocks);
  const std::uint64_t per_frame = std::uint64_t{blocks} * kRangesPerBlock * kMaxRangeSectors;
  const auto n =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(per_frame, op.sectors - op.issued));
  const std::uint64_t lba = op.lba + op.issued;
  if (overlaps_write_in_flight(t, lba, n)) return false;
  if (config_.stale_write_guard) {
    if (auto until = t.guard.blocked_until(lba, n, now)) {
      want_wakeup(*until);
      return false;
    }
  }
  const std::uint32_t ranges = (n + kMaxRangeSectors - 1) / kMaxRangeSectors;
  const auto payload_blocks =
      static_cast<std::uint8_t>((ranges + kRangesPerBlock - 1) / kRangesPerBlock);
  op.issued += n;
  if (op.issued == op.sectors) {
    t.queue.pop_front();
    op.queued = false;
  }
  issue(t, op, lba, n, payload_blocks, now);
  return true;
}

// The frame's ranges: [lba, lba + offset) in pieces of at most 65535
// sectors, each entry little-endian (bits 47:0 LBA, 63:48 length); unused
// entries are zero (length 0 is ignored by the target).
std::span<const std::uint8_t> Engine::trim_payload(const PendingFrame& f) {
  const std::size_t bytes = std::size_t{f.sectors} * kSectorSize;
  trim_scratch_.assign(bytes, 0);
  std::uint64_t lba = f.lba;
  std::uint64_t left = f.offset;
  for (std::size_t e = 0; left > 0 && (e + 1) * 8 <= bytes; ++e) {
    const std::uint64_t len = std::min<std::uint64_t>(left, kMaxRangeSectors);
    const std::uint64_t entry = (len << 48) | (lba & kMaxLba48);
    for (int i = 0; i < 8; ++i)
      trim_scratch_[e * 8 + i] = static_cast<std::uint8_t>(entry >> (8 * i));
    lba += len;
    left -= len;
  }
  return trim_scratch_;
}

}  // namespace aoe
