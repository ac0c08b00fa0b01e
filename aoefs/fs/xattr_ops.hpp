// FUSE extended-attribute operations of the target files (names and value
// formats: xattr_values.hpp). Registered by fuse_ops.cpp.
//
// Contract:
//  * Names this filesystem does not serve (security.capability, which the
//    kernel asks on writes, user.other...) answer ENODATA at once from
//    getxattr/removexattr, and ENOTSUP from setxattr, without the network.
//  * Live values (config, reserve, mask) are read from the target; every
//    reply comes from the initiator's completion, never by waiting on a
//    FUSE thread. Snapshot values come from the initiator's last discovery
//    and IDENTIFY answers.
//  * Errors: a bad value (config string over 1024 bytes, malformed MAC or
//    directive) EINVAL; set of a read-only attribute EPERM; read-only mount
//    EROFS; set-if-empty refused (XATTR_CREATE on config) EBUSY;
//    reservation held by another host EACCES; mask list full ENOSPC; a
//    mask edit that would leave this host's own MACs out of a non-empty
//    mask EPERM (nothing sent but the read of the mask; mask_edit.hpp); a
//    mask or reserve list longer than one frame carries E2BIG; target
//    silent or down EIO; unknown target ENXIO; no AoE initiator behind the
//    mount (test tools) ENOTSUP; buffer too small ERANGE.
#pragma once

#include "aoefs/fs/fuse_version.hpp"

namespace aoefs {

// Sets getxattr, setxattr, listxattr and removexattr.
void add_xattr_operations(fuse_lowlevel_ops& ops);

}  // namespace aoefs
