#include "cache/cache_core.hpp"

#include <algorithm>
#include <cstring>

#include "blockdev/completion_join.hpp"

namespace cache {

using blockdev::kSectorSize;

// One caller's read: the parts of its buffer, one per block touched, finish
// in any order; the last one runs `done`.
struct CacheCore::ReadRequest {
  explicit ReadRequest(blockdev::BlockDevice::Done d) : done(std::move(d)) {}
  blockdev::BlockDevice::Done done;
  blockdev::CompletionJoin parts{1};  // 1: lookup_or_fill()'s own guard, ended last by it
};

CacheCore::CacheCore(CacheConfig config)
    : config_(std::move(config)), block_sectors_(config_.block_size / kSectorSize) {}

Clock::time_point CacheCore::now() const { return config_.clock ? config_.clock() : Clock::now(); }

CacheStats CacheCore::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats s = stats_;
  s.bytes_spare = spare_.size() * config_.block_size;
  return s;
}

std::uint64_t CacheCore::block_bytes(std::uint64_t device_sectors, std::uint64_t block) const {
  const std::uint64_t first = block * block_sectors_;
  if (first >= device_sectors) return 0;
  return std::min<std::uint64_t>(block_sectors_, device_sectors - first) * kSectorSize;
}

bool CacheCore::reserve_locked(std::uint64_t bytes) {
  while (reserved_ + bytes > config_.capacity_bytes && !lru_.empty()) {
    auto it = blocks_.find(lru_.back());
    ++stats_.evictions;
    erase_filled_locked(it);
  }
  if (reserved_ + bytes > config_.capacity_bytes) return false;
  reserved_ += bytes;
  return true;
}

CacheCore::BlockData CacheCore::take_buffer_locked(std::size_t length) {
  BlockData d;
  d.length = length;
  if (length == config_.block_size && !spare_.empty()) {
    d.bytes = std::move(spare_.back());
    spare_.pop_back();
    ++stats_.buffers_reused;
  } else {
    d.bytes = std::shared_ptr<std::uint8_t[]>(new std::uint8_t[length]);  // not zero-filled
  }
  // The reservation just made may leave less room for spares.
  while (!spare_.empty() && reserved_ + spare_.size() * config_.block_size > config_.capacity_bytes)
    spare_.pop_back();
  return d;
}

void CacheCore::release_buffer_locked(BlockData& data) {
  reserved_ -= data.length;
  if (data.length == config_.block_size && !data.pinned() &&
      reserved_ + (spare_.size() + 1) * config_.block_size <= config_.capacity_bytes)
    spare_.push_back(std::move(data.bytes));
  data = {};
}

void CacheCore::hand_over(const BlockData& data, std::size_t offset, std::span<std::uint8_t> dest,
                          blockdev::ReadView::Part* part) {
  if (part)
    *part = {{data.data() + offset, dest.size()}, data.bytes};
  else
    std::memcpy(dest.data(), data.data() + offset, dest.size());
}

void CacheCore::erase_filled_locked(
    std::unordered_map<Key, std::shared_ptr<Block>, KeyHash>::iterator it) {
  Block& b = *it->second;
  if (b.read_ahead_unused) ++stats_.read_ahead_wasted;
  lru_.erase(b.lru);
  stats_.bytes_held -= b.data.size();
  release_buffer_locked(b.data);
  blocks_.erase(it);
}

void CacheCore::detach_locked(
    std::unordered_map<Key, std::shared_ptr<Block>, KeyHash>::iterator it) {
  Block& b = *it->second;
  if (b.read_ahead_unused) ++stats_.read_ahead_wasted;
  b.read_ahead_unused = false;
  b.detached = true;  // its bytes stay reserved until the fill completes
  blocks_.erase(it);
}

bool CacheCore::usable_locked(std::unordered_map<Key, std::shared_ptr<Block>, KeyHash>::iterator it,
                              std::size_t length, Clock::time_point t) {
  Block& b = *it->second;
  if (b.data.size() != length) {  // cached through a device of another capacity
    ++stats_.invalidations;
    if (b.filled)
      erase_filled_locked(it);
    else
      detach_locked(it);
    return false;
  }
  if (b.filled && config_.expiry != Clock::duration::max() && t - b.issued >= config_.expiry) {
    ++stats_.expirations;
    erase_filled_locked(it);
    return false;
  }
  return true;
}

std::shared_ptr<CacheCore::Block> CacheCore::start_fill_locked(const Key& key, std::size_t length,
                                                               bool read_ahead) {
  if (!reserve_locked(length)) return nullptr;
  auto block = std::make_shared<Block>();
  block->key = key;
  block->data = take_buffer_locked(length);
  block->read_ahead_unused = read_ahead;
  block->issued = now();
  stats_.bytes_in_flight += length;
  blocks_.emplace(key, block);
  return block;
}

