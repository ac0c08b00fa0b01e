#include "aoefs/fs/flock_ops.hpp"

#include <sys/file.h>

#include <cerrno>
#include <cstdint>

#include "aoefs/locks/config_lock.hpp"
#include "aoefs/fs/errno_mapping.hpp"
#include "aoefs/fs/fs_context.hpp"
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

void op_flock(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi, int op) {
  auto& ctx = context(req);
  if (!ctx.locks) return (void)fuse_reply_err(req, ENOTSUP);
  auto f = ctx.table->by_inode(ino);
  if (!f) return (void)fuse_reply_err(req, EOPNOTSUPP);  // not a target (MOUNTPOINT/.stats)
  const int kind = op & ~LOCK_NB;
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
