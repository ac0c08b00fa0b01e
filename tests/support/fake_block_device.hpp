// FakeBlockDevice: a scriptable in-memory blockdev::BlockDevice for cache
// tests. Operations do not complete on their own: they wait in a pending
// list until the test completes them (in any order, successfully or with an
// error), so races can be staged step by step.
//
//  * A read takes its data when it is issued (the device served it then; only
//    the answer is late), so a read issued before a write and completed after
//    it returns the old contents — the adversarial case for a cache.
//  * A write changes the contents when it is completed successfully.
//  * Completing runs the operation's `done` on the completing thread, outside
//    the device's lock. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "blockdev/block_device.hpp"

namespace aoetest {

class FakeBlockDevice : public blockdev::BlockDevice {
 public:
  enum class Kind { read, write, flush };
  struct Op {
    Kind kind;
    std::uint64_t lba;
    std::uint32_t sectors;
  };

  explicit FakeBlockDevice(std::uint64_t sectors);

  std::uint64_t size_sectors() const override { return sectors_; }
  void read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
            Done done) override;
  void write(std::uint64_t lba, std::uint32_t sectors, std::span<const std::uint8_t> buffer,
             Done done) override;
  void flush(Done done) override;

  std::size_t pending() const;
  std::vector<Op> pending_ops() const;
  // Completes pending operation `index` (0 = oldest); false if none.
  bool complete(std::size_t index, std::error_code ec = {});
  // Completes a pending write successfully without changing the contents (as
  // if it had reached the disk before a later write that overwrote it).
  bool complete_without_effect(std::size_t index);
  bool complete_oldest(std::error_code ec = {}) { return complete(0, ec); }
  // Completes the oldest pending operation matching kind (and lba if given).
  bool complete_first(Kind kind, std::optional<std::uint64_t> lba = {}, std::error_code ec = {});
  // Completes everything, including operations started by completions.
  void complete_all(std::error_code ec = {});

  std::uint64_t reads() const;   // read calls so far
  std::uint64_t writes() const;  // write calls so far
  std::uint64_t sectors_read() const;

  // Contents (a copy), and direct changes as another host would make them.
  std::vector<std::uint8_t> contents() const;
  void poke(std::uint64_t offset, std::span<const std::uint8_t> bytes);

 private:
  bool complete_impl(std::size_t index, std::error_code ec, bool apply);
  struct Pending {
    Op op;
    std::span<std::uint8_t> read_buffer;
    std::vector<std::uint8_t> data;  // read: snapshot at issue; write: the bytes
    Done done;
  };
  const std::uint64_t sectors_;
  mutable std::mutex mutex_;
  std::vector<std::uint8_t> bytes_;
  std::deque<Pending> pending_;
  std::uint64_t reads_ = 0, writes_ = 0, sectors_read_ = 0;
};

}  // namespace aoetest
