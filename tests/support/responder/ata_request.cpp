#include "support/responder/ata_request.hpp"

namespace aoetest {

std::optional<DataTransfer> data_transfer(const aoe::AtaMessage& request) {
  using namespace aoe::ata_cmd;
  const std::uint8_t cmd = request.cmd_status;
  if (cmd != read_sectors && cmd != read_sectors_ext && cmd != write_sectors &&
      cmd != write_sectors_ext)
    return std::nullopt;
  const bool lba28 = cmd == read_sectors || cmd == write_sectors;
  return DataTransfer{lba28 ? request.lba & aoe::kMaxLba28 : request.lba, request.sector_count,
                      cmd == write_sectors || cmd == write_sectors_ext};
}

std::vector<TrimRange> trim_ranges(std::span<const std::uint8_t> payload) {
  std::vector<TrimRange> ranges;
  for (std::size_t off = 0; off + 8 <= payload.size(); off += 8) {
    std::uint64_t entry = 0;
    for (std::size_t i = 8; i-- > 0;) entry = entry << 8 | payload[off + i];
    const auto count = static_cast<unsigned>(entry >> 48);
    if (count != 0) ranges.push_back({entry & aoe::kMaxLba48, count});
  }
  return ranges;
}

}  // namespace aoetest
