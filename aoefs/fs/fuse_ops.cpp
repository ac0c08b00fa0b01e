#include "aoefs/fs/fuse_ops.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "aoefs/fs/errno_mapping.hpp"
#include "aoefs/fs/fallocate_ops.hpp"
#include "aoefs/fs/flock_ops.hpp"
#include "aoefs/fs/interruptible_reply.hpp"
#include "aoefs/fs/session_loop.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/fs/stats_file.hpp"
#include "aoefs/fs/unaligned_io.hpp"
#include "aoefs/fs/xattr_ops.hpp"
#include "blockdev/block_device.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

// The `request` stage of a read or write (protocol/request_stages.hpp):
// from its handler's start to its reply. Not recorded without an initiator
// (test tools over memory devices) nor for failed requests.
class RequestClock {
 public:
  explicit RequestClock(fuse_req_t req)
      : stages_(context(req).initiator ? &context(req).initiator->stages() : nullptr),
        began_(std::chrono::steady_clock::now()) {}
  void replied() const {
    if (stages_)
      stages_->record(aoe::RequestStage::request, std::chrono::steady_clock::now() - began_);
  }

 private:
  aoe::RequestStages* stages_;
  std::chrono::steady_clock::time_point began_;
};

// How long the kernel may cache names and attributes: short, so targets that
// come or go show up within about a second.
constexpr double kEntryTimeout = 1.0;
constexpr double kAttrTimeout = 1.0;
// Writes of at least this many bytes keep their request buffer (op_write_buf).
constexpr std::size_t kAdoptedWriteMin = 128 * 1024;
std::atomic<std::uint64_t> g_write_bytes_in_place{0};
std::atomic<std::uint64_t> g_write_bytes_copied{0};

// The hidden statistics file in the root: a fixed inode outside the range
// of target inodes (2 + shelf*256 + slot < 2^24).
constexpr fuse_ino_t kStatsInode = fuse_ino_t{1} << 32;
constexpr const char* kStatsName = ".stats";

OpenFile& open_file(fuse_file_info* fi) { return *reinterpret_cast<OpenFile*>(fi->fh); }

// Whether the caller is to reply: with FsOptions::interruptible_io an
// INTERRUPT may have answered EINTR first (the operation's late result is
// dropped then).
struct ReplyOnce {
  std::optional<InterruptibleReply> watch;
  bool claim() const { return !watch || watch->claim(); }
};
ReplyOnce reply_once(fuse_req_t req) {
  if (!context(req).options.interruptible_io) return {};
  return {InterruptibleReply::watch(req)};
}

// The attributes every entry of the mount shares: owner from the options.
struct stat base_stat(const FsContext& ctx, fuse_ino_t ino, mode_t mode, nlink_t links,
                      std::time_t time) {
  struct stat st {};
  st.st_ino = ino;
  st.st_mode = mode;
  st.st_nlink = links;
  st.st_uid = ctx.options.uid;
  st.st_gid = ctx.options.gid;
  st.st_atime = st.st_mtime = st.st_ctime = time;
  return st;
}

struct stat root_stat(const FsContext& ctx) {
  return base_stat(ctx, kRootInode, S_IFDIR | 0755, 2, ctx.options.mount_time);
}

// Size 0: the text is made at open, and the file is opened direct_io so
// reads are not cut at the size.
struct stat stats_stat(const FsContext& ctx) {
  return base_stat(ctx, kStatsInode, S_IFREG | 0444, 1, std::time(nullptr));
}

struct stat file_stat(const FsContext& ctx, const TargetFile& f) {
  mode_t mode = ctx.options.file_mode;
  if (ctx.options.read_only) mode &= ~mode_t(0222);
  struct stat st = base_stat(ctx, f.inode, S_IFREG | mode, 1, ctx.options.mount_time);
  st.st_size = static_cast<off_t>(f.size_bytes());
  st.st_blocks = static_cast<blkcnt_t>(f.size_bytes() / 512);
  st.st_blksize = 64 * 1024;
  return st;
}