void CacheCore::issue_fill(const Backing& backing, std::uint64_t lba,
                           std::shared_ptr<Block> block) {
  auto* b = block.get();
  const auto sectors = static_cast<std::uint32_t>(b->data.size() / kSectorSize);
  // The callback keeps the core and the backing device alive until it ran.
  backing->read(lba, sectors, std::span<std::uint8_t>(b->data.data(), b->data.size()),
                [self = shared_from_this(), backing, block = std::move(block)](std::error_code ec) {
                  self->fill_done(block, ec);
                });
}

void CacheCore::fill_done(const std::shared_ptr<Block>& block, std::error_code ec) {
  Finished finished;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : block->waiters) {
      if (!ec) hand_over(block->data, w.offset, w.dest, w.part);
      finished.emplace_back(std::move(w.request), ec);
    }
    block->waiters.clear();
    stats_.bytes_in_flight -= block->data.size();
    if (ec) ++stats_.fill_errors;
    if (block->detached || ec) {
      if (!block->detached) {
        if (block->read_ahead_unused) ++stats_.read_ahead_wasted;
        blocks_.erase(block->key);
      }
      release_buffer_locked(block->data);
    } else {
      block->filled = true;
      lru_.push_front(block->key);
      block->lru = lru_.begin();
      stats_.bytes_held += block->data.size();
    }
  }
  for (auto& [request, error] : finished) finish_part(request, error, false);
}

void CacheCore::finish_part(const std::shared_ptr<ReadRequest>& request, std::error_code ec,
                            bool from_caller) {
  const auto result = request->parts.end_part(ec);
  if (!result) return;
  if (from_caller)
    completions_.post([request, error = *result] { request->done(error); });
  else
    request->done(*result);
}

void CacheCore::lookup_or_fill(TargetKey key, const Backing& backing, std::uint64_t device_sectors,
                               std::uint64_t lba, std::uint32_t sectors,
                               std::span<std::uint8_t> buffer, blockdev::BlockDevice::Done done,
                               bool fill_misses, blockdev::ReadView* view) {
  if (sectors == 0 || lba + sectors > device_sectors ||
      buffer.size() != std::size_t{sectors} * kSectorSize) {
    if (view) view->parts = {{buffer, nullptr}};
    return backing->read(lba, sectors, buffer, std::move(done));
  }

  auto request = std::make_shared<ReadRequest>(std::move(done));
  struct Start {
    std::shared_ptr<Block> fill;  // a new fill of block `lba`, or
    std::uint64_t lba;
    std::span<std::uint8_t> bypass;  // a straight read of these bytes at `lba`
  };
  std::vector<Start> starts;
  const std::uint64_t begin = lba * kSectorSize, end = begin + buffer.size();
  const std::uint64_t bs = config_.block_size;
  if (view) view->parts.assign((end - 1) / bs - begin / bs + 1, {});
  {
    std::lock_guard lock(mutex_);
    const auto t = now();
    for (std::uint64_t block = begin / bs; block * bs < end; ++block) {
      blockdev::ReadView::Part* part = view ? &view->parts[block - begin / bs] : nullptr;
      const std::uint64_t block_start = block * bs;
      const std::uint64_t lo = std::max(begin, block_start);
      const std::uint64_t hi = std::min(end, block_start + bs);
      const std::span<std::uint8_t> dest = buffer.subspan(lo - begin, hi - lo);
      const std::size_t offset = lo - block_start;
      const std::size_t length = block_bytes(device_sectors, block);
      const Key k{key, block};

      auto it = blocks_.find(k);
      if (it != blocks_.end() && !usable_locked(it, length, t)) it = blocks_.end();
      if (it != blocks_.end()) {
        Block& b = *it->second;
        if (b.read_ahead_unused) ++stats_.read_ahead_used;
        b.read_ahead_unused = false;
        if (b.filled) {
          ++stats_.hits;
          lru_.splice(lru_.begin(), lru_, b.lru);
          hand_over(b.data, offset, dest, part);
        } else {
          ++stats_.coalesced;
          request->parts.add_parts(1);
          b.waiters.push_back({request, dest, offset, part});
        }
        continue;
      }
      std::shared_ptr<Block> fill;
      if (fill_misses) fill = start_fill_locked(k, length, false);
      if (fill) {
        ++stats_.misses;
        request->parts.add_parts(1);
        fill->waiters.push_back({request, dest, offset, part});
        starts.push_back({std::move(fill), block * block_sectors_, {}});
        continue;
      }
      ++(fill_misses ? stats_.bypassed : stats_.uncached);
      if (part) *part = {dest, nullptr};
      // Straight reads of adjacent blocks go out as one read.
      if (!starts.empty() && !starts.back().fill &&
          starts.back().bypass.data() + starts.back().bypass.size() == dest.data()) {
        auto& prev = starts.back().bypass;
        prev = std::span<std::uint8_t>(prev.data(), prev.size() + dest.size());
        continue;
      }
      request->parts.add_parts(1);
      starts.push_back({nullptr, lo / kSectorSize, dest});
    }
  }
  for (auto& s : starts) {
    if (s.fill) {
      issue_fill(backing, s.lba, std::move(s.fill));
    } else {
      backing->read(s.lba, static_cast<std::uint32_t>(s.bypass.size() / kSectorSize), s.bypass,
                    [self = shared_from_this(), request](std::error_code ec) {
                      self->finish_part(request, ec, false);
                    });
    }
  }
  finish_part(request, {}, true);
}

