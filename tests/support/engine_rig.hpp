// An Engine on a SimNetwork in virtual time, with blocking-style helpers for
// unit tests of protocol rules (engine.hpp): each helper starts one
// operation and runs the simulation until it completed.
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
  FakeTarget& target(FakeTargetOptions o = {}) { return net.add_target(std::move(o)); }
  void start() {
    engine = std::make_unique<aoe::Engine>(net.links(), config, net.deferrer());
    engine->set_target_listener([this](const aoe::TargetInfo& i) { events.push_back(i); });
    net.attach(*engine);
    engine->start(net.now());
  }
  bool discovered(aoe::TargetAddress a = {1, 0}) {
    return net.run_until(
        [&] {
          auto t = engine->target(a);
          return t && t->up;
        },
        std::chrono::seconds(2));
  }
  std::error_code write(std::uint64_t lba, const std::vector<std::uint8_t>& data,
                        aoe::TargetAddress a = {1, 0}) {
    std::optional<std::error_code> result;
    engine->write(
        a, lba, static_cast<std::uint32_t>(data.size() / 512), data,
        [&](std::error_code ec) { result = ec; }, net.now());
    REQUIRE(net.run_until([&] { return result.has_value(); }, std::chrono::seconds(60)));
    return *result;
  }
  std::error_code read(std::uint64_t lba, std::vector<std::uint8_t>& data,
                       aoe::TargetAddress a = {1, 0}) {
    std::optional<std::error_code> result;
    engine->read(
        a, lba, static_cast<std::uint32_t>(data.size() / 512), data,
        [&](std::error_code ec) { result = ec; }, net.now());
    REQUIRE(net.run_until([&] { return result.has_value(); }, std::chrono::seconds(60)));
    return *result;
  }
  std::error_code flush(aoe::TargetAddress a = {1, 0}) {
    std::optional<std::error_code> result;
    engine->flush(
        a, [&](std::error_code ec) { result = ec; }, net.now());
    REQUIRE(net.run_until([&] { return result.has_value(); }, std::chrono::seconds(60)));
    return *result;
  }
  aoe::TargetStats stats(aoe::TargetAddress a = {1, 0}) { return *engine->stats(a); }
  aoe::TargetInfo info(aoe::TargetAddress a = {1, 0}) { return *engine->target(a); }

  SimNetwork net;
  aoe::EngineConfig config;
  std::unique_ptr<aoe::Engine> engine;
  std::vector<aoe::TargetInfo> events;
};

inline std::vector<std::uint8_t> random_bytes(std::size_t bytes, std::uint32_t seed) {
  std::vector<std::uint8_t> v(bytes);
  std::mt19937 g(seed);
  for (auto& b : v) b = static_cast<std::uint8_t>(g());
  return v;
}

}  // namespace aoetest