void op_init(void* userdata, fuse_conn_info* conn) {
  auto& ctx = *static_cast<FsContext*>(userdata);
  const unsigned io = ctx.options.max_io_bytes;
  // libfuse lowers this to what its request buffer holds, and asks the
  // kernel for max_pages to match (256 pages = 1 MiB on current kernels).
  conn->max_write = io;
  conn->max_read = io;  // must equal the max_read mount option (fuse_mount.cpp)
  // The kernel offers its current read-ahead; we may only lower it.
  conn->max_readahead = std::min(conn->max_readahead, ctx.options.read_ahead_kb * 1024u);
  conn->max_background = ctx.options.max_background;
  conn->congestion_threshold = ctx.options.max_background * 3 / 4;
  if (conn->capable & FUSE_CAP_ASYNC_DIO) conn->want |= FUSE_CAP_ASYNC_DIO;
  if (conn->capable & FUSE_CAP_ASYNC_READ) conn->want |= FUSE_CAP_ASYNC_READ;
  // O_TRUNC arrives in open() instead of as a separate truncate.
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
  // Requests arrive in memory buffers a write can keep (session_loop.hpp),
  // not in a pipe (splice) whose pages would be copied out again.
  conn->want &= ~FUSE_CAP_SPLICE_READ;
  want_flock_forwarding(ctx, conn);
  log_message(LogLevel::debug, "init: max_write=%u max_read=%u max_readahead=%u max_background=%u",
              conn->max_write, conn->max_read, conn->max_readahead, conn->max_background);
}

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  auto& ctx = context(req);
  if (parent != kRootInode) return (void)fuse_reply_err(req, ENOENT);
  fuse_entry_param e{};
  if (std::strcmp(name, kStatsName) == 0) {
    e.ino = kStatsInode;
    e.attr = stats_stat(ctx);
    fuse_reply_entry(req, &e);  // timeouts 0: always fresh
    return;
  }
  auto f = ctx.table->by_name(name);
  if (!f) return (void)fuse_reply_err(req, ENOENT);
  e.ino = f->inode;
  e.attr = file_stat(ctx, *f);
  e.attr_timeout = kAttrTimeout;
  e.entry_timeout = kEntryTimeout;
  fuse_reply_entry(req, &e);
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  auto& ctx = context(req);
  if (ino == kRootInode) {
    auto st = root_stat(ctx);
    fuse_reply_attr(req, &st, kAttrTimeout);
    return;
  }
  if (ino == kStatsInode) {
    auto st = stats_stat(ctx);
    fuse_reply_attr(req, &st, 0);
    return;
  }
  auto f = ctx.table->by_inode(ino);
  if (!f) return (void)fuse_reply_err(req, ENOENT);
  auto st = file_stat(ctx, *f);
  fuse_reply_attr(req, &st, kAttrTimeout);
}

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info*) {
  auto& ctx = context(req);
  if (ino == kRootInode || ino == kStatsInode) return (void)fuse_reply_err(req, EPERM);
  auto f = ctx.table->by_inode(ino);
  if (!f) return (void)fuse_reply_err(req, ENOENT);
  if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
    return (void)fuse_reply_err(req, EPERM);  // owner and mode come from the options
  if (to_set & FUSE_SET_ATTR_SIZE) {
    if (ctx.options.read_only) return (void)fuse_reply_err(req, EROFS);
    // A disk cannot grow; shrinking is accepted and ignored, like a block device.
    if (static_cast<std::uint64_t>(attr->st_size) > f->size_bytes())
      return (void)fuse_reply_err(req, EFBIG);
  }
  // Times are not stored: accepted and ignored (touch works).
  auto st = file_stat(ctx, *f);
  fuse_reply_attr(req, &st, kAttrTimeout);
}

void op_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  if (ino != kRootInode) return (void)fuse_reply_err(req, ENOTDIR);
  fuse_reply_open(req, fi);
}

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
  auto& ctx = context(req);
  if (ino != kRootInode) return (void)fuse_reply_err(req, ENOTDIR);
  // Entry i of [".", "..", files...] has offset i+1 (the offset of the next).
  struct Item {
    std::string name;
    fuse_ino_t ino;
    mode_t mode;
  };
  std::vector<Item> items{{".", kRootInode, S_IFDIR}, {"..", kRootInode, S_IFDIR}};
  for (const auto& f : ctx.table->listed_files()) items.push_back({f.name, f.inode, S_IFREG});
  std::vector<char> buf(size);
  std::size_t used = 0;
  for (std::size_t i = static_cast<std::size_t>(std::max<off_t>(offset, 0)); i < items.size();
       ++i) {
    struct stat st {};
    st.st_ino = items[i].ino;
    st.st_mode = items[i].mode;
    const std::size_t need = fuse_add_direntry(
        req, buf.data() + used, size - used, items[i].name.c_str(), &st, static_cast<off_t>(i + 1));
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
}

