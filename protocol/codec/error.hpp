// Errors of the AoE layer as std::error_code values.
//
// Contract: nothing in protocol/ throws for a condition the network can cause
// (bad frames, silent targets, refusals); such conditions travel as
// std::error_code. Three categories keep apart what callers must tell apart:
//
//   aoe_category()        the target set the Error flag; value = AoE error
//                         code from the header (1..6 as in AoE r11 §2.4, any
//                         other value is kept as is: "unknown AoE error N").
//   ata_category()        the ATA command completed with ERR/DF in status;
//                         value = (status << 8) | error register, so both
//                         registers survive to the log and the errno mapping.
//   initiator_category()  conditions the initiator itself detects
//                         (InitiatorErrc below).
//
// Mapping to errno happens once, at the FUSE edge (aoefs/), never here.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace aoe {

// AoE r11 header error codes.
enum class AoeErrc : std::uint8_t {
  unrecognized_command = 1,
  bad_argument = 2,
  device_unavailable = 3,
  config_string_present = 4,  // set-if-empty refused: string already set
  unsupported_version = 5,
  target_reserved = 6,  // Reserve/Release: we are not on the list
};

enum class InitiatorErrc : int {
  timeout = 1,       // no answer before the dead timeout
  target_down,       // target marked down (dead timeout passed) when asked
  no_such_target,    // shelf.slot never discovered
  out_of_range,      // LBA range past the end of the disk
  invalid_argument,  // e.g. config string > 1024 bytes, zero-length I/O
  bad_response,      // answer well-formed but wrong for the request
                     // (e.g. read data shorter than asked)
  link_failure,      // the interface went away / socket error
  cancelled,         // initiator shut down before completion
  read_only,         // target advertises or enforces read-only
  not_supported,     // the target does not offer the command (e.g. TRIM)
  too_large,         // the request does not fit one frame on the link (e.g. a long mask edit)
};

const std::error_category& aoe_category() noexcept;
const std::error_category& ata_category() noexcept;
const std::error_category& initiator_category() noexcept;

inline std::error_code make_error_code(AoeErrc e) noexcept {
  return {static_cast<int>(e), aoe_category()};
}
inline std::error_code make_error_code(InitiatorErrc e) noexcept {
  return {static_cast<int>(e), initiator_category()};
}
// An AoE error code as received (may be outside 1..6).
inline std::error_code make_aoe_error(std::uint8_t code) noexcept { return {code, aoe_category()}; }
// ATA status and error registers of a failed command.
inline std::error_code make_ata_error(std::uint8_t status, std::uint8_t error) noexcept {
  return {(status << 8) | error, ata_category()};
}
inline std::uint8_t ata_status_of(const std::error_code& ec) noexcept {
  return static_cast<std::uint8_t>(ec.value() >> 8);
}
inline std::uint8_t ata_error_of(const std::error_code& ec) noexcept {
  return static_cast<std::uint8_t>(ec.value() & 0xff);
}

}  // namespace aoe

template <>
struct std::is_error_code_enum<aoe::AoeErrc> : std::true_type {};
template <>
struct std::is_error_code_enum<aoe::InitiatorErrc> : std::true_type {};
