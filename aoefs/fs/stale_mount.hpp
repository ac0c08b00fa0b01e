// The mount a crashed aoefs left behind. After `kill -9` of the daemon its
// FUSE mount stays, and every access to it fails with ENOTCONN until
// someone unmounts it; a restart (systemd's Restart=on-failure) would find
// the mount point busy for ever.
//
// Contract: clear_dead_aoefs_mount(path) looks at the topmost mount on
// `path` (/proc/self/mountinfo, the path made absolute lexically):
//  - none, or one that is not aoefs (type fuse.aoefs, or fuse with source
//    "aoefs"): nothing is done (returns false); MountPoint::open then
//    refuses a foreign mount, naming it;
//  - an aoefs mount that answers statx (forced past FUSE's cached
//    attributes): an error ("aoefs is mounted there
//    and answers"): another daemon serves it, and it is not ours to end;
//  - an aoefs mount whose statx fails with ENOTCONN (its daemon is gone):
//    it is detached (umount2 MNT_DETACH: processes still holding a file of
//    it keep their descriptors, which fail) and true is returned, for the
//    caller to log. Needs CAP_SYS_ADMIN; without it the error names the
//    command that clears it (fusermount3 -u -z).
#pragma once

#include <string>

#include "aoefs/util/expected.hpp"

namespace aoefs {

Expected<bool> clear_dead_aoefs_mount(const std::string& path);

}  // namespace aoefs
