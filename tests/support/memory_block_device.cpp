#include "support/memory_block_device.hpp"

#include <cstring>

namespace aoetest {

using blockdev::kSectorSize;

MemoryBlockDevice::MemoryBlockDevice(std::uint64_t sectors)
    : sectors_(sectors), state_(std::make_shared<State>()) {
  state_->data.resize(sectors * kSectorSize);
  worker_ = std::thread(run, state_);
}

MemoryBlockDevice::~MemoryBlockDevice() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  // Dropped from inside a completion: the worker ends on its own.
  if (worker_.get_id() == std::this_thread::get_id())
    worker_.detach();
  else
    worker_.join();
}

void MemoryBlockDevice::set_failure(std::error_code ec) {
  post([s = state_.get(), ec] { s->failure = ec; });
}

void MemoryBlockDevice::read(std::uint64_t lba, std::uint32_t sectors,
                             std::span<std::uint8_t> buffer, Done done) {
  post([s = state_.get(), total = sectors_, lba, sectors, buffer, done = std::move(done)] {
    if (s->failure) return done(s->failure);
    if (lba + sectors > total || buffer.size() != sectors * std::size_t{kSectorSize})
      return done(std::make_error_code(std::errc::invalid_argument));
    std::memcpy(buffer.data(), s->data.data() + lba * kSectorSize, buffer.size());
    done({});
  });
}

void MemoryBlockDevice::write(std::uint64_t lba, std::uint32_t sectors,
                              std::span<const std::uint8_t> buffer, Done done) {
  post([s = state_.get(), total = sectors_, lba, sectors, buffer, done = std::move(done)] {
    if (s->failure) return done(s->failure);
    if (lba + sectors > total || buffer.size() != sectors * std::size_t{kSectorSize})
      return done(std::make_error_code(std::errc::invalid_argument));
    std::memcpy(s->data.data() + lba * kSectorSize, buffer.data(), buffer.size());
    ++s->writes;
    done({});
  });
}

void MemoryBlockDevice::flush(Done done) {
  post([s = state_.get(), done = std::move(done)] {
    if (s->failure) return done(s->failure);
    ++s->flushes;
    done({});
  });
}

void MemoryBlockDevice::post(std::function<void()> task) {
  {
    std::lock_guard lock(state_->mutex);
    state_->queue.push_back(std::move(task));
  }
  state_->wake.notify_one();
}

void MemoryBlockDevice::run(std::shared_ptr<State> state) {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(state->mutex);
      state->wake.wait(lock, [&] { return state->stopping || !state->queue.empty(); });
      if (state->queue.empty()) return;
      task = std::move(state->queue.front());
      state->queue.pop_front();
    }
    if (state->delay.count() > 0) std::this_thread::sleep_for(state->delay);
    task();
  }
}

}  // namespace aoetest
