// An Engine on one recording link and a FakeTarget, stepped by hand: the
// test decides when sent frames reach the target, when answers come back
// and when deferred completions run (as the io_context would, after the
// handler that delivered the answers). For tests that look at single
// frames and at ordering; engine_rig.hpp runs a whole simulated network
// in virtual time instead.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "protocol/engine.hpp"
#include "support/fake_target.hpp"

namespace aoetest {

// Keeps every frame the engine sends, and for a gathered send
// (Link::send_gathered) where its payload was.
class RecordingLink final : public aoe::Link {
 public:
  struct Sent {
    std::vector<std::uint8_t> frame;        // head + payload, as on the wire
    std::size_t head_size = 0;              // all of it for a plain send()
    std::span<const std::uint8_t> payload;  // the caller's bytes; empty for send()
  };
  static constexpr aoe::MacAddress kMac{{0x02, 0, 0, 0, 0, 0x01}};

  const std::string& name() const override { return name_; }
  aoe::MacAddress mac() const override { return kMac; }
  unsigned mtu() const override { return 1500; }
  void start(Receiver) override {}
  void stop() override {}
  std::error_code send(std::span<const std::uint8_t> frame) override {
    sent.push_back({{frame.begin(), frame.end()}, frame.size(), {}});
    return {};
  }
  std::error_code send_gathered(std::span<const std::uint8_t> head,
                                std::span<const std::uint8_t> payload) override {
    Sent s{{head.begin(), head.end()}, head.size(), payload};
    s.frame.insert(s.frame.end(), payload.begin(), payload.end());
    sent.push_back(std::move(s));
    return {};
  }
  std::deque<Sent> sent;

 private:
  std::string name_ = "rec0";
};

struct SteppedWire {
  SteppedWire() {
    aoe::EngineConfig c;
    c.options.dead_timeout = std::chrono::seconds(10);
    engine = std::make_unique<aoe::Engine>(
        std::vector<aoe::Link*>{&link}, c,
        [this](std::function<void()> f) { deferred.push_back(std::move(f)); });
  }
  // Hands every frame sent so far to the target and its answers to the
  // engine (frames those answers make are left for the next call);
  // returns what was sent.
  std::vector<RecordingLink::Sent> deliver_sent() {
    std::vector<RecordingLink::Sent> all;
    for (auto n = link.sent.size(); n > 0; --n) {
      auto s = std::move(link.sent.front());
      link.sent.pop_front();
      if (auto answer = target.handle(s.frame)) {
        engine->on_frame(0, *answer, now);
        last_answer = *answer;
      }
      all.push_back(std::move(s));
    }
    return all;
  }
  // Hands every frame sent so far to the target and returns its answers,
  // in order, without delivering them: the test delivers them (or not),
  // in any order, one by one or as receive batches.
  std::vector<std::vector<std::uint8_t>> answers_to_sent() {
    std::vector<std::vector<std::uint8_t>> answers;
    for (; !link.sent.empty(); link.sent.pop_front())
      if (auto answer = target.handle(link.sent.front().frame)) answers.push_back(*answer);
    return answers;
  }
  // `frames` as one receive batch (Engine::on_frames), as one recvmmsg
  // would return them.
  void deliver_batch(const std::vector<std::vector<std::uint8_t>>& frames) {
    std::vector<std::span<const std::uint8_t>> batch(frames.begin(), frames.end());
    engine->on_frames(0, batch, now);
  }
  void run_deferred() {
    while (!deferred.empty()) {
      auto f = std::move(deferred.front());
      deferred.pop_front();
      f();
    }
  }
  // Until nothing is sent or deferred any more; returns the last answer
  // delivered meanwhile (empty if none).
  std::vector<std::uint8_t> exchange() {
    last_answer.clear();
    while (!link.sent.empty() || !deferred.empty()) {
      deliver_sent();
      run_deferred();
    }
    return last_answer;
  }

  RecordingLink link;
  FakeTarget target;
  std::deque<std::function<void()>> deferred;
  std::unique_ptr<aoe::Engine> engine;
  aoe::TimePoint now{};
  std::vector<std::uint8_t> last_answer;
};

}  // namespace aoetest
