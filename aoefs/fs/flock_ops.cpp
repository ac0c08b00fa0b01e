#include "aoefs/fs/flock_ops.hpp"

#include <sys/file.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "aoefs/locks/config_lock.hpp"
#include "aoefs/fs/errno_mapping.hpp"
#include "aoefs/fs/fs_context.hpp"
#include "aoefs/fs/write_permission.hpp"
#include "aoefs/util/log.hpp"

namespace aoefs {
namespace {

void reply_status(fuse_req_t req, std::error_code ec) { fuse_reply_err(req, to_errno(ec)); }

// Runs on libfuse's thread that read the INTERRUPT, with the request's lock
// held: ConfigLocks::cancel only takes its own mutex (never held while a
// request lock is taken) and replies EINTR if the request still waits.
void on_interrupt(fuse_req_t req, void* data) {
  context(req).locks->cancel(reinterpret_cast<std::uintptr_t>(data));
}

// A lock writes the target's config string: what a setxattr of
// user.aoe.config needs, flock needs too. A descriptor opened for writing
// had the permission checked at open; a read-only one is checked now, by
// the bits the kernel checks for setxattr.
bool caller_may_write(fuse_req_t req, const FsContext& ctx, fuse_file_info* fi) {
  const auto* of = reinterpret_cast<const OpenFile*>(fi->fh);
  if (of && of->writable) return true;
  const fuse_ctx* caller = fuse_req_ctx(req);
  std::vector<gid_t> groups(64);
  int n = fuse_req_getgroups(req, static_cast<int>(groups.size()), groups.data());
  if (n > static_cast<int>(groups.size())) {
    groups.resize(static_cast<std::size_t>(n));
    n = fuse_req_getgroups(req, n, groups.data());
  }
  groups.resize(n > 0 ? std::min(static_cast<std::size_t>(n), groups.size()) : 0);
  return may_write_file(ctx.options, caller->uid, caller->gid, groups);
}

// Said once per mount: every refused flock of a read-only mount is the same news.
void log_read_only_refusal(const std::string& name) {
  static std::atomic<bool> said{false};
  if (said.exchange(true)) return;
  log_message(LogLevel::warning,
              "%s: flock refused (EROFS): this mount is read-only (ro), and a lock would write "
              "the target's config string; said once, every flock on this mount fails so",
              name.c_str());
}

void op_flock(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi, int op) {
  auto& ctx = context(req);
  if (!ctx.locks) return (void)fuse_reply_err(req, ENOTSUP);
  auto f = ctx.table->by_inode(ino);
  if (!f) return (void)fuse_reply_err(req, EOPNOTSUPP);  // not a target (MOUNTPOINT/.stats)
  const int kind = op & ~LOCK_NB;
  // A read-only mount never writes to a target. LOCK_UN is let through: it
  // has nothing to release there and answers at once.
  if (kind != LOCK_UN && ctx.options.read_only) {
    log_read_only_refusal(f->name);
    return (void)fuse_reply_err(req, EROFS);
  }
  if (kind != LOCK_UN && !caller_may_write(req, ctx, fi)) return (void)fuse_reply_err(req, EACCES);
  if (kind == LOCK_UN) {
    ctx.locks->unlock(f->address, fi->lock_owner,
                      [req](std::error_code ec) { reply_status(req, ec); });
    return;
  }
  if (kind != LOCK_SH && kind != LOCK_EX) return (void)fuse_reply_err(req, EINVAL);
  const auto id = ctx.locks->new_waiter();
  // Registered before lock(): an interrupt that already came is seen by cancel().
  fuse_req_interrupt_func(req, on_interrupt,
                          reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)));
  ctx.locks->lock(id, f->address, fi->lock_owner,
                  kind == LOCK_EX ? LockMode::exclusive : LockMode::shared, !(op & LOCK_NB),
                  static_cast<std::uint32_t>(fuse_req_ctx(req)->pid),
                  [req](std::error_code ec) { reply_status(req, ec); });
}

}  // namespace

void add_flock_operations(fuse_lowlevel_ops& ops) { ops.flock = op_flock; }

void want_flock_forwarding(const FsContext& ctx, fuse_conn_info* conn) {
  if (ctx.locks && (conn->capable & FUSE_CAP_FLOCK_LOCKS))
    conn->want |= FUSE_CAP_FLOCK_LOCKS;
  else
    conn->want &= ~FUSE_CAP_FLOCK_LOCKS;
}

void reply_release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto& ctx = context(req);
  auto f = fi->flock_release && ctx.locks ? ctx.table->by_inode(ino) : std::nullopt;
  if (!f) return (void)fuse_reply_err(req, 0);
  ctx.locks->close_owner(f->address, fi->lock_owner, [req, name = f->name](std::error_code ec) {
    if (ec)
      log_message(LogLevel::warning,
                  "%s: lock released at close, but the config string could not be checked or "
                  "cleared (%s); it may remain: aoefs unlock %s --force",
                  name.c_str(), ec.message().c_str(), name.c_str());
    fuse_reply_err(req, 0);
  });
}

}  // namespace aoefs
