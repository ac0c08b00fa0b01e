// FUSE glue of flock(2) on target files: the kernel forwards flock to the
// daemon (FUSE_CAP_FLOCK_LOCKS), which maps it onto the target's config
// string through ConfigLocks (config_lock.hpp, where the semantics are).
//
// Contract:
//  * LOCK_SH / LOCK_EX (| LOCK_NB) and LOCK_UN reply from ConfigLocks'
//    completions; nothing waits on a FUSE thread. EWOULDBLOCK: taken (by
//    another local open file or another host); EINTR: a blocking request
//    interrupted by a signal (fuse_req_interrupt_func); EIO: the target did
//    not answer the claim or the release; ECANCELED: the daemon is shutting
//    down.
//  * A lock writes the target's config string, so it needs what a setxattr
//    of user.aoe.config needs: on a read-only mount (ro) LOCK_SH and
//    LOCK_EX fail with EROFS before anything is sent (logged once per
//    mount); from a descriptor opened O_RDONLY the caller must be allowed
//    to write the file by its permission bits (write_permission.hpp), else
//    EACCES — the error the kernel gives that caller's setxattr.
//  * The close of the last descriptor of an open file that holds a lock
//    (release with flock_release) drops it like LOCK_UN; the release is
//    answered after the config string was checked and cleared.
//  * Without a ConfigLocks in the context (test tools serving memory
//    devices) the capability is not asked for: the kernel then keeps flock
//    locks local to the machine, as on any filesystem.
#pragma once

#include "aoefs/fs/fuse_version.hpp"

namespace aoefs {

struct FsContext;

// Sets the flock operation.
void add_flock_operations(fuse_lowlevel_ops& ops);
// In init: asks the kernel to forward flock(2) when the context has locks.
void want_flock_forwarding(const FsContext& ctx, fuse_conn_info* conn);
// The reply to release(): first drops the flock of the closing file if the
// kernel says it held one.
void reply_release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);

}  // namespace aoefs
