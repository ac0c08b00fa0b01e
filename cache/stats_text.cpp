#include "cache/stats_text.hpp"

#include <cstdint>

namespace cache {

std::string to_prometheus_text(const CacheStats& s, std::string_view prefix) {
  struct Metric {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t value;
  };
  const Metric metrics[] = {
      {"hits_total", "counter", "Block reads answered from the cache.", s.hits},
      {"misses_total", "counter", "Block reads that started a fill from the target.", s.misses},
      {"coalesced_total", "counter", "Block reads that joined a fill already in flight.",
       s.coalesced},
      {"bypassed_total", "counter", "Block reads sent straight to the target (budget full).",
       s.bypassed},
      {"uncached_total", "counter", "Random block reads sent straight to the target, not cached.",
       s.uncached},
      {"read_ahead_issued_total", "counter", "Blocks fetched ahead.", s.read_ahead_issued},
      {"read_ahead_used_total", "counter", "Blocks fetched ahead and then read.",
       s.read_ahead_used},
      {"read_ahead_wasted_total", "counter", "Blocks fetched ahead and dropped unread.",
       s.read_ahead_wasted},
      {"evictions_total", "counter", "Blocks evicted for room.", s.evictions},
      {"expirations_total", "counter", "Blocks dropped because they were too old.", s.expirations},
      {"invalidations_total", "counter", "Blocks dropped or detached because of writes.",
       s.invalidations},
      {"fill_errors_total", "counter", "Fills that failed.", s.fill_errors},
      {"held_bytes", "gauge", "Bytes of filled blocks held.", s.bytes_held},
      {"in_flight_bytes", "gauge", "Bytes reserved by fills in flight.", s.bytes_in_flight},
      {"spare_bytes", "gauge", "Bytes of buffers kept for the next fills.", s.bytes_spare},
      {"buffers_reused_total", "counter", "Fills that reused the buffer of a dropped block.",
       s.buffers_reused},
  };
  std::string out;
  for (const auto& m : metrics) {
    std::string name(prefix);
    name += m.name;
    out += "# HELP " + name + " " + m.help + "\n";
    out += "# TYPE " + name + " " + m.type + "\n";
    out += name + " " + std::to_string(m.value) + "\n";
  }
  return out;
}

}  // namespace cache
