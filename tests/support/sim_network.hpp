// A simulated AoE network in virtual time, for deterministic unit tests of
// the protocol engine (protocol/engine.hpp) against fake targets.
//
// SimLinks stand for the initiator's ports; FakeTargets hang off them. Every
// frame travels with `latency`, and, drawn from a seeded PRNG, may be
// dropped, reordered (extra random delay up to `jitter`), duplicated, or
// stalled (held `stall_delay`, as in a long queue: makes the initiator
// retransmit while the original is still on its way). Ethernet never
// duplicates a frame by itself, so a duplicated *request* arrives right
// behind its original; a duplicated *answer* may arrive any time within the
// jitter. Nothing here sleeps: run_until() jumps from event to event and
// calls Engine::on_timer() when the engine's next wakeup comes first.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "fake_target.hpp"
#include "protocol/clock.hpp"
#include "protocol/engine.hpp"
#include "protocol/link.hpp"

namespace aoetest {

struct WireFaults {
  double drop = 0;
  double duplicate = 0;
  double reorder = 0;
  double stall = 0;  // requests only
  aoe::Duration latency = std::chrono::microseconds(50);
  aoe::Duration jitter = std::chrono::milliseconds(2);
  aoe::Duration stall_delay = std::chrono::milliseconds(300);
  // Extra delay of the duplicate copy of a request (a duplicating relay that
  // holds its copy back); the original is not delayed.
  aoe::Duration duplicate_delay{0};
  std::uint64_t seed = 1;
  // Frames longer than this (bytes, Ethernet header included) are lost in
  // either direction, as behind a switch with a smaller MTU; 0: no limit.
  std::size_t max_frame = 0;
};

struct WireCounters {
  std::uint64_t to_targets = 0, to_initiator = 0;
  std::uint64_t dropped = 0, duplicated = 0, reordered = 0, stalled = 0;
  std::uint64_t too_big = 0;  // lost to max_frame
  std::uint64_t held = 0;     // answers held back by a target (late_chance)
};

class SimNetwork;

class SimLink final : public aoe::Link {
 public:
  SimLink(SimNetwork& net, std::size_t index, std::string name, aoe::MacAddress mac, unsigned mtu)
      : net_(net), index_(index), name_(std::move(name)), mac_(mac), mtu_(mtu) {}
  const std::string& name() const override { return name_; }
  aoe::MacAddress mac() const override { return mac_; }
  unsigned mtu() const override { return mtu_; }
  void start(Receiver) override {}
  void stop() override {}
  std::error_code send(std::span<const std::uint8_t> frame) override;
  std::vector<std::vector<std::uint8_t>> sent;  // every frame, if `record`
  bool record = false;

 private:
  SimNetwork& net_;
  std::size_t index_;
  std::string name_;
  aoe::MacAddress mac_;
  unsigned mtu_;
};

class SimNetwork {
 public:
  explicit SimNetwork(WireFaults faults = {});

  aoe::TimePoint now() const { return now_; }
  SimLink& add_link(std::string name, aoe::MacAddress mac, unsigned mtu = 1500);
  // A target reachable through the given links (indexes of add_link order).
  FakeTarget& add_target(FakeTargetOptions options, std::vector<std::size_t> links = {0});
  std::vector<aoe::Link*> links();

  // Completions the engine defers are queued here and run between events.
  aoe::Engine::Defer deferrer();
  // Engines on the initiator side. Several attached engines share the
  // links, as daemons sharing a NIC (and its MAC) do: each hears every
  // frame that arrives on a link.
  void attach(aoe::Engine& engine) { engines_.push_back(&engine); }

  // Runs events until pred() holds (true) or `limit` of virtual time passed
  // (pred()'s value then).
  bool run_until(const std::function<bool()>& pred, aoe::Duration limit);
  void run_for(aoe::Duration d) {
    run_until([] { return false; }, d);
  }
  void run_deferred();

  WireFaults& faults() { return faults_; }
  // New fault settings, and the PRNG restarted from their seed.
  void set_faults(const WireFaults& f) {
    faults_ = f;
    rng_.seed(f.seed);
  }
  // A port whose cable is pulled: every frame on it is lost, both ways.
  void set_link_down(std::size_t link, bool down) {
    if (link_down_.size() <= link) link_down_.resize(link + 1, false);
    link_down_[link] = down;
  }
  // A target that stops serving for `d` from now (a disk stall, a busy
  // host): requests queue and are answered in order when it resumes.
  void stall_target(FakeTarget& target, aoe::Duration d);
  const WireCounters& counters() const { return counters_; }

  // Called by SimLink::send.
  void from_initiator(std::size_t link, std::span<const std::uint8_t> frame);

 private:
  struct Event {
    aoe::TimePoint at;
    std::uint64_t seq;
    bool to_target;
    std::size_t link;
    FakeTarget* target;
    std::vector<std::uint8_t> bytes;
    bool release = false;  // time to let a target's overdue held answers go
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  struct Held {
    std::vector<std::uint8_t> bytes;
    std::size_t link;
    unsigned remaining;  // later answers still to leave first
    aoe::TimePoint until;
  };
  struct Attached {
    std::unique_ptr<FakeTarget> target;
    std::vector<std::size_t> links;
    aoe::TimePoint busy_until{};
    std::vector<Held> held;
  };
  void schedule(bool to_target, std::size_t link, FakeTarget* target,
                std::span<const std::uint8_t> bytes, aoe::Duration extra = {});
  void answer(Attached& a, std::size_t link, std::span<const std::uint8_t> request,
              std::vector<std::uint8_t> bytes);
  void release_held(Attached& a, bool overdue_only, aoe::Duration extra);
  Attached* attached(FakeTarget* target);
  void push(aoe::TimePoint at, bool to_target, std::size_t link, FakeTarget* target,
            std::vector<std::uint8_t> bytes);
  bool chance(double p);
  aoe::Duration jitter();

  WireFaults faults_;
  std::mt19937_64 rng_;
  aoe::TimePoint now_;
  std::uint64_t seq_ = 0;
  std::vector<std::unique_ptr<SimLink>> links_;
  std::vector<Attached> targets_;
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  std::deque<std::function<void()>> deferred_;
  std::vector<aoe::Engine*> engines_;
  WireCounters counters_;
  std::vector<bool> link_down_;
};

}  // namespace aoetest
