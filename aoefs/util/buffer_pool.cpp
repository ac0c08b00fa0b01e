#include "aoefs/util/buffer_pool.hpp"

#include <mutex>
#include <vector>

namespace aoefs {

// One free list per class (a multiple of kMinClass bytes). Free buffers are
// kept LIFO: the most recently used one is the likeliest to be in the CPU
// cache. Classes are that fine so that a buffer just above a power of two
// (a FUSE request buffer: 1 MiB of data plus a header page) does not take
// twice its size out of the free-memory bound.
struct BufferPool::Buffer::Shared {
  explicit Shared(std::size_t max_free)
      : max_free_bytes(max_free), free(max_free / kMinClass + 1) {}
  ~Shared() {
    for (auto& list : free)
      for (auto* p : list) ::operator delete(p);
  }
  const std::size_t max_free_bytes;
  std::mutex mutex;
  std::vector<std::vector<std::uint8_t*>> free;  // by capacity / kMinClass
  std::size_t free_bytes = 0;
  Counters counters;

  static std::size_t class_of(std::size_t capacity) { return capacity / kMinClass; }

  std::uint8_t* take(std::size_t capacity) {
    {
      std::lock_guard g(mutex);
      ++counters.taken;
      auto* list = class_of(capacity) < free.size() ? &free[class_of(capacity)] : nullptr;
      if (list && !list->empty()) {
        auto* p = list->back();
        list->pop_back();
        free_bytes -= capacity;
        ++counters.reused;
        return p;
      }
    }
    return static_cast<std::uint8_t*>(::operator new(capacity));
  }

  // A buffer coming back is of the class in use now: free buffers of other
  // classes (an earlier workload's) make room for it before it is freed.
  void give_back(std::uint8_t* p, std::size_t capacity) {
    std::vector<std::uint8_t*> dropped;
    {
      std::lock_guard g(mutex);
      const std::size_t own = class_of(capacity);
      const bool fits = capacity <= max_free_bytes;
      for (std::size_t c = free.size();
           fits && c-- > 0 && free_bytes + capacity > max_free_bytes;) {
        if (c == own) continue;
        while (!free[c].empty() && free_bytes + capacity > max_free_bytes) {
          dropped.push_back(free[c].back());
          free[c].pop_back();
          free_bytes -= c * kMinClass;
        }
      }
      if (free_bytes + capacity <= max_free_bytes) {
        free[own].push_back(p);
        free_bytes += capacity;
        p = nullptr;
      }
    }
    for (auto* d : dropped) ::operator delete(d);
    if (p) ::operator delete(p);
  }
};

BufferPool::Buffer::Buffer(Buffer&& other) noexcept
    : pool_(std::move(other.pool_)),
      data_(other.data_),
      offset_(other.offset_),
      size_(other.size_),
      capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.offset_ = other.size_ = other.capacity_ = 0;
}

BufferPool::Buffer& BufferPool::Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    data_ = other.data_;
    offset_ = other.offset_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.offset_ = other.size_ = other.capacity_ = 0;
  }
  return *this;
}

BufferPool::Buffer::~Buffer() { release(); }

void BufferPool::Buffer::release() {
  if (!data_) return;
  if (pool_)
    pool_->give_back(data_, capacity_);
  else
    ::operator delete(data_);
  pool_.reset();
  data_ = nullptr;
  offset_ = size_ = capacity_ = 0;
}

BufferPool::BufferPool(std::size_t max_free_bytes)
    : shared_(std::make_shared<Buffer::Shared>(max_free_bytes)) {}

BufferPool::~BufferPool() = default;

BufferPool::Buffer BufferPool::take(std::size_t bytes) {
  Buffer b;
  if (bytes == 0) return b;
  b.size_ = bytes;
  if (bytes < kMinClass) {
    b.capacity_ = bytes;
    b.data_ = static_cast<std::uint8_t*>(::operator new(bytes));
    return b;
  }
  b.capacity_ = (bytes + kMinClass - 1) / kMinClass * kMinClass;
  b.data_ = shared_->take(b.capacity_);
  b.pool_ = shared_;
  return b;
}

BufferPool::Counters BufferPool::counters() const {
  std::lock_guard g(shared_->mutex);
  Counters c = shared_->counters;
  c.free_bytes = shared_->free_bytes;
  return c;
}

BufferPool& BufferPool::requests() {
  static BufferPool pool(32u << 20);
  return pool;
}

}  // namespace aoefs
