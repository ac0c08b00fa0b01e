// synthetic_stats N [SEED]: the .stats text of a mount with N targets,
// written by the daemon's own renderer (stats/stats_report.hpp) with made-up
// counters, paths and latencies, on stdout. contrib/bench/stat-scaling puts
// it in a directory and times `aoefs stat DIR` on it (aoefs stat reads
// DIR/.stats, mounted or not).
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "aoefs/stats/stats_report.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: synthetic_stats N [SEED]\n");
    return 2;
  }
  const long n = std::strtol(argv[1], nullptr, 10);
  std::mt19937_64 random(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1);
  std::vector<aoefs::TargetReport> targets;
  for (long i = 0; i < n; ++i) {
    aoefs::TargetReport t;
    t.info.address = {static_cast<std::uint16_t>(i / 16), static_cast<std::uint8_t>(i % 16)};
    t.name = "e" + std::to_string(t.info.address.shelf) + "." + std::to_string(t.info.address.slot);
    t.info.up = random() % 10 != 0;
    t.info.capacity_sectors = (random() % 1024 + 1) << 11;
    t.info.model = "synthetic target";
    t.info.serial = "S" + std::to_string(i);
    t.info.buffer_count = 16;
    t.info.sectors_per_frame = 2;
    t.info.paths = {{"aoe0", *aoe::MacAddress::parse("02:00:00:00:00:01"), {}}};
    t.stats.requests = random() % 100000;
    t.stats.bytes_read = random() % (1ull << 34);
    t.stats.bytes_written = random() % (1ull << 34);
    t.stats.retransmits = random() % 100;
    t.stats.srtt = std::chrono::microseconds(100 + random() % 900);
    t.stats.window = 16;
    for (int k = 0; k < 50; ++k) {
      t.stats.latency.read.record(std::chrono::microseconds(50 + random() % 5000));
      t.stats.latency.write.record(std::chrono::microseconds(80 + random() % 9000));
    }
    targets.push_back(std::move(t));
  }
  aoefs::MountReport mount{"/synthetic", {"aoe0"}, "synthetic", 1, {{"dead_timeout", "60"}}};
  const std::string text = aoefs::render_stats(targets, {}, std::nullopt, {}, mount);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
