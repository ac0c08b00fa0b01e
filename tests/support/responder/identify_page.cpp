#include "support/responder/identify_page.hpp"

#include <algorithm>

#include "protocol/codec/ata.hpp"

namespace aoetest {

void IdentifyPage::word(unsigned index, std::uint16_t value) {
  bytes_[2 * index] = static_cast<std::uint8_t>(value);
  bytes_[2 * index + 1] = static_cast<std::uint8_t>(value >> 8);
}

void IdentifyPage::text(unsigned first, unsigned words, std::string_view text, StringOrder order) {
  const unsigned swap = order == StringOrder::ata ? 1 : 0;
  const char pad = order == StringOrder::ata ? ' ' : '\0';
  for (unsigned i = 0; i < 2 * words; ++i) {
    const char c = i < text.size() ? text[i] : pad;
    bytes_[2 * first + (i ^ swap)] = static_cast<std::uint8_t>(c);
  }
}

void IdentifyPage::lba28_capacity(std::uint64_t sectors) {
  const std::uint64_t lba28 = std::min<std::uint64_t>(sectors, aoe::kMaxLba28);
  word(60, static_cast<std::uint16_t>(lba28));
  word(61, static_cast<std::uint16_t>(lba28 >> 16));
}

void IdentifyPage::lba48_capacity(std::uint64_t sectors) {
  for (unsigned i = 0; i < 4; ++i) word(100 + i, static_cast<std::uint16_t>(sectors >> (16 * i)));
}

void IdentifyPage::seal() {
  bytes_[510] = 0xa5;
  unsigned sum = 0;
  for (std::size_t i = 0; i < 511; ++i) sum += bytes_[i];
  bytes_[511] = static_cast<std::uint8_t>(-sum);
}

}  // namespace aoetest
