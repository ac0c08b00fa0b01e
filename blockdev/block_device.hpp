// BlockDevice: what the filesystem reads and writes — a disk of 512-byte
// sectors with asynchronous operations. The AoE initiator is one (adapted in
// aoefs/); the block cache (cache/) is another that wraps one.
//
// Contract:
//  * Operations address whole sectors. `buffer` holds sectors*512 bytes and
//    stays valid until `done` runs.
//  * `done` is called exactly once, possibly on another thread, never inline
//    from the call that started the operation.
//  * write's `done(ok)` means the device acknowledged the data (for AoE: the
//    target did); flush's `done(ok)` means it is on stable storage.
//  * discard (TRIM): the sectors' contents become undefined (targets
//    usually read them back as zeroes afterwards). Only devices whose
//    can_discard() is true implement it; callers check first (the default
//    fails with operation_not_supported, inline).
//  * size_sectors() may change while the device lives (a target resized);
//    it is read at each use, never cached by wrappers.
//  * Errors are std::error_code values from the layer below, passed through
//    unchanged; the FUSE edge maps them to errno.
//  * read_view: a read whose bytes may stay where the device holds them (a
//    cache's blocks) instead of being copied into `buffer`; what the device
//    does not hold is read into `buffer`. On success the view's parts cover
//    the sectors in order, each valid while its pin (or, without one,
//    `buffer`) lives. The default reads into `buffer`: one part.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <system_error>
#include <vector>

namespace blockdev {

inline constexpr std::uint32_t kSectorSize = 512;

struct ReadView {
  struct Part {
    std::span<const std::uint8_t> bytes;
    std::shared_ptr<const void> pin;  // keeps `bytes` alive; empty: they are in the caller's buffer
  };
  std::vector<Part> parts;
};

class BlockDevice {
 public:
  using Done = std::function<void(std::error_code)>;
  using ViewDone = std::function<void(std::error_code, ReadView)>;
  virtual ~BlockDevice() = default;

  virtual std::uint64_t size_sectors() const = 0;
  virtual void read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                    Done done) = 0;
  virtual void write(std::uint64_t lba, std::uint32_t sectors, std::span<const std::uint8_t> buffer,
                     Done done) = 0;
  virtual void flush(Done done) = 0;
  virtual void read_view(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                         ViewDone done) {
    read(lba, sectors, buffer, [buffer, done = std::move(done)](std::error_code ec) {
      ReadView view;
      if (!ec) view.parts.push_back({buffer, nullptr});
      done(ec, std::move(view));
    });
  }
  virtual bool can_discard() const { return false; }
  virtual void discard(std::uint64_t lba, std::uint64_t sectors, Done done) {
    (void)lba;
    (void)sectors;
    done(std::make_error_code(std::errc::operation_not_supported));
  }
};

}  // namespace blockdev