void op_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto& ctx = context(req);
  if (ino == kRootInode) return (void)fuse_reply_err(req, EISDIR);
  const int access = fi->flags & O_ACCMODE;
  const bool writable = access == O_WRONLY || access == O_RDWR;
  OpenFile* of = nullptr;
  if (ino == kStatsInode) {
    if (writable) return (void)fuse_reply_err(req, EACCES);
    of = ctx.open_files.add(std::make_unique<OpenFile>(OpenFile{
        nullptr, nullptr, false, std::make_shared<const std::string>(collect_stats(ctx))}));
    fi->direct_io = 1;
  } else {
    auto f = ctx.table->by_inode(ino);
    if (!f || !f->device) return (void)fuse_reply_err(req, ENOENT);
    // Down: the file stays (target_table.hpp), its I/O cannot work now.
    if (!f->present) return (void)fuse_reply_err(req, EIO);
    if (writable && ctx.options.read_only) return (void)fuse_reply_err(req, EROFS);
    of = ctx.open_files.add(std::make_unique<OpenFile>(
        OpenFile{blockdev::open_read_stream(f->device, ctx.max_read_ahead_bytes), f->lock, writable,
                 nullptr}));
    fi->direct_io = ctx.options.direct_io ? 1 : 0;
    log_message(LogLevel::debug, "open %s flags 0x%x", f->name.c_str(), fi->flags);
  }
  fi->fh = reinterpret_cast<std::uint64_t>(of);
  fi->keep_cache = 0;
  fi->noflush = 1;  // close() has nothing to write back: every write was acknowledged
  if (fuse_reply_open(req, fi) == -ENOENT)
    ctx.open_files.release(of);  // the opener was interrupted
}

void op_release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  context(req).open_files.release(&open_file(fi));
  reply_release(req, ino, fi);
}

// With answer_on_caller (InitiatorOptions): a request that went out alone is
// answered on this worker, which replies from here, instead of waking the io
// thread. Bounded: what is unanswered by then completes on the io thread.
void await_own_answer(FsContext& ctx) {
  if (ctx.initiator) ctx.initiator->await_own(std::chrono::milliseconds(2));
}

void op_read(fuse_req_t req, fuse_ino_t, size_t size, off_t offset, fuse_file_info* fi) {
  auto& of = open_file(fi);
  FsContext& ctx = context(req);
  if (offset < 0) return (void)fuse_reply_err(req, EINVAL);
  if (!of.device) {
    const std::shared_ptr<const std::string> hold = of.snapshot;
    const std::string& text = *hold;
    const std::size_t start = std::min<std::size_t>(static_cast<std::size_t>(offset), text.size());
    fuse_reply_buf(req, text.data() + start, std::min(size, text.size() - start));
    return;
  }
  read_bytes(of.device, static_cast<std::uint64_t>(offset), size,
             [req, clock = RequestClock(req), once = reply_once(req)](std::error_code ec,
                                                                      ReadParts parts) {
               if (!once.claim()) return;
               if (ec) {
                 log_message(LogLevel::debug, "read failed: %s", ec.message().c_str());
                 fuse_reply_err(req, to_errno(ec));
                 return;
               }
               // One writev from where the bytes are (the request buffer or
               // the cache's blocks) into the kernel's reply.
               std::vector<iovec> iov(parts.size());
               for (std::size_t i = 0; i < parts.size(); ++i)
                 iov[i] = {const_cast<std::uint8_t*>(parts[i].data()), parts[i].size()};
               fuse_reply_iov(req, iov.data(), static_cast<int>(iov.size()));
               clock.replied();
             });
  await_own_answer(ctx);
}

void start_write(fuse_req_t req, OpenFile& of, off_t offset, BufferPool::Buffer data,
                 RequestClock clock) {
  if (offset < 0) return (void)fuse_reply_err(req, EINVAL);
  if (!of.writable) return (void)fuse_reply_err(req, EBADF);
  FsContext& ctx = context(req);
  write_bytes(of.device, of.lock, static_cast<std::uint64_t>(offset), std::move(data),
              [req, clock, once = reply_once(req)](std::error_code ec, std::size_t written) {
                if (!once.claim()) return;
                if (ec) {
                  log_message(LogLevel::debug, "write failed: %s", ec.message().c_str());
                  fuse_reply_err(req, to_errno(ec));
                  return;
                }
                fuse_reply_write(req, written);
                clock.replied();
              });
  await_own_answer(ctx);
}

