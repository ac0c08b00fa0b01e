#include "aoefs/util/buffer_pool.hpp"

#include <bit>
#include <mutex>
#include <vector>

namespace aoefs {

// One free list per power-of-two class. Free buffers are kept LIFO: the most
// recently used one is the likeliest to be in the CPU cache.
struct BufferPool::Buffer::Shared {
  explicit Shared(std::size_t max_free) : max_free_bytes(max_free) {}
  ~Shared() {
    for (auto& list : free)
      for (auto* p : list) ::operator delete(p);
  }
  static constexpr int kClasses = 48;
  const std::size_t max_free_bytes;
  std::mutex mutex;
  std::vector<std::uint8_t*> free[kClasses];
  std::size_t free_bytes = 0;
  Counters counters;

  static int class_of(std::size_t capacity) { return std::countr_zero(capacity); }

  std::uint8_t* take(std::size_t capacity) {
    {
      std::lock_guard g(mutex);
      ++counters.taken;
      auto& list = free[class_of(capacity)];
      if (!list.empty()) {
        auto* p = list.back();
        list.pop_back();
        free_bytes -= capacity;
        ++counters.reused;
        return p;
      }
    }
    return static_cast<std::uint8_t*>(::operator new(capacity));
  }

  void give_back(std::uint8_t* p, std::size_t capacity) {
    {
      std::lock_guard g(mutex);
      if (free_bytes + capacity <= max_free_bytes) {
        free[class_of(capacity)].push_back(p);
        free_bytes += capacity;
        return;
      }
    }
    ::operator delete(p);
  }
};

BufferPool::Buffer::Buffer(Buffer&& other) noexcept
    : pool_(std::move(other.pool_)),
      data_(other.data_),
      size_(other.size_),
      capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

BufferPool::Buffer& BufferPool::Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
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
  size_ = capacity_ = 0;
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
  b.capacity_ = std::bit_ceil(bytes);
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
