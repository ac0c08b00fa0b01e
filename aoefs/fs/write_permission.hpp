// Whether a caller may write a target file by its permission bits: the
// check the kernel makes (default_permissions) before a setxattr of a
// user.* name reaches the daemon, made here for requests the kernel does
// not check that way (flock from a read-only descriptor, flock_ops.hpp).
//
// Contract: uid 0 may (as CAP_DAC_OVERRIDE lets root); else the owner
// class (uid == FsOptions::uid) decides alone by 0200, then the group
// class (the file's gid is the caller's gid or one of its supplementary
// groups) by 0020, else 0002 — of FsOptions::file_mode. A read-only mount
// is not this function's business (callers answer EROFS first).
#pragma once

#include <sys/types.h>

#include <span>

namespace aoefs {

struct FsOptions;

bool may_write_file(const FsOptions& options, uid_t uid, gid_t gid, std::span<const gid_t> groups);

}  // namespace aoefs