// The write keeps the buffer its request arrived in until the target
// acknowledged it (session_loop.hpp), and the engine sends the frames'
// payloads from there: no copy. Small writes, and requests not in one
// memory buffer, are copied into a pooled buffer instead: a copy of a few
// KiB costs less than holding a receive buffer (1 MiB) per write in flight.
void op_write_buf(fuse_req_t req, fuse_ino_t, fuse_bufvec* in, off_t offset, fuse_file_info* fi) {
  const RequestClock clock(req);
  if (in->count == 1 && in->idx == 0 && in->off == 0 && !(in->buf[0].flags & FUSE_BUF_IS_FD) &&
      in->buf[0].size >= kAdoptedWriteMin) {
    BufferPool::Buffer adopted = adopt_request_buffer(in->buf[0].mem, in->buf[0].size);
    if (!adopted.empty()) {
      g_write_bytes_in_place.fetch_add(adopted.size(), std::memory_order_relaxed);
      return start_write(req, open_file(fi), offset, std::move(adopted), clock);
    }
  }
  BufferPool::Buffer data = BufferPool::requests().take(fuse_buf_size(in));
  fuse_bufvec out = FUSE_BUFVEC_INIT(data.size());
  out.buf[0].mem = data.data();
  const ssize_t copied = fuse_buf_copy(&out, in, fuse_buf_copy_flags{});
  if (copied < 0) return (void)fuse_reply_err(req, static_cast<int>(-copied));
  data.truncate(static_cast<std::size_t>(copied));
  g_write_bytes_copied.fetch_add(data.size(), std::memory_order_relaxed);
  start_write(req, open_file(fi), offset, std::move(data), clock);
}

void op_flush(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }

void op_fsync(fuse_req_t req, fuse_ino_t, int, fuse_file_info* fi) {
  auto& of = open_file(fi);
  if (!of.device) return (void)fuse_reply_err(req, 0);
  of.device->flush([req, once = reply_once(req)](std::error_code ec) {
    if (once.claim()) fuse_reply_err(req, to_errno(ec));
  });
}

void op_statfs(fuse_req_t req, fuse_ino_t) {
  auto& ctx = context(req);
  struct statvfs st {};
  std::uint64_t sectors = 0;
  std::uint64_t files = 0;
  for (const auto& f : ctx.table->present_files()) {
    sectors += f.size_bytes() / blockdev::kSectorSize;
    ++files;
  }
  st.f_bsize = blockdev::kSectorSize;
  st.f_frsize = blockdev::kSectorSize;
  st.f_blocks = sectors;
  st.f_bfree = 0;  // nothing can be created: the disks are the files
  st.f_bavail = 0;
  st.f_files = files;
  st.f_ffree = 0;
  st.f_favail = 0;
  st.f_namemax = 255;
  if (ctx.options.read_only) st.f_flag |= ST_RDONLY;
  fuse_reply_statfs(req, &st);
}

void op_access(fuse_req_t req, fuse_ino_t, int mask) {
  // Permission bits are enforced by the kernel (default_permissions); only
  // a read-only mount needs saying here.
  if ((mask & W_OK) && context(req).options.read_only) return (void)fuse_reply_err(req, EROFS);
  fuse_reply_err(req, 0);
}

void op_no_create(fuse_req_t req, fuse_ino_t, const char*, mode_t, fuse_file_info*) {
  fuse_reply_err(req, EPERM);
}
void op_no_mknod(fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) {
  fuse_reply_err(req, EPERM);
}
void op_no_mkdir(fuse_req_t req, fuse_ino_t, const char*, mode_t) { fuse_reply_err(req, EPERM); }
void op_no_unlink(fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, EPERM); }
void op_no_rename(fuse_req_t req, fuse_ino_t, const char*, fuse_ino_t, const char*, unsigned int) {
  fuse_reply_err(req, EPERM);
}

// The session ends: files still open get no RELEASE any more.
void op_destroy(void* userdata) {
  auto& ctx = *static_cast<FsContext*>(userdata);
  ctx.open_files.release_all();
}

fuse_lowlevel_ops make_operations() {
  fuse_lowlevel_ops ops{};
  ops.init = op_init;
  ops.destroy = op_destroy;
  ops.lookup = op_lookup;
  ops.getattr = op_getattr;
  ops.setattr = op_setattr;
  ops.opendir = op_opendir;
  ops.readdir = op_readdir;
  ops.open = op_open;
  ops.release = op_release;
  ops.read = op_read;
  ops.write_buf = op_write_buf;
  ops.flush = op_flush;
  ops.fsync = op_fsync;
  ops.statfs = op_statfs;
  ops.access = op_access;
  ops.create = op_no_create;
  ops.mknod = op_no_mknod;
  ops.mkdir = op_no_mkdir;
  ops.unlink = op_no_unlink;
  ops.rmdir = op_no_unlink;
  ops.rename = op_no_rename;
  add_xattr_operations(ops);
  add_flock_operations(ops);
  add_fallocate_operations(ops);
  return ops;
}

}  // namespace

const fuse_lowlevel_ops& filesystem_operations() {
  static const fuse_lowlevel_ops ops = make_operations();
  return ops;
}

WritePathStats write_path_stats() {
  return {g_write_bytes_in_place.load(std::memory_order_relaxed),
          g_write_bytes_copied.load(std::memory_order_relaxed)};
}

}  // namespace aoefs
