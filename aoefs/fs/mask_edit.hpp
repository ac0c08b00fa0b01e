// A user.aoe.mask edit checked before it is sent: an edit that leaves a
// non-empty mask without this host's own MACs (the ports the mount reaches
// the target through) would lock the mount out of its own target, and a
// mask list gives no way back short of another host or the target's
// console. Pure functions; xattr_ops.cpp reads the mask, checks, and
// refuses with EPERM (documented in aoefs.8, LOCKS AND METADATA).
//
// Contract:
//  * apply_mask_edit: the list the target keeps after `edit`, directives
//    in order (r11 §3.3): add appends a MAC not yet in the list, remove
//    takes it out; other directive bytes change nothing (the target
//    refuses them with MError 2 anyway).
//  * macs_left_out: the MACs of `own` missing from `after`, each once, in
//    the order of `own`; none when `after` is empty (an empty mask lets
//    every host in) or `own` is empty.
//  * The read of the mask and the edit are two commands: another host's
//    edit between them is not seen.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "protocol/codec/mac_address.hpp"
#include "protocol/codec/mac_mask.hpp"

namespace aoefs {

std::vector<aoe::MacAddress> apply_mask_edit(std::vector<aoe::MacAddress> current,
                                             std::span<const aoe::MaskDirective> edit);
std::vector<aoe::MacAddress> macs_left_out(const std::vector<aoe::MacAddress>& after,
                                           const std::vector<aoe::MacAddress>& own);

}  // namespace aoefs
