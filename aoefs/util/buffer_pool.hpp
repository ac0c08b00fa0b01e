// BufferPool: reusable byte buffers for request data (FUSE reads and writes
// of up to the maximum I/O size), so the daemon's steady state neither maps
// nor faults in memory.
//
// Why: the heap policy (aoefs/daemon/memory_policy.hpp) gives every allocation above
// 128 KiB its own mapping, returned at free. A fresh 1 MiB buffer per request
// then costs 256 page faults that the kernel answers by zeroing a page each,
// more work than the request itself on sequential reads (README.md, Status,
// Speed). A buffer taken from here keeps its pages between requests.
//
// Contract:
//  * take(n) returns a buffer of size() == n; its bytes are not initialised.
//    Sizes round up to a multiple of kMinClass bytes (the buffer's class);
//    smaller requests come from the heap directly (the heap reuses them
//    without faults).
//  * A buffer goes back to its pool when destroyed. The pool keeps at most
//    `max_free_bytes` in free buffers and frees the rest, so its memory is
//    the buffers in use plus that constant.
//  * Thread-safe; a buffer may be destroyed on any thread, also after the
//    pool it came from (the pool's state is shared with its buffers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace aoefs {

class BufferPool {
 public:
  static constexpr std::size_t kMinClass = 64 * 1024;

  class Buffer {
   public:
    Buffer() = default;
    Buffer(Buffer&& other) noexcept;
    Buffer& operator=(Buffer&& other) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();

    std::uint8_t* data() { return data_ + offset_; }
    const std::uint8_t* data() const { return data_ + offset_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t capacity() const { return capacity_; }
    // Shrinks the visible size (n <= size()); the capacity stays.
    void truncate(std::size_t n) {
      if (n < size_) size_ = n;
    }
    // REQUIRES: offset + n <= size(). Only [offset, offset + n) of the
    // current bytes stay visible; the whole buffer still goes back to the pool.
    void narrow(std::size_t offset, std::size_t n) {
      offset_ += offset;
      size_ = n;
    }
    std::span<std::uint8_t> span() { return {data(), size_}; }
    std::span<const std::uint8_t> span() const { return {data(), size_}; }

   private:
    friend class BufferPool;
    struct Shared;
    void release();
    std::shared_ptr<Shared> pool_;
    std::uint8_t* data_ = nullptr;  // the allocation
    std::size_t offset_ = 0;        // where the visible bytes start in it
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
  };

  explicit BufferPool(std::size_t max_free_bytes);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  Buffer take(std::size_t bytes);

  struct Counters {
    std::uint64_t taken = 0;     // buffers handed out
    std::uint64_t reused = 0;    // of those, served from a free buffer
    std::size_t free_bytes = 0;  // held in free buffers now
  };
  Counters counters() const;

  // The daemon's pool for request buffers (32 MiB of free buffers at most:
  // a queue of 16 to 32 in-flight 1 MiB requests keeps all its buffers).
  static BufferPool& requests();

 private:
  std::shared_ptr<Buffer::Shared> shared_;
};

}  // namespace aoefs
