// encode(), encode_head() and encoded_size(): see frame.hpp for the contract. The AoE
// command byte comes from the body's type; only UnknownMessage takes it from
// header.command (so any command byte can be sent, e.g. to test targets).
#include <algorithm>
#include <type_traits>

#include "protocol/codec/byte_order.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_layout.hpp"

namespace aoe {
namespace {

namespace L = layout;

DecodeError fail(DecodeErrc code, const char* what) { return {code, what}; }

std::size_t body_size(const AtaMessage& m) { return kAtaArgSize + m.data.size(); }
std::size_t body_size(const QueryConfigMessage& m) { return kQueryConfigArgSize + m.config.size(); }
std::size_t body_size(const MacMaskMessage& m) {
  return kMacMaskArgSize + m.directives.size() * kMacMaskDirectiveSize;
}
std::size_t body_size(const ReserveMessage& m) {
  return kReserveArgSize + m.macs.size() * L::reserve::mac_size;
}
std::size_t body_size(const UnknownMessage& m) { return m.payload.size(); }

std::uint8_t command_of(const AtaMessage&, const Header&) { return std::uint8_t(Command::ata); }
std::uint8_t command_of(const QueryConfigMessage&, const Header&) {
  return std::uint8_t(Command::query_config);
}
std::uint8_t command_of(const MacMaskMessage&, const Header&) {
  return std::uint8_t(Command::mac_mask_list);
}
std::uint8_t command_of(const ReserveMessage&, const Header&) {
  return std::uint8_t(Command::reserve_release);
}
std::uint8_t command_of(const UnknownMessage&, const Header& h) { return h.command; }

// Values the wire cannot carry; nullptr when the frame is encodable.
const char* unencodable(const Header& h) {
  return h.version > 0x0f ? "aoe: version does not fit 4 bits" : nullptr;
}
const char* unencodable(const AtaMessage& m) {
  return m.lba > kMaxLba48 ? "ata: LBA exceeds 48 bits" : nullptr;
}
const char* unencodable(const QueryConfigMessage& m) {
  if (m.config.size() > kMaxConfigString) return "query config: string longer than 1024";
  if (m.aoe_version > 0x0f) return "query config: AoE version does not fit 4 bits";
  if (m.command > 0x0f) return "query config: CCmd does not fit 4 bits";
  return nullptr;
}
const char* unencodable(const MacMaskMessage& m) {
  return m.directives.size() > kMaxMacMaskDirectives ? "mac mask: more than 255 directives"
                                                     : nullptr;
}
const char* unencodable(const ReserveMessage& m) {
  return m.macs.size() > kMaxReserveMacs ? "reserve: more than 255 MACs" : nullptr;
}
const char* unencodable(const UnknownMessage&) { return nullptr; }

void put_mac(std::uint8_t* p, const MacAddress& mac) {
  std::copy(mac.bytes.begin(), mac.bytes.end(), p);
}

void put_body(std::uint8_t* f, const AtaMessage& m) {
  f[L::ata::aflags] = static_cast<std::uint8_t>(
      (m.extended ? L::ata::flag_extended : 0) | (m.device ? L::ata::flag_device : 0) |
      (m.async ? L::ata::flag_async : 0) | (m.write ? L::ata::flag_write : 0));
  f[L::ata::feature_error] = m.feature_error;
  f[L::ata::sector_count] = m.sector_count;
  f[L::ata::cmd_status] = m.cmd_status;
  wire::store_le(&f[L::ata::lba], m.lba, L::ata::lba_bytes);
  f[L::ata::lba + L::ata::lba_bytes] = 0;  // reserved
  f[L::ata::lba + L::ata::lba_bytes + 1] = 0;
}

// The part of a body that put_body() leaves out, to follow it on the wire:
// an ATA message's data. Every other body is written whole by put_body().
std::span<const std::uint8_t> trailing_data(const AtaMessage& m) { return m.data; }
template <class Message>
std::span<const std::uint8_t> trailing_data(const Message&) {
  return {};
}

void put_body(std::uint8_t* f, const QueryConfigMessage& m) {
  wire::store_be16(&f[L::config::buffer_count], m.buffer_count);
  wire::store_be16(&f[L::config::firmware], m.firmware_version);
  f[L::config::sector_count] = m.sector_count;
  f[L::config::version_command] = static_cast<std::uint8_t>(m.aoe_version << 4 | m.command);
  wire::store_be16(&f[L::config::length], static_cast<std::uint16_t>(m.config.size()));
  std::copy(m.config.begin(), m.config.end(), &f[L::config::string]);
}

void put_body(std::uint8_t* f, const MacMaskMessage& m) {
  f[L::arg] = 0;  // reserved
  f[L::mask::command] = m.command;
  f[L::mask::error] = m.error;
  f[L::mask::count] = static_cast<std::uint8_t>(m.directives.size());
  std::uint8_t* d = &f[L::mask::directives];
  for (const MaskDirective& directive : m.directives) {
    d[0] = 0;  // reserved
    d[L::mask::directive_command] = directive.command;
    put_mac(d + L::mask::directive_mac, directive.mac);
    d += kMacMaskDirectiveSize;
  }
}

void put_body(std::uint8_t* f, const ReserveMessage& m) {
  f[L::reserve::command] = m.command;
  f[L::reserve::count] = static_cast<std::uint8_t>(m.macs.size());
  std::uint8_t* p = &f[L::reserve::macs];
  for (const MacAddress& mac : m.macs) {
    put_mac(p, mac);
    p += L::reserve::mac_size;
  }
}

void put_body(std::uint8_t* f, const UnknownMessage& m) {
  std::copy(m.payload.begin(), m.payload.end(), &f[L::arg]);
}

// encode() with the trailing data, encode_head() without.
Result<std::size_t> encode_frame(const Frame& frame, std::span<std::uint8_t> out, bool with_data) {
  const Header& h = frame.header;
  const char* problem = unencodable(h);
  if (!problem) problem = std::visit([](const auto& m) { return unencodable(m); }, frame.body);
  if (problem) return fail(DecodeErrc::field_out_of_range, problem);
  const auto data = std::visit([](const auto& m) { return trailing_data(m); }, frame.body);
  const std::size_t size = encoded_size(frame) - (with_data ? 0 : data.size());
  if (out.size() < size)
    return fail(DecodeErrc::buffer_too_small, "encode: output buffer too small");

  std::uint8_t* f = out.data();
  put_mac(&f[L::dst], h.dst);
  put_mac(&f[L::src], h.src);
  wire::store_be16(&f[L::ethertype], kEtherType);
  f[L::ver_flags] = static_cast<std::uint8_t>(h.version << 4 | (h.response ? L::flag_response : 0) |
                                              (h.error ? L::flag_error : 0));
  f[L::error] = h.error_code;
  wire::store_be16(&f[L::major], h.target.shelf);
  f[L::minor] = h.target.slot;
  f[L::command] = std::visit([&](const auto& m) { return command_of(m, h); }, frame.body);
  wire::store_be32(&f[L::tag], h.tag);
  std::visit([&](const auto& m) { put_body(f, m); }, frame.body);
  if (with_data) std::copy(data.begin(), data.end(), f + size - data.size());
  return size;
}

}  // namespace

std::size_t encoded_size(const Frame& frame) {
  return kHeaderSize + std::visit([](const auto& m) { return body_size(m); }, frame.body);
}

Result<std::size_t> encode(const Frame& frame, std::span<std::uint8_t> out) {
  return encode_frame(frame, out, true);
}

Result<std::size_t> encode_head(const Frame& frame, std::span<std::uint8_t> out) {
  return encode_frame(frame, out, false);
}

Result<std::vector<std::uint8_t>> encode(const Frame& frame) {
  std::vector<std::uint8_t> bytes(encoded_size(frame));
  auto written = encode(frame, bytes);
  if (!written) return written.error();
  return bytes;
}

}  // namespace aoe
