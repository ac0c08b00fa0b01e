// IDENTIFY string byte order: see identify_strings.hpp.
#include "protocol/codec/identify_strings.hpp"

#include <array>
#include <vector>

namespace aoe {
namespace {

bool padding(std::uint8_t c) { return c == ' ' || c == '\0'; }
bool printable(std::uint8_t c) { return c >= 0x20 && c <= 0x7e; }

// The field's bytes in reading order.
std::vector<std::uint8_t> field(std::span<const std::uint8_t> page, std::size_t first,
                                std::size_t words, IdentifyStringOrder order) {
  const std::size_t swap = order == IdentifyStringOrder::ata ? 1 : 0;
  std::vector<std::uint8_t> out(2 * words);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = page[2 * first + (i ^ swap)];
  return out;
}

struct Field {
  std::size_t first, words;
};
constexpr std::array<Field, 3> kFields = {{{10, 10}, {23, 4}, {27, 20}}};

}  // namespace

unsigned string_oddity(std::span<const std::uint8_t> bytes) {
  std::size_t begin = 0, end = bytes.size();
  while (end > 0 && padding(bytes[end - 1])) --end;
  while (begin < end && bytes[begin] == ' ') ++begin;
  unsigned oddity = 0;
  for (std::size_t i = begin; i < end; ++i)
    if (bytes[i] == '\0' || !printable(bytes[i])) oddity += kStrongOddity;
  // The last character alone in the second byte of its word, after a space.
  if (end >= 2 && end % 2 == 0 && end < bytes.size() && bytes[end - 2] == ' ') ++oddity;
  return oddity;
}

std::string identify_string(std::span<const std::uint8_t> page, std::size_t first,
                            std::size_t words, IdentifyStringOrder order) {
  const std::vector<std::uint8_t> bytes = field(page, first, words, order);
  std::size_t begin = 0, end = bytes.size();
  while (begin < end && padding(bytes[begin])) ++begin;
  while (end > begin && padding(bytes[end - 1])) --end;
  std::string s;
  for (std::size_t i = begin; i < end; ++i)
    s.push_back(printable(bytes[i]) ? static_cast<char>(bytes[i]) : '?');
  return s;
}

IdentifyStringOrder identify_string_order(std::span<const std::uint8_t> page) {
  unsigned ata = 0, unswapped = 0;
  for (const Field& f : kFields) {
    ata += string_oddity(field(page, f.first, f.words, IdentifyStringOrder::ata));
    unswapped += string_oddity(field(page, f.first, f.words, IdentifyStringOrder::unswapped));
  }
  return unswapped + kStrongOddity <= ata ? IdentifyStringOrder::unswapped
                                          : IdentifyStringOrder::ata;
}

}  // namespace aoe
