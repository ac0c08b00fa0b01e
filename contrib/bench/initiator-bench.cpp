// aoefs-bench-initiator: reads or writes a whole target through the
// initiator alone (no FUSE, no cache) with the window limited to WINDOW
// frames, and prints the same line as raw-baseline, then operation figures:
//   "<MB/s> <round trips/s> <bytes> <retransmits> <ops/s> <mean µs> <p99 µs>"
//
//   aoefs-bench-initiator IFACE SHELF SLOT OP WINDOW [MAX_BYTES [QD]]
//   (env AOEFS_BENCH_BUSY_POLL_US overrides RawSocketLink's busy polling)
//
// OP read|write: sequential operations of 256 sectors over the whole target
// (or MAX_BYTES), 8 kept outstanding, so the engine's queue always holds
// more than one window of frames. OP randread|randwrite: 4 KiB operations
// at random 4 KiB-aligned offsets (fixed seed), QD (default 1) kept
// outstanding, until MAX_BYTES are done: the initiator-alone counterpart of
// fio's random 4k jobs. Latency is per operation, issue to completion.
#include <utility>
#include "protocol/io/asio.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "protocol/io/initiator.hpp"
#include "protocol/io/raw_socket_link.hpp"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: aoefs-bench-initiator IFACE SHELF SLOT read|write|randread|randwrite "
                 "WINDOW [MAX_BYTES [QD]]\n");
    return 2;
  }
  const aoe::TargetAddress address{static_cast<std::uint16_t>(std::atoi(argv[2])),
                                   static_cast<std::uint8_t>(std::atoi(argv[3]))};
  const bool write = std::strcmp(argv[4], "write") == 0 || std::strcmp(argv[4], "randwrite") == 0;
  const bool random = std::strncmp(argv[4], "rand", 4) == 0;
  const unsigned window = std::atoi(argv[5]);
  const std::uint64_t max_bytes = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : ~0ull;
  const unsigned queue_depth = argc > 7 ? std::max(1, std::atoi(argv[7])) : 1;

  boost::asio::io_context io;
  auto opened = aoe::RawSocketLink::open(io, argv[1]);
  if (!opened) {
    std::fprintf(stderr, "cannot open %s: %s\n", argv[1], opened.error().message().c_str());
    return 1;
  }
  auto link = std::move(*opened);
  // AOEFS_BENCH_BUSY_POLL_US: compare busy-polling settings (default: the
  // link's own default).
  if (const char* spin = std::getenv("AOEFS_BENCH_BUSY_POLL_US"))
    link->set_busy_poll(std::chrono::microseconds(std::atol(spin)));
  std::vector<std::unique_ptr<aoe::Link>> links;
  links.push_back(std::move(link));
  aoe::InitiatorOptions options;
  options.max_window = window;
  aoe::Initiator ini(io, std::move(links), options);
  ini.start();
  bool found = false;
  for (int i = 0; i < 200 && !found; ++i) {
    io.run_for(std::chrono::milliseconds(10));
    auto t = ini.target(address);
    found = t && t->up;
  }
  if (!found) {
    std::fprintf(stderr, "target e%u.%u not found on %s\n", address.shelf, address.slot, argv[1]);
    return 1;
  }
  const std::uint64_t capacity = ini.target(address)->capacity_sectors;
  std::uint64_t sectors = capacity;
  if (max_bytes / 512 < sectors) sectors = max_bytes / 512;

  const std::uint32_t op_sectors = random ? 8 : 256;
  if (capacity < op_sectors) {
    std::fprintf(stderr, "target e%u.%u is smaller than one operation\n", address.shelf,
                 address.slot);
    return 1;
  }
  const unsigned outstanding = random ? queue_depth : 8;
  std::vector<std::vector<std::uint8_t>> buffers(outstanding,
                                                 std::vector<std::uint8_t>(op_sectors * 512, 0xa5));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> pick(0, capacity / op_sectors - 1);
  std::vector<double> latencies_us;
  const auto before = *ini.stats(address);
  std::uint64_t next = 0, completed = 0;
  bool failed = false;
  std::function<void(unsigned)> issue = [&](unsigned slot) {
    if (next >= sectors || failed) return;
    const std::uint64_t lba = random ? pick(rng) * op_sectors : next;
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(op_sectors, sectors - next));
    next += n;
    const auto issued = std::chrono::steady_clock::now();
    auto done = [&, slot, n, issued](std::error_code e) {
      if (e) {
        std::fprintf(stderr, "I/O failed: %s\n", e.message().c_str());
        failed = true;
        io.stop();
        return;
      }
      latencies_us.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - issued)
              .count());
      completed += n;
      if (completed == sectors) io.stop();
      issue(slot);
    };
    std::span<std::uint8_t> buf(buffers[slot].data(), std::size_t{n} * 512);
    if (write)
      ini.write(address, lba, n, buf, done);
    else
      ini.read(address, lba, n, buf, done);
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned s = 0; s < outstanding; ++s) issue(s);
  io.restart();
  io.run();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failed) return 1;
  const auto after = *ini.stats(address);
  const double bytes = static_cast<double>(sectors) * 512;
  std::sort(latencies_us.begin(), latencies_us.end());
  double mean_us = 0;
  for (double l : latencies_us) mean_us += l;
  mean_us /= static_cast<double>(latencies_us.size());
  const double p99_us =
      latencies_us[std::min(latencies_us.size() - 1, latencies_us.size() * 99 / 100)];
  std::printf("%.1f %.0f %.0f %llu %.0f %.1f %.1f\n", bytes / secs / 1e6,
              static_cast<double>(after.frames_received - before.frames_received) / secs, bytes,
              static_cast<unsigned long long>(after.retransmits - before.retransmits),
              static_cast<double>(latencies_us.size()) / secs, mean_us, p99_us);
  return 0;
}
