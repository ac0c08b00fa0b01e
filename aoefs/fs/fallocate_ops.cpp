#include "aoefs/fs/fallocate_ops.hpp"

#include <fcntl.h>
#include <linux/falloc.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include "aoefs/fs/errno_mapping.hpp"
#include "aoefs/fs/fs_context.hpp"
#include "aoefs/fs/unaligned_io.hpp"
#include "aoefs/util/log.hpp"

namespace aoefs {
namespace {

using blockdev::kSectorSize;

// One piece of a zero-range write: big enough to keep the initiator's window
// full, small enough that the buffer does not matter.
constexpr std::size_t kZeroPiece = 1u << 20;

std::span<const std::uint8_t> zero_buffer() {
  static const std::vector<std::uint8_t> zeros(kZeroPiece, 0);
  return zeros;
}

// The sectors entirely inside [begin, end), then the partial edges.
struct Split {
  std::uint64_t first = 0, count = 0;          // whole sectors
  std::uint64_t head_begin = 0, head_end = 0;  // bytes of a partial first sector
  std::uint64_t tail_begin = 0, tail_end = 0;  // bytes of a partial last sector
};

Split split(std::uint64_t begin, std::uint64_t end) {
  Split s;
  const std::uint64_t whole_begin = (begin + kSectorSize - 1) / kSectorSize * kSectorSize;
  const std::uint64_t whole_end = end / kSectorSize * kSectorSize;
  if (whole_begin >= whole_end) {  // no whole sector: one partial piece
    s.head_begin = begin;
    s.head_end = end;
    return s;
  }
  s.first = whole_begin / kSectorSize;
  s.count = (whole_end - whole_begin) / kSectorSize;
  s.head_begin = begin;
  s.head_end = whole_begin;
  s.tail_begin = whole_end;
  s.tail_end = end;
  return s;
}

// Zeroes or trims one range, step by step; every step completes on a device
// thread and starts the next. Replies once.
struct Job : std::enable_shared_from_this<Job> {
  fuse_req_t req;
  std::shared_ptr<blockdev::BlockDevice> device;
  std::shared_ptr<RangeLock> lock;
  bool trim = false;
  Split parts;
  RangeLock::Ticket ticket = 0;
  std::uint64_t next = 0;  // sectors of the body done

  void start() {
    edge(parts.head_begin, parts.head_end, [self = shared_from_this()] {
      self->edge(self->parts.tail_begin, self->parts.tail_end, [self] { self->body(); });
    });
  }

  // A partial sector: written with zeroes through the read-modify-write path.
  template <class Next>
  void edge(std::uint64_t begin, std::uint64_t end, Next then) {
    if (begin >= end) return then();
    write_bytes(device, lock, begin, std::vector<std::uint8_t>(end - begin, 0),
                [self = shared_from_this(), then](std::error_code ec, std::size_t) {
                  if (ec) return self->reply(ec);
                  then();
                });
  }

  void body() {
    if (parts.count == 0) return reply({});
    lock->acquire(parts.first, parts.count, [self = shared_from_this()](RangeLock::Ticket t) {
      self->ticket = t;
      if (self->trim)
        self->device->discard(self->parts.first, self->parts.count,
                              [self](std::error_code ec) { self->body_done(ec); });
      else
        self->zero_piece();
    });
  }

  void zero_piece() {
    if (next == parts.count) return body_done({});
    const auto n = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(kZeroPiece / kSectorSize, parts.count - next));
    device->write(parts.first + next, n, zero_buffer().first(std::size_t{n} * kSectorSize),
                  [self = shared_from_this(), n](std::error_code ec) {
                    if (ec) return self->body_done(ec);
                    self->next += n;
                    self->zero_piece();
                  });
  }

  void body_done(std::error_code ec) {
    lock->release(ticket);
    reply(ec);
  }

  void reply(std::error_code ec) {
    if (ec) log_message(LogLevel::debug, "fallocate failed: %s", ec.message().c_str());
    fuse_reply_err(req, to_errno(ec));
  }
};

void op_fallocate(fuse_req_t req, fuse_ino_t, int mode, off_t offset, off_t length,
                  fuse_file_info* fi) {
  auto& of = *reinterpret_cast<OpenFile*>(fi->fh);
  if (!of.device || !of.writable) return (void)fuse_reply_err(req, EBADF);
  if (offset < 0 || length <= 0) return (void)fuse_reply_err(req, EINVAL);
  const std::uint64_t size = of.device->size_sectors() * kSectorSize;
  const std::uint64_t begin = static_cast<std::uint64_t>(offset);
  const std::uint64_t end = begin + static_cast<std::uint64_t>(length);
  const bool keep_size = mode & FALLOC_FL_KEEP_SIZE;
  const int kind = mode & ~FALLOC_FL_KEEP_SIZE;
  auto job = std::make_shared<Job>();
  job->req = req;
  job->device = of.device;
  job->lock = of.lock;
  switch (kind) {
    case 0:
      if (end <= size) return (void)fuse_reply_err(req, 0);
      return (void)fuse_reply_err(req, keep_size ? ENOSPC : EFBIG);
    case FALLOC_FL_PUNCH_HOLE:
      if (!keep_size) return (void)fuse_reply_err(req, EINVAL);  // as the kernel demands
      if (!of.device->capabilities().discard) return (void)fuse_reply_err(req, EOPNOTSUPP);
      if (begin >= size) return (void)fuse_reply_err(req, 0);
      job->trim = true;
      job->parts = split(begin, std::min(end, size));
      break;
    case FALLOC_FL_ZERO_RANGE:
      if (begin >= size) return (void)fuse_reply_err(req, ENOSPC);
      if (end > size && !keep_size) return (void)fuse_reply_err(req, EFBIG);
      job->parts = split(begin, std::min(end, size));
      break;
    default:
      return (void)fuse_reply_err(req, EOPNOTSUPP);
  }
  job->start();
}

}  // namespace

void add_fallocate_operations(fuse_lowlevel_ops& ops) { ops.fallocate = op_fallocate; }

}  // namespace aoefs
