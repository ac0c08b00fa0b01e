// Link::send_frame (link.hpp): encoding and padding, the same for every link.
#include "protocol/link.hpp"

#include <algorithm>
#include <variant>

#include "protocol/codec/ata.hpp"

namespace aoe {

namespace {
// The largest frame `link` sends: its MTU plus the Ethernet header, never
// below the Ethernet minimum a short frame is padded to.
std::size_t largest_frame(const Link& link) {
  return std::max<std::size_t>(link.mtu() + kEthernetHeaderSize, kMinEthernetFrame);
}
}  // namespace

std::span<std::uint8_t> Link::encode_buffer() {
  const std::size_t size = largest_frame(*this);
  if (encode_scratch_.size() < size) encode_scratch_.resize(size);
  return encode_scratch_;
}

std::error_code Link::send_frame(const Frame& frame, Data data) {
  const auto* ata = std::get_if<AtaMessage>(&frame.body);
  const bool in_place = data == Data::in_place && ata && !ata->data.empty();
  const std::span<std::uint8_t> out = encode_buffer();
  const std::size_t needed = encoded_size(frame);
  if (needed > largest_frame(*this)) return std::make_error_code(std::errc::message_size);
  auto n = in_place ? encode_head(frame, out) : encode(frame, out);
  if (!n) return std::make_error_code(std::errc::invalid_argument);
  // A frame that carries data carries at least one sector: it needs no
  // padding, whether its data is encoded or sent in place.
  if (in_place) return send_gathered(out.first(*n), ata->data);
  std::size_t size = *n;
  if (size < kMinEthernetFrame) {
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(size), out.begin() + kMinEthernetFrame, 0);
    size = kMinEthernetFrame;
  }
  return send(out.first(size));
}

}  // namespace aoe
