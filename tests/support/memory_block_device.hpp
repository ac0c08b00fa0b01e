// MemoryBlockDevice: a blockdev::BlockDevice over a byte vector, for tests
// and the in-memory test mount (tests/tools/aoefs_memfs).
//
// Honors the BlockDevice contract: completions run on the device's own worker
// thread, never inline. Operations execute in submission order when the
// worker gets to them (not at submission), so a read-then-write sequence of
// two callers can interleave exactly as it would on a real disk.
// `set_delay` makes each operation take at least that long, widening races.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "blockdev/block_device.hpp"

namespace aoetest {

class MemoryBlockDevice : public blockdev::BlockDevice {
 public:
  explicit MemoryBlockDevice(std::uint64_t sectors);
  ~MemoryBlockDevice() override;  // finishes queued operations, then stops

  std::uint64_t size_sectors() const override { return sectors_; }
  void read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
            Done done) override;
  void write(std::uint64_t lba, std::uint32_t sectors, std::span<const std::uint8_t> buffer,
             Done done) override;
  void flush(Done done) override;

  void set_delay(std::chrono::microseconds delay) { state_->delay = delay; }
  // Makes every following operation fail with `ec` (empty: succeed again).
  void set_failure(std::error_code ec);

  // Direct access for checks (not synchronized with in-flight operations).
  std::vector<std::uint8_t>& bytes() { return state_->data; }
  std::uint64_t flush_count() const { return state_->flushes; }
  std::uint64_t write_count() const { return state_->writes; }

 private:
  // Shared with the worker thread, which may outlive the device object when
  // the last reference to the device is dropped inside a completion.
  struct State {
    std::vector<std::uint8_t> data;
    std::chrono::microseconds delay{0};
    std::error_code failure;
    std::uint64_t flushes = 0, writes = 0;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> queue;
    bool stopping = false;
  };
  void post(std::function<void()> task);
  static void run(std::shared_ptr<State> state);

  const std::uint64_t sectors_;
  std::shared_ptr<State> state_;
  std::thread worker_;
};

}  // namespace aoetest
