#include "support/fake_block_device.hpp"

#include <cstring>

namespace aoetest {

using blockdev::kSectorSize;

FakeBlockDevice::FakeBlockDevice(std::uint64_t sectors)
    : sectors_(sectors), bytes_(sectors * kSectorSize) {}

void FakeBlockDevice::read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                           Done done) {
  std::lock_guard lock(mutex_);
  ++reads_;
  sectors_read_ += sectors;
  Pending p{{Kind::read, lba, sectors}, buffer, {}, std::move(done)};
  if (lba + sectors <= sectors_ && buffer.size() == std::size_t{sectors} * kSectorSize)
    p.data.assign(bytes_.begin() + lba * kSectorSize,
                  bytes_.begin() + (lba + sectors) * kSectorSize);
  pending_.push_back(std::move(p));
}

void FakeBlockDevice::write(std::uint64_t lba, std::uint32_t sectors,
                            std::span<const std::uint8_t> buffer, Done done) {
  std::lock_guard lock(mutex_);
  ++writes_;
  pending_.push_back(
      {{Kind::write, lba, sectors}, {}, {buffer.begin(), buffer.end()}, std::move(done)});
}

void FakeBlockDevice::flush(Done done) {
  std::lock_guard lock(mutex_);
  pending_.push_back({{Kind::flush, 0, 0}, {}, {}, std::move(done)});
}

std::size_t FakeBlockDevice::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

std::vector<FakeBlockDevice::Op> FakeBlockDevice::pending_ops() const {
  std::lock_guard lock(mutex_);
  std::vector<Op> ops;
  for (auto& p : pending_) ops.push_back(p.op);
  return ops;
}

bool FakeBlockDevice::complete(std::size_t index, std::error_code ec) {
  return complete_impl(index, ec, true);
}

bool FakeBlockDevice::complete_without_effect(std::size_t index) {
  return complete_impl(index, {}, false);
}

bool FakeBlockDevice::complete_impl(std::size_t index, std::error_code ec, bool apply) {
  Pending p;
  {
    std::lock_guard lock(mutex_);
    if (index >= pending_.size()) return false;
    p = std::move(pending_[index]);
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
    const bool in_range = p.op.lba + p.op.sectors <= sectors_;
    if (!ec && !in_range && p.op.kind != Kind::flush)
      ec = std::make_error_code(std::errc::invalid_argument);
    if (!ec && p.op.kind == Kind::read) {
      if (p.data.size() != p.read_buffer.size()) {
        ec = std::make_error_code(std::errc::invalid_argument);
      } else {
        std::memcpy(p.read_buffer.data(), p.data.data(), p.data.size());
      }
    }
    if (!ec && apply && p.op.kind == Kind::write) {
      if (p.data.size() != std::size_t{p.op.sectors} * kSectorSize)
        ec = std::make_error_code(std::errc::invalid_argument);
      else
        std::memcpy(bytes_.data() + p.op.lba * kSectorSize, p.data.data(), p.data.size());
    }
  }
  p.done(ec);
  return true;
}

bool FakeBlockDevice::complete_first(Kind kind, std::optional<std::uint64_t> lba,
                                     std::error_code ec) {
  std::size_t index = 0;
  {
    std::lock_guard lock(mutex_);
    for (; index < pending_.size(); ++index)
      if (pending_[index].op.kind == kind && (!lba || pending_[index].op.lba == *lba)) break;
    if (index == pending_.size()) return false;
  }
  return complete(index, ec);
}

void FakeBlockDevice::complete_all(std::error_code ec) {
  while (complete(0, ec)) {
  }
}

std::uint64_t FakeBlockDevice::reads() const {
  std::lock_guard lock(mutex_);
  return reads_;
}
std::uint64_t FakeBlockDevice::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}
std::uint64_t FakeBlockDevice::sectors_read() const {
  std::lock_guard lock(mutex_);
  return sectors_read_;
}

std::vector<std::uint8_t> FakeBlockDevice::contents() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void FakeBlockDevice::poke(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  std::memcpy(bytes_.data() + offset, bytes.data(), bytes.size());
}

}  // namespace aoetest
