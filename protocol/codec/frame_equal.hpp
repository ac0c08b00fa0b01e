// Field-by-field equality of decoded frames, comparing views (ATA data,
// config string, unknown payload) by content. For tests, the fuzzer's
// round-trip check and anyone comparing answers.
#pragma once

#include <algorithm>

#include "protocol/codec/frame.hpp"

namespace aoe {

inline bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

inline bool same_content(const Header& a, const Header& b) {
  return a.dst == b.dst && a.src == b.src && a.version == b.version && a.response == b.response &&
         a.error == b.error && a.error_code == b.error_code && a.target == b.target &&
         a.command == b.command && a.tag == b.tag;
}

inline bool same_content(const AtaMessage& a, const AtaMessage& b) {
  return a.extended == b.extended && a.device == b.device && a.async == b.async &&
         a.write == b.write && a.feature_error == b.feature_error &&
         a.sector_count == b.sector_count && a.cmd_status == b.cmd_status && a.lba == b.lba &&
         same_bytes(a.data, b.data);
}

inline bool same_content(const QueryConfigMessage& a, const QueryConfigMessage& b) {
  return a.buffer_count == b.buffer_count && a.firmware_version == b.firmware_version &&
         a.sector_count == b.sector_count && a.aoe_version == b.aoe_version &&
         a.command == b.command && a.config == b.config;
}

inline bool same_content(const MacMaskMessage& a, const MacMaskMessage& b) {
  return a.command == b.command && a.error == b.error && a.directives == b.directives;
}

inline bool same_content(const ReserveMessage& a, const ReserveMessage& b) {
  return a.command == b.command && a.macs == b.macs;
}

inline bool same_content(const UnknownMessage& a, const UnknownMessage& b) {
  return same_bytes(a.payload, b.payload);
}

inline bool same_content(const Body& a, const Body& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) { return same_content(x, std::get<std::decay_t<decltype(x)>>(b)); }, a);
}

inline bool same_content(const Frame& a, const Frame& b) {
  return same_content(a.header, b.header) && same_content(a.body, b.body);
}

}  // namespace aoe
