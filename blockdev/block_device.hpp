// BlockDevice: the seam of the data path — what the filesystem (aoefs/fs)
// reads and writes, a disk of 512-byte sectors with asynchronous operations.
// The AoE initiator is one (adapted in aoefs/); the block cache (cache/) is
// another that wraps one. Callers ask a device what it can do
// (capabilities()), never guess its type. This folder uses nothing else of
// the project.
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
//    capabilities().discard is true implement it; callers check first (the
//    default fails with operation_not_supported, inline).
//  * read-ahead: a device whose capabilities().read_ahead is true (the block
//    cache) gives each open file a device of its own, read_ahead_stream():
//    the same data and contract, plus that file's read-ahead state. Callers
//    use open_read_stream(), which falls back to the device itself.
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

// What a device can do beyond size, read, write and flush (all devices).
struct Capabilities {
  bool discard = false;     // discard() is implemented (TRIM)
  bool read_ahead = false;  // read_ahead_stream() gives an open file its own read-ahead
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
  virtual Capabilities capabilities() const { return {}; }
  virtual void discard(std::uint64_t /*lba*/, std::uint64_t /*sectors*/, Done done) {
    done(std::make_error_code(std::errc::operation_not_supported));
  }
  // REQUIRES: capabilities().read_ahead. A new device for one open file
  // over this one (see the contract above); the default has none (null).
  virtual std::shared_ptr<BlockDevice> read_ahead_stream(std::uint64_t /*max_read_ahead_bytes*/) {
    return nullptr;
  }
};

// The device one open file should read and write through: `device`'s
// read-ahead stream when it offers one, else `device` itself (null stays null).
inline std::shared_ptr<BlockDevice> open_read_stream(std::shared_ptr<BlockDevice> device,
                                                     std::uint64_t max_read_ahead_bytes) {
  if (!device || !device->capabilities().read_ahead) return device;
  return device->read_ahead_stream(max_read_ahead_bytes);
}

}  // namespace blockdev
