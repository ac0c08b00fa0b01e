#include "aoefs/aoe_block_device.hpp"

#include "protocol/initiator.hpp"

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

}  // namespace aoefs
