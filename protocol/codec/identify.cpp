// parse_identify(): see identify.hpp for the word layout.
#include "protocol/codec/identify.hpp"

#include "protocol/codec/ata.hpp"

#include "protocol/codec/byte_order.hpp"
#include "protocol/codec/identify_strings.hpp"

namespace aoe {
namespace {

using Page = std::span<const std::uint8_t>;

std::uint16_t word(Page page, std::size_t w) { return wire::load_le16(&page[2 * w]); }

constexpr std::uint16_t kW83Lba48 = 1u << 10;
constexpr std::uint16_t kW83FlushCache = 1u << 12;
constexpr std::uint16_t kW83FlushCacheExt = 1u << 13;
constexpr std::uint16_t kW82WriteCache = 1u << 5;

}  // namespace

Result<IdentifyInfo> parse_identify(Page page) {
  if (page.size() < kIdentifySize)
    return DecodeError{DecodeErrc::truncated, "identify: fewer than 512 bytes"};
  IdentifyInfo info;
  const IdentifyStringOrder order = identify_string_order(page);
  info.strings_unswapped = order == IdentifyStringOrder::unswapped;
  info.serial = identify_string(page, 10, 10, order);
  info.firmware = identify_string(page, 23, 4, order);
  info.model = identify_string(page, 27, 20, order);
  info.lba28_sectors = wire::load_le(&page[2 * 60], 4);
  info.lba48_sectors = wire::load_le(&page[2 * 100], 8);
  const std::uint16_t w83 = word(page, 83);
  info.lba48 = w83 & kW83Lba48;
  const std::uint16_t w82 = word(page, 82), w85 = word(page, 85), w86 = word(page, 86);
  info.write_cache_reported = w82 != 0 && w82 != 0xffff;
  info.write_cache_supported = info.write_cache_reported && (w82 & kW82WriteCache);
  info.write_cache_enabled = info.write_cache_supported && (w85 & kW82WriteCache);
  info.flush_cache = (w83 | w86) & kW83FlushCache;
  info.flush_cache_ext = (w83 | w86) & kW83FlushCacheExt;
  info.trim = word(page, 169) & 0x0001;
  info.trim_max_blocks = word(page, 105);
  // ATA addresses 48 bits: a larger count is garbage (a hostile or broken
  // target), and as bytes it could overflow the file size.
  if (info.lba48 && info.lba48_sectors > kMaxLba48 + 1)
    return DecodeError{DecodeErrc::field_out_of_range,
                       "identify: LBA48 capacity exceeds 2^48 sectors"};
  return info;
}

}  // namespace aoe
