// CacheStats as Prometheus text.
#include <catch2/catch.hpp>

#include "cache/stats_text.hpp"

TEST_CASE("cache stats: Prometheus text has one typed sample per counter") {
  cache::CacheStats s;
  s.hits = 12;
  s.read_ahead_wasted = 3;
  s.bytes_held = 65536;
  const std::string text = cache::to_prometheus_text(s);
  CHECK(text.find("# TYPE aoefs_cache_hits_total counter\naoefs_cache_hits_total 12\n") !=
        std::string::npos);
  CHECK(text.find("aoefs_cache_read_ahead_wasted_total 3\n") != std::string::npos);
  CHECK(text.find("# TYPE aoefs_cache_held_bytes gauge\naoefs_cache_held_bytes 65536\n") !=
        std::string::npos);
  CHECK(text.find("aoefs_cache_misses_total 0\n") != std::string::npos);
  CHECK(text.back() == '\n');
  CHECK(cache::to_prometheus_text(s, "x_").find("x_hits_total 12\n") != std::string::npos);
}
