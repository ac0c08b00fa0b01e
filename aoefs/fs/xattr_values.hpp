// The extended attributes of a target file: names, value text, and the
// checks of values written with setxattr. Pure functions (no FUSE, no
// network); xattr_ops.hpp serves them.
//
// Names (all under "user.aoe.", so `getfattr -d` shows them):
//   config             the AoE config string (Query Config read, live);
//                      setxattr = force set (CCmd 4), with XATTR_CREATE =
//                      set-if-empty (CCmd 3); empty value or removexattr
//                      clears it (this is also a forced unlock)
//   firmware_version   Query Config firmware version, "0x4019" (the AoE
//                      target's own version)
//   firmware_revision  IDENTIFY firmware revision string (words 23-26), as
//                      the .stats label firmware_revision (and firmware)
//   firmware           the old name of firmware_version, kept for scripts:
//                      not the IDENTIFY string the .stats label `firmware`
//                      carries
//   buffer_count       Query Config buffer count, decimal
//   sectors_per_frame  sectors per ATA frame used (min of target and MTU)
//   paths              "IFACE=MAC" per path to the target, space separated
//                      (cut with a marker at kMaxXattrValue)
//   model, serial      IDENTIFY strings
//   reserve            the Reserve/Release list (read, live), MACs space
//                      separated; setxattr "MAC[ MAC...]" = set, "force MAC..."
//                      = force set, empty value or removexattr = release
//   mask               the MAC Mask List (read, live), MACs space separated;
//                      setxattr "+MAC -MAC ..." = edit (add/remove directives)
// MACs are written aa:bb:cc:dd:ee:ff (or with '-'); lists may be separated
// by spaces, commas or newlines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/initiator_types.hpp"
#include "protocol/codec/mac_mask.hpp"

namespace aoefs {

enum class Xattr : std::uint8_t {
  config,
  firmware,
  buffer_count,
  sectors_per_frame,
  paths,
  model,
  serial,
  reserve,
  mask,
  flush,
  firmware_version,
  firmware_revision
};

inline constexpr std::string_view kXattrPrefix = "user.aoe.";
// Values never exceed the kernel's XATTR_SIZE_MAX; longer lists (paths,
// reserve, mask) are cut and end with " ...(N more)".
inline constexpr std::size_t kMaxXattrValue = 65536;

// nullopt for any name this filesystem does not serve (security.capability...).
std::optional<Xattr> xattr_by_name(std::string_view name);
std::string xattr_name(Xattr which);
// Every name, each followed by a NUL, as listxattr answers.
std::string xattr_name_list();
// config, reserve and mask can be written.
bool xattr_writable(Xattr which);
// Whether the value comes from the target on each read (config, reserve,
// mask); the others come from what discovery and IDENTIFY learned.
bool xattr_live(Xattr which);
// The value of a non-live attribute.
std::string snapshot_xattr_value(Xattr which, const aoe::TargetInfo& info);

std::string format_mac_list(const std::vector<aoe::MacAddress>& macs);
std::string format_mask_list(const aoe::MacMaskMessage& mask);

// A written config string: invalid_argument when over 1024 bytes.
std::error_code check_config_value(std::string_view value);

struct ReserveRequest {
  bool force = false;
  std::vector<aoe::MacAddress> macs;  // empty = release
};
// nullopt: a malformed MAC. Any number of them: a list longer than one
// frame carries is the engine's to refuse (too_large, E2BIG).
std::optional<ReserveRequest> parse_reserve_value(std::string_view value);
// nullopt: a token that is not +MAC or -MAC, or none at all. Any number of
// them, as for reserve.
std::optional<std::vector<aoe::MaskDirective>> parse_mask_value(std::string_view value);
// The MError of a mask edit answer as an error (none = success).
std::error_code mask_error(std::uint8_t merror);

}  // namespace aoefs
