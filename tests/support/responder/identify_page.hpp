// An IDENTIFY DEVICE page being written: 256 little-endian words of which a
// target fills the ones it reports (ATA-8 ACS; what the initiator reads of
// them: protocol/codec/identify.hpp). Unwritten words stay 0.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/codec/identify.hpp"

namespace aoetest {

class IdentifyPage {
 public:
  // ATA strings hold two characters per word, the first in the high byte;
  // `unswapped` puts it in the low byte and pads with NULs: a plain C
  // string, as the older target of issue 30 writes them.
  enum class StringOrder { ata, unswapped };

  void word(unsigned index, std::uint16_t value);
  // `text` over `words` words from `first`: cut to fit, padded with spaces
  // (unswapped: NULs).
  void text(unsigned first, unsigned words, std::string_view text,
            StringOrder order = StringOrder::ata);
  // Words 60-61: the capacity, 0FFFFFFFh when it takes more than LBA28.
  void lba28_capacity(std::uint64_t sectors);
  // Words 100-103: the capacity in LBA48.
  void lba48_capacity(std::uint64_t sectors);
  // Word 255: signature A5h and the checksum byte that makes all 512 bytes
  // sum to 0 (mod 256). Written last: it covers every other word.
  void seal();

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_ = std::vector<std::uint8_t>(aoe::kIdentifySize, 0);
};

}  // namespace aoetest
