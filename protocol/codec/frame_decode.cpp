// decode() and decode_header(): see frame.hpp for the contract. Every read is
// preceded by a bounds check against the span; length and count fields are
// checked against the frame before anything they describe is touched.
#include <algorithm>
#include <optional>

#include "protocol/codec/byte_order.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_layout.hpp"

namespace aoe {
namespace {

using Bytes = std::span<const std::uint8_t>;
namespace L = layout;

using Failure = std::optional<DecodeError>;

Failure fail(DecodeErrc code, const char* what) { return DecodeError{code, what}; }

MacAddress mac_at(const std::uint8_t* p) {
  MacAddress mac;
  std::copy_n(p, mac.bytes.size(), mac.bytes.begin());
  return mac;
}

// Each decoder fills `m` in place (the caller's Body) or names the fault.
Failure decode_ata(Bytes b, AtaMessage& m) {
  if (b.size() < L::ata::data)
    return fail(DecodeErrc::truncated, "ata: frame ends inside the argument");
  const std::uint8_t aflags = b[L::ata::aflags];
  m.extended = aflags & L::ata::flag_extended;
  m.device = aflags & L::ata::flag_device;
  m.async = aflags & L::ata::flag_async;
  m.write = aflags & L::ata::flag_write;
  m.feature_error = b[L::ata::feature_error];
  m.sector_count = b[L::ata::sector_count];
  m.cmd_status = b[L::ata::cmd_status];
  m.lba = wire::load_le(&b[L::ata::lba], L::ata::lba_bytes);
  m.data = b.subspan(L::ata::data);
  return std::nullopt;
}

Failure decode_query_config(Bytes b, QueryConfigMessage& m) {
  if (b.size() < L::config::string)
    return fail(DecodeErrc::truncated, "query config: frame ends inside the argument");
  m.buffer_count = wire::load_be16(&b[L::config::buffer_count]);
  m.firmware_version = wire::load_be16(&b[L::config::firmware]);
  m.sector_count = b[L::config::sector_count];
  m.aoe_version = b[L::config::version_command] >> 4;
  m.command = b[L::config::version_command] & 0x0f;
  const std::size_t length = wire::load_be16(&b[L::config::length]);
  if (length > kMaxConfigString)
    return fail(DecodeErrc::field_out_of_range, "query config: string length exceeds 1024");
  if (length > b.size() - L::config::string)
    return fail(DecodeErrc::length_mismatch, "query config: string length runs past the frame");
  m.config = std::string_view(reinterpret_cast<const char*>(&b[L::config::string]), length);
  return std::nullopt;
}

Failure decode_mac_mask(Bytes b, MacMaskMessage& m) {
  if (b.size() < L::mask::directives)
    return fail(DecodeErrc::truncated, "mac mask: frame ends inside the argument");
  m.command = b[L::mask::command];
  m.error = b[L::mask::error];
  const std::size_t count = b[L::mask::count];
  if (count > (b.size() - L::mask::directives) / kMacMaskDirectiveSize)
    return fail(DecodeErrc::length_mismatch, "mac mask: directive count runs past the frame");
  m.directives.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t* d = &b[L::mask::directives + i * kMacMaskDirectiveSize];
    m.directives.push_back({d[L::mask::directive_command], mac_at(d + L::mask::directive_mac)});
  }
  return std::nullopt;
}

Failure decode_reserve(Bytes b, ReserveMessage& m) {
  if (b.size() < L::reserve::macs)
    return fail(DecodeErrc::truncated, "reserve: frame ends inside the argument");
  m.command = b[L::reserve::command];
  const std::size_t count = b[L::reserve::count];
  if (count > (b.size() - L::reserve::macs) / L::reserve::mac_size)
    return fail(DecodeErrc::length_mismatch, "reserve: MAC count runs past the frame");
  m.macs.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    m.macs.push_back(mac_at(&b[L::reserve::macs + i * L::reserve::mac_size]));
  return std::nullopt;
}

// Decodes the body as a Message into `body`. An error answer whose argument
// does not decode keeps what is there as UnknownMessage (targets may answer
// errors with the bare header).
template <class Message>
Failure decode_body(const Header& h, Bytes b, Failure (*decoder)(Bytes, Message&), Body& body) {
  Failure failure = decoder(b, body.emplace<Message>());
  if (failure && h.error) {
    body.emplace<UnknownMessage>(UnknownMessage{b.subspan(kHeaderSize)});
    return std::nullopt;
  }
  return failure;
}

}  // namespace

Result<Header> decode_header(Bytes b) {
  if (b.size() < kEthernetHeaderSize)
    return DecodeError{DecodeErrc::truncated, "ethernet: frame shorter than 14 bytes"};
  if (wire::load_be16(&b[L::ethertype]) != kEtherType)
    return DecodeError{DecodeErrc::wrong_ethertype, "ethernet: EtherType is not 0x88A2"};
  if (b.size() < kHeaderSize)
    return DecodeError{DecodeErrc::truncated, "aoe: frame ends inside the common header"};
  Header h;
  h.dst = mac_at(&b[L::dst]);
  h.src = mac_at(&b[L::src]);
  h.version = b[L::ver_flags] >> 4;
  h.response = b[L::ver_flags] & L::flag_response;
  h.command = b[L::command];
  if (h.version != kAoeVersion && !is_announcement(h))
    return DecodeError{DecodeErrc::wrong_version, "aoe: version is not 1"};
  h.error = b[L::ver_flags] & L::flag_error;
  h.error_code = b[L::error];
  h.target.shelf = wire::load_be16(&b[L::major]);
  h.target.slot = b[L::minor];
  h.tag = wire::load_be32(&b[L::tag]);
  return h;
}

Result<Frame> decode(Bytes b) {
  auto header = decode_header(b);
  if (!header) return header.error();
  Frame frame{*header, UnknownMessage{}};
  const Header& h = frame.header;
  Failure failure;
  switch (static_cast<Command>(h.command)) {
    case Command::ata:
      failure = decode_body(h, b, decode_ata, frame.body);
      break;
    case Command::query_config:
      failure = decode_body(h, b, decode_query_config, frame.body);
      break;
    case Command::mac_mask_list:
      failure = decode_body(h, b, decode_mac_mask, frame.body);
      break;
    case Command::reserve_release:
      failure = decode_body(h, b, decode_reserve, frame.body);
      break;
    default:
      frame.body = UnknownMessage{b.subspan(kHeaderSize)};
      break;
  }
  if (failure) return *failure;
  return frame;
}

}  // namespace aoe
