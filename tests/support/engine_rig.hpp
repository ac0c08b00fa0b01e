// An Engine on a SimNetwork in virtual time, with blocking-style helpers for
// unit tests of protocol rules (engine.hpp): each helper starts one
// operation and runs the simulation until it completed (or fails the test
// when it has not within `limit` of virtual time). Helpers name the target
// first; the lba-first forms are for tests of the one target e1.0.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <system_error>
#include <vector>

#include "protocol/engine.hpp"
#include "support/sim_network.hpp"

namespace aoetest {

struct EngineRig {
  explicit EngineRig(WireFaults faults = {}, unsigned mtu = 1500,
                     aoe::EngineConfig config = make_config())
      : net(faults), config(config) {
    net.add_link("sim0", aoe::MacAddress{{0x02, 0, 0, 0, 0, 0x01}}, mtu);
  }
  static aoe::EngineConfig make_config() {
    aoe::EngineConfig c;
    c.options.dead_timeout = std::chrono::seconds(10);
    c.options.discovery_interval = std::chrono::seconds(5);
    return c;
  }
  // A target answering on the given links of the network.
  FakeTarget& target(FakeTargetOptions o = {}, std::vector<std::size_t> links = {0}) {
    return net.add_target(std::move(o), std::move(links));
  }
  void start() {
    engine = std::make_unique<aoe::Engine>(net.links(), config, net.deferrer());
    engine->set_target_listener([this](const aoe::TargetInfo& i) { events.push_back(i); });
    net.attach(*engine);
    engine->start(net.now());
  }
  // Whether the target is up within `limit` (discovery and IDENTIFY), with
  // nothing of discovery left pending (the flush probe answered: engine.hpp,
  // "Flush"), as a discovery round of the daemon waits.
  bool discovered(aoe::TargetAddress a = {1, 0}, aoe::Duration limit = std::chrono::seconds(2)) {
    return net.run_until(
        [&] {
          auto t = engine->target(a);
          return t && t->up && !engine->identifying(a);
        },
        limit);
  }
  std::error_code write(aoe::TargetAddress a, std::uint64_t lba,
                        const std::vector<std::uint8_t>& data,
                        aoe::Duration limit = std::chrono::seconds(60)) {
    return await(
        [&](aoe::Handler done) {
          engine->write(a, lba, sectors_in(data), data, std::move(done), net.now());
        },
        limit);
  }
  std::error_code read(aoe::TargetAddress a, std::uint64_t lba, std::vector<std::uint8_t>& data,
                       aoe::Duration limit = std::chrono::seconds(60)) {
    return await(
        [&](aoe::Handler done) {
          engine->read(a, lba, sectors_in(data), data, std::move(done), net.now());
        },
        limit);
  }
  std::error_code flush(aoe::TargetAddress a = {1, 0}) {
    return await([&](aoe::Handler done) { engine->flush(a, std::move(done), net.now()); },
                 std::chrono::seconds(60));
  }
  std::error_code write(std::uint64_t lba, const std::vector<std::uint8_t>& data,
                        aoe::TargetAddress a = {1, 0}) {
    return write(a, lba, data);
  }
  std::error_code read(std::uint64_t lba, std::vector<std::uint8_t>& data,
                       aoe::TargetAddress a = {1, 0}) {
    return read(a, lba, data);
  }
  aoe::TargetStats stats(aoe::TargetAddress a = {1, 0}) { return *engine->stats(a); }
  aoe::TargetInfo info(aoe::TargetAddress a = {1, 0}) { return *engine->target(a); }

  SimNetwork net;
  aoe::EngineConfig config;
  std::unique_ptr<aoe::Engine> engine;
  std::vector<aoe::TargetInfo> events;

 private:
  static std::uint32_t sectors_in(const std::vector<std::uint8_t>& data) {
    return static_cast<std::uint32_t>(data.size() / 512);
  }
  // Starts one operation (`start` gets its handler) and runs the network
  // until it completed.
  template <class Start>
  std::error_code await(Start start, aoe::Duration limit) {
    std::optional<std::error_code> result;
    start([&](std::error_code ec) { result = ec; });
    REQUIRE(net.run_until([&] { return result.has_value(); }, limit));
    return *result;
  }
};

inline std::vector<std::uint8_t> random_bytes(std::size_t bytes, std::uint32_t seed) {
  std::vector<std::uint8_t> v(bytes);
  std::mt19937 g(seed);
  for (auto& b : v) b = static_cast<std::uint8_t>(g());
  return v;
}

}  // namespace aoetest
