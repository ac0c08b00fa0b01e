// aoefs_memfs MOUNTPOINT [--target SHELF.SLOT:SECTORS]... [--delay-us N] [--io-uring] [-o OPTS]
// Serves the daemon's filesystem over in-memory disks until unmounted:
// tests the FUSE layer without a network. Foreground only.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "aoefs/fs/fuse_mount.hpp"
#include "support/memory_block_device.hpp"

int main(int argc, char** argv) {
  std::string mountpoint;
  std::vector<std::pair<aoe::TargetAddress, std::uint64_t>> targets;
  std::vector<std::string> fuse_options;
  long delay_us = 0;
  aoefs::FsContext ctx;
  ctx.options.uid = ::getuid();
  ctx.options.gid = ::getgid();
  ctx.options.mount_time = std::time(nullptr);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--target" && i + 1 < argc) {
      unsigned shelf, slot;
      unsigned long long sectors;
      if (std::sscanf(argv[++i], "%u.%u:%llu", &shelf, &slot, &sectors) != 3) {
        std::fprintf(stderr, "bad --target %s (SHELF.SLOT:SECTORS)\n", argv[i]);
        return 2;
      }
      targets.push_back(
          {aoe::TargetAddress{static_cast<std::uint16_t>(shelf), static_cast<std::uint8_t>(slot)},
           sectors});
    } else if (a == "--delay-us" && i + 1 < argc) {
      delay_us = std::atol(argv[++i]);
    } else if (a == "--direct-io") {
      ctx.options.direct_io = true;
    } else if (a == "--io-uring") {
      ctx.options.io_uring = true;
    } else if (a == "--ro") {
      ctx.options.read_only = true;
    } else if (a == "-d") {
      ctx.options.debug = true;
    } else if (a == "-o" && i + 1 < argc) {
      fuse_options.push_back(argv[++i]);
    } else if (mountpoint.empty()) {
      mountpoint = a;
    } else {
      std::fprintf(stderr,
                   "usage: aoefs_memfs MOUNTPOINT [--target S.S:SECTORS]... [--delay-us N] "
                   "[--direct-io] [--io-uring] [--ro] [-d]\n");
      return 2;
    }
  }
  if (mountpoint.empty()) return 2;
  aoefs::TargetTable table;
  for (auto [address, sectors] : targets) {
    auto dev = std::make_shared<aoetest::MemoryBlockDevice>(sectors);
    dev->set_delay(std::chrono::microseconds(delay_us));
    table.update(address, true, dev);
  }
  ctx.table = &table;
  auto opened = aoefs::MountPoint::open(mountpoint);
  if (!opened) {
    std::fprintf(stderr, "aoefs_memfs: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto mounted = aoefs::FuseMount::mount(ctx, std::move(opened).value(), fuse_options, false);
  if (!mounted) {
    std::fprintf(stderr, "aoefs_memfs: %s\n", mounted.error().message.c_str());
    return 1;
  }
  auto& mount = *mounted;
  std::fprintf(stderr, "aoefs_memfs: mounted on %s\n", mount->mountpoint().c_str());
  mount->run();
  mount.reset();
  return 0;
}
