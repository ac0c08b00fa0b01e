#include "aoefs/fs/unaligned_io.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "blockdev/completion_join.hpp"

namespace aoefs {

using blockdev::kSectorSize;

SectorSpan sector_span(std::uint64_t offset, std::size_t length) {
  SectorSpan s;
  if (length == 0) return s;
  const std::uint64_t end = offset + length;
  s.first = offset / kSectorSize;
  const std::uint64_t end_sector = (end + kSectorSize - 1) / kSectorSize;
  s.count = end_sector - s.first;
  s.head_skip = static_cast<std::uint32_t>(offset % kSectorSize);
  // The first sector is partial if the range starts inside it or ends inside it.
  s.head_partial = s.head_skip != 0 || end < (s.first + 1) * kSectorSize;
  // The last sector, if different from the first, is partial if the range ends inside it.
  s.tail_partial = s.count > 1 && end % kSectorSize != 0;
  return s;
}

void read_bytes(std::shared_ptr<blockdev::BlockDevice> device, std::uint64_t offset,
                std::size_t length, ReadBytesDone done) {
  const std::uint64_t size = device->size_sectors() * kSectorSize;
  if (offset >= size || length == 0) {
    done({}, {});
    return;
  }
  if (length > size - offset) length = static_cast<std::size_t>(size - offset);
  const SectorSpan span = sector_span(offset, length);
  // Not zero-filled: the device overwrites every byte it puts there, and a
  // memset per request would be paid on every read. Pooled: a fresh mapping
  // per request faults in every page (buffer_pool.hpp). A cache leaves what
  // it holds in its blocks instead.
  const std::size_t bytes = span.count * kSectorSize;
  auto buffer = std::make_shared<BufferPool::Buffer>(BufferPool::requests().take(bytes));
  device->read_view(
      span.first, static_cast<std::uint32_t>(span.count), buffer->span(),
      [buffer, span, length, done = std::move(done)](std::error_code ec, blockdev::ReadView view) {
        if (ec) {
          done(ec, {});
          return;
        }
        // The sectors' parts, cut to the bytes asked for.
        std::vector<std::span<const std::uint8_t>> parts;
        parts.reserve(view.parts.size());
        std::size_t skip = span.head_skip, left = length;
        for (const auto& part : view.parts) {
          std::span<const std::uint8_t> b = part.bytes;
          if (skip >= b.size()) {
            skip -= b.size();
            continue;
          }
          b = b.subspan(skip).first(std::min(left, b.size() - skip));
          skip = 0;
          parts.push_back(b);
          left -= b.size();
          if (left == 0) break;
        }
        done({}, parts);
      });
}

namespace {

// One write in flight: owns the data, the merged buffer (for unaligned
// writes) and the lock ticket.
struct WriteOp : std::enable_shared_from_this<WriteOp> {
  std::shared_ptr<blockdev::BlockDevice> device;
  std::shared_ptr<RangeLock> lock;
  BufferPool::Buffer data;
  BufferPool::Buffer merged;  // sector-sized copy for read-modify-write
  SectorSpan span;
  WriteBytesDone done;
  RangeLock::Ticket ticket = 0;
  blockdev::CompletionJoin edge_reads{0};  // the partial sectors' reads (start() adds them)

  void start(RangeLock::Ticket t) {
    ticket = t;
    if (!span.head_partial && !span.tail_partial) {
      write_sectors(data.span());
      return;
    }
    merged = BufferPool::requests().take(span.count * kSectorSize);
    edge_reads.add_parts((span.head_partial ? 1 : 0) + (span.tail_partial ? 1 : 0));
    auto self = shared_from_this();
    if (span.head_partial)
      device->read(span.first, 1, merged.span().first(kSectorSize),
                   [self](std::error_code ec) { self->edge_read(ec); });
    if (span.tail_partial)
      device->read(span.first + span.count - 1, 1, merged.span().last(kSectorSize),
                   [self](std::error_code ec) { self->edge_read(ec); });
  }

  void edge_read(std::error_code ec) {
    const auto result = edge_reads.end_part(ec);
    if (!result) return;
    if (*result) {
      finish(*result);
      return;
    }
    std::memcpy(merged.data() + span.head_skip, data.data(), data.size());
    write_sectors(merged.span());
  }

  void write_sectors(std::span<const std::uint8_t> sectors) {
    auto self = shared_from_this();
    device->write(span.first, static_cast<std::uint32_t>(span.count), sectors,
                  [self](std::error_code ec) { self->finish(ec); });
  }

  void finish(std::error_code ec) {
    lock->release(ticket);
    done(ec, ec ? 0 : data.size());
  }
};

}  // namespace

void write_bytes(std::shared_ptr<blockdev::BlockDevice> device, std::shared_ptr<RangeLock> lock,
                 std::uint64_t offset, BufferPool::Buffer data, WriteBytesDone done) {
  const std::uint64_t size = device->size_sectors() * kSectorSize;
  if (data.empty()) {
    done({}, 0);
    return;
  }
  if (offset >= size) {
    done(std::make_error_code(std::errc::no_space_on_device), 0);
    return;
  }
  if (data.size() > size - offset) data.truncate(static_cast<std::size_t>(size - offset));
  auto op = std::make_shared<WriteOp>();
  op->device = std::move(device);
  op->lock = std::move(lock);
  op->span = sector_span(offset, data.size());
  op->data = std::move(data);
  op->done = std::move(done);
  const auto first = op->span.first;
  const auto count = op->span.count;
  op->lock->acquire(first, count, [op](RangeLock::Ticket t) { op->start(t); });
}

void write_bytes(std::shared_ptr<blockdev::BlockDevice> device, std::shared_ptr<RangeLock> lock,
                 std::uint64_t offset, const std::vector<std::uint8_t>& data, WriteBytesDone done) {
  auto buffer = BufferPool::requests().take(data.size());
  if (!data.empty()) std::memcpy(buffer.data(), data.data(), data.size());
  write_bytes(std::move(device), std::move(lock), offset, std::move(buffer), std::move(done));
}

}  // namespace aoefs
