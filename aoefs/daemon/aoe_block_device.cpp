#include "aoefs/daemon/aoe_block_device.hpp"

#include <algorithm>
#include <memory>

#include "blockdev/completion_join.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

AoeBlockDevice::AoeBlockDevice(aoe::Initiator& initiator, aoe::TargetAddress target,
                               std::uint64_t capacity_sectors)
    : initiator_(initiator), target_(target), capacity_sectors_(capacity_sectors) {}

void AoeBlockDevice::read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                          Done done) {
  initiator_.read(target_, lba, sectors, buffer, std::move(done));
}

void AoeBlockDevice::write(std::uint64_t lba, std::uint32_t sectors,
                           std::span<const std::uint8_t> buffer, Done done) {
  initiator_.write(target_, lba, sectors, buffer, std::move(done));
}

void AoeBlockDevice::flush(Done done) { initiator_.flush(target_, std::move(done)); }

// The initiator takes 32-bit sector counts: a larger range goes as several
// trims at once; the first error is reported when all have ended.
void AoeBlockDevice::discard(std::uint64_t lba, std::uint64_t sectors, Done done) {
  constexpr std::uint64_t kPiece = std::uint64_t{1} << 30;
  const auto pieces = static_cast<std::size_t>((sectors + kPiece - 1) / kPiece);
  if (pieces == 0) {
    initiator_.trim(target_, lba, 0, std::move(done));  // invalid_argument, deferred
    return;
  }
  struct State {
    State(std::size_t parts, Done d) : join(parts), done(std::move(d)) {}
    blockdev::CompletionJoin join;
    Done done;
  };
  auto state = std::make_shared<State>(pieces, std::move(done));
  for (std::uint64_t at = 0; at < sectors; at += kPiece) {
    const auto n = static_cast<std::uint32_t>(std::min(kPiece, sectors - at));
    initiator_.trim(target_, lba + at, n, [state](std::error_code ec) {
      if (auto result = state->join.end_part(ec)) state->done(*result);
    });
  }
}

}  // namespace aoefs