std::uint64_t CacheCore::prefetch(TargetKey key, const Backing& backing,
                                  std::uint64_t device_sectors, std::uint64_t first_block,
                                  std::uint64_t count) {
  std::vector<std::shared_ptr<Block>> fills;
  std::uint64_t block = first_block;
  {
    std::lock_guard lock(mutex_);
    const auto t = now();
    for (; block < first_block + count; ++block) {
      const std::size_t length = block_bytes(device_sectors, block);
      if (length == 0) {
        block = first_block + count;  // past the end: nothing more to fetch
        break;
      }
      const Key k{key, block};
      auto it = blocks_.find(k);
      if (it != blocks_.end() && usable_locked(it, length, t)) continue;
      auto fill = start_fill_locked(k, length, true);
      if (!fill) break;
      ++stats_.read_ahead_issued;
      fills.push_back(std::move(fill));
    }
  }
  for (auto& f : fills) {
    const std::uint64_t lba = f->key.block * block_sectors_;
    issue_fill(backing, lba, std::move(f));
  }
  return block;
}

void CacheCore::write(TargetKey key, const Backing& backing, std::uint64_t lba,
                      std::uint32_t sectors, std::span<const std::uint8_t> buffer,
                      blockdev::BlockDevice::Done done) {
  if (sectors == 0) return backing->write(lba, sectors, buffer, std::move(done));
  const std::uint64_t bs = config_.block_size;
  const std::uint64_t begin = lba * kSectorSize, end = begin + std::uint64_t{sectors} * kSectorSize;
  {
    std::lock_guard lock(mutex_);
    for (std::uint64_t block = begin / bs; block * bs < end; ++block) ++writes_[{key, block}].count;
  }
  backing->write(
      lba, sectors, buffer,
      [self = shared_from_this(), key, lba, buffer, done = std::move(done)](std::error_code ec) {
        self->write_done(key, lba, buffer, ec);
        done(ec);
      });
}

void CacheCore::write_done(TargetKey key, std::uint64_t lba, std::span<const std::uint8_t> buffer,
                           std::error_code ec) {
  const std::uint64_t bs = config_.block_size;
  const std::uint64_t begin = lba * kSectorSize, end = begin + buffer.size();
  std::lock_guard lock(mutex_);
  for (std::uint64_t block = begin / bs; block * bs < end; ++block) {
    const Key k{key, block};
    auto w = writes_.find(k);
    bool overlapped = false;
    if (w != writes_.end()) {
      if (--w->second.count > 0) {
        w->second.overlapped = true;
        overlapped = true;
      } else {
        overlapped = w->second.overlapped;
        writes_.erase(w);
      }
    }
    auto it = blocks_.find(k);
    if (it == blocks_.end()) continue;
    Block& b = *it->second;
    if (!b.filled) {
      // Issued before this write completed: it may hold the old data.
      ++stats_.invalidations;
      detach_locked(it);
    } else if (ec || overlapped || b.data.pinned()) {
      // The device's contents are uncertain (failed write) or depend on the
      // order of concurrent writes, or a reply is being sent from the
      // block's bytes (a read racing this write: it keeps what it saw):
      // fetch again.
      ++stats_.invalidations;
      erase_filled_locked(it);
    } else {
      const std::uint64_t block_start = block * bs;
      const std::uint64_t lo = std::max(begin, block_start);
      const std::uint64_t hi = std::min(end, block_start + b.data.size());
      if (lo < hi)
        std::memcpy(b.data.data() + (lo - block_start), buffer.data() + (lo - begin), hi - lo);
    }
  }
}

void CacheCore::drop_target(TargetKey key) {
  std::lock_guard lock(mutex_);
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    auto next = std::next(it);
    if (it->first.target == key) {
      if (it->second->filled)
        erase_filled_locked(it);
      else
        detach_locked(it);
    }
    it = next;
  }
}

void CacheCore::clear() {
  std::lock_guard lock(mutex_);
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    auto next = std::next(it);
    if (it->second->filled)
      erase_filled_locked(it);
    else
      detach_locked(it);
    it = next;
  }
}

}  // namespace cache
