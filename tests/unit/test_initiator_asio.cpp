// The Initiator (Asio driver) over a MemoryLink to a fake target: threading
// and handler contracts. Real time, but only milliseconds of it.
#include <catch2/catch.hpp>

#include <utility>
#include "protocol/io/asio.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "protocol/codec/error.hpp"
#include "protocol/io/initiator.hpp"
#include "protocol/io/memory_link.hpp"
#include "support/fake_target.hpp"

using namespace std::chrono_literals;

namespace {

struct AsioRig {
  explicit AsioRig(bool submit_inline = false, bool answer_on_caller = false) {
    auto l = std::make_unique<aoe::MemoryLink>(io, "mem0", aoe::MacAddress{{2, 0, 0, 0, 0, 9}});
    link = l.get();
    link->set_wire([this](std::span<const std::uint8_t> frame) {
      if (auto answer = target.handle(frame)) link->deliver(*answer);
    });
    std::vector<std::unique_ptr<aoe::Link>> links;
    links.push_back(std::move(l));
    aoe::InitiatorOptions o;
    o.dead_timeout = 300ms;
    o.submit_inline = submit_inline;
    o.answer_on_caller = answer_on_caller;
    initiator = std::make_unique<aoe::Initiator>(io, std::move(links), o);
  }
  ~AsioRig() {
    initiator.reset();
    io.restart();
    io.run_for(50ms);  // let cancelled handlers run
  }
  bool discovered() {
    for (int i = 0; i < 200; ++i) {
      io.run_for(5ms);
      auto t = initiator->target({1, 0});
      if (t && t->up) return true;
    }
    return false;
  }
  boost::asio::io_context io;
  aoetest::FakeTarget target{[] {
    aoetest::FakeTargetOptions o;
    o.sectors = 256;
    return o;
  }()};
  aoe::MemoryLink* link = nullptr;
  std::unique_ptr<aoe::Initiator> initiator;
};

}  // namespace

TEST_CASE("initiator: discovery, write and read over a memory link", "[initiator]") {
  AsioRig rig;
  rig.initiator->start();
  REQUIRE(rig.discovered());
  std::vector<std::uint8_t> data(256 * 512);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  std::optional<std::error_code> w;
  rig.initiator->write({1, 0}, 0, 256, data, [&](std::error_code ec) { w = ec; });
  CHECK_FALSE(w);  // never inline
  while (!w) rig.io.run_one_for(1s);
  CHECK_FALSE(*w);
  CHECK(rig.target.disk() == data);
  std::vector<std::uint8_t> back(data.size());
  std::optional<std::error_code> r;
  rig.initiator->read({1, 0}, 0, 256, back, [&](std::error_code ec) { r = ec; });
  while (!r) rig.io.run_one_for(1s);
  CHECK_FALSE(*r);
  CHECK(back == data);
  std::optional<std::error_code> f;
  rig.initiator->flush({1, 0}, [&](std::error_code ec) { f = ec; });
  while (!f) rig.io.run_one_for(1s);
  CHECK_FALSE(*f);
  CHECK(rig.initiator->stats({1, 0})->requests == 3);
  CHECK(rig.initiator->local_macs().size() == 1);
}

TEST_CASE("initiator: calls from other threads, handlers on the io thread exactly once",
          "[initiator]") {
  AsioRig rig;
  rig.initiator->start();
  REQUIRE(rig.discovered());
  auto guard = boost::asio::make_work_guard(rig.io);
  std::thread::id io_thread;
  std::thread runner([&] {
    io_thread = std::this_thread::get_id();
    rig.io.restart();
    rig.io.run();
  });
  constexpr int kThreads = 4, kOps = 50;
  std::atomic<int> calls{0}, wrong_thread{0}, failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<std::uint8_t> buf(512 * 2);
      for (int i = 0; i < kOps; ++i) {
        std::promise<void> done;
        rig.initiator->read({1, 0}, static_cast<std::uint64_t>((t * kOps + i) % 250), 2, buf,
                            [&](std::error_code ec) {
                              if (std::this_thread::get_id() != io_thread) ++wrong_thread;
                              if (ec) ++failures;
                              ++calls;
                              done.set_value();  // a second call would throw
                            });
        done.get_future().wait();
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(calls == kThreads * kOps);
  CHECK(wrong_thread == 0);
  CHECK(failures == 0);
  guard.reset();
  rig.io.stop();
  runner.join();
}

TEST_CASE(
    "initiator: submit_inline sends a request's first frame inside the call; its handler later",
    "[initiator]") {
  const bool submit_inline = GENERATE(false, true);
  AsioRig rig(submit_inline);
  rig.initiator->start();
  REQUIRE(rig.discovered());
  std::size_t sent = 0;
  rig.link->set_wire([&](std::span<const std::uint8_t> frame) {
    ++sent;
    if (auto answer = rig.target.handle(frame)) rig.link->deliver(*answer);
  });
  std::vector<std::uint8_t> buf(512 * 2);
  std::optional<std::error_code> r;
  rig.initiator->read({1, 0}, 8, 2, buf, [&](std::error_code ec) { r = ec; });
  // Inline: sent on this thread, before the io_context ran anything (no
  // hop); posted: not before the io thread runs.
  CHECK(sent == (submit_inline ? 1u : 0u));
  CHECK_FALSE(r);  // never inline
  while (!r) rig.io.run_one_for(1s);
  CHECK_FALSE(*r);
  // Every stage the initiator times saw the read (request_stages.hpp); the
  // FUSE edge's `request` stage is not the initiator's.
  const auto stages = rig.initiator->link_stats().stages;
  for (auto stage : {aoe::RequestStage::submit, aoe::RequestStage::queued, aoe::RequestStage::wire})
    CHECK(stages[static_cast<std::size_t>(stage)].count == 1);
  CHECK(stages[static_cast<std::size_t>(aoe::RequestStage::completion)].count >= 1);
  CHECK(stages[static_cast<std::size_t>(aoe::RequestStage::request)].count == 0);
}

TEST_CASE("initiator: answer_on_caller takes a lone request's answer on the caller's thread",
          "[initiator]") {
  const bool answer_on_caller = GENERATE(false, true);
  AsioRig rig(false, answer_on_caller);
  rig.initiator->start();
  REQUIRE(rig.discovered());
  std::vector<std::uint8_t> data(512 * 4, 0x5a);
  std::copy(data.begin(), data.end(), rig.target.disk().begin() + 16 * 512);
  std::vector<std::uint8_t> buf(512 * 4);
  std::optional<std::error_code> r;
  bool inside_await = false;
  bool awaiting = false;
  rig.initiator->read({1, 0}, 16, 4, buf, [&](std::error_code ec) {
    r = ec;
    inside_await = awaiting;
  });
  CHECK_FALSE(r);  // never inside the call that started it
  // The io_context does not run here: only a caller receiving for itself
  // can complete the read.
  awaiting = true;
  rig.initiator->await_own(5s);
  awaiting = false;
  if (answer_on_caller) {
    REQUIRE(r);
    CHECK(inside_await);
    CHECK_FALSE(*r);
    CHECK(buf == data);
  } else {
    CHECK_FALSE(r);  // await_own returns at once: nothing of this thread's
    while (!r) rig.io.run_one_for(1s);
    CHECK_FALSE(*r);
  }
  // A request alone in flight leaves inside the call; a second one, while
  // the first waits, is posted to the io thread as without the option.
  std::size_t sent = 0;
  rig.link->set_wire([&](std::span<const std::uint8_t> frame) {
    ++sent;
    if (auto answer = rig.target.handle(frame)) rig.link->deliver(*answer);
  });
  rig.target.silent = true;
  std::optional<std::error_code> first, second;
  std::vector<std::uint8_t> other(512), more(512);
  rig.initiator->read({1, 0}, 0, 1, other, [&](std::error_code ec) { first = ec; });
  CHECK(sent == (answer_on_caller ? 1u : 0u));
  rig.initiator->read({1, 0}, 1, 1, more, [&](std::error_code ec) { second = ec; });
  CHECK(sent == (answer_on_caller ? 1u : 0u));
  rig.target.silent = false;
  while (!first || !second) rig.io.run_one_for(1s);  // the first by retransmission
  CHECK_FALSE(*first);
  CHECK_FALSE(*second);
  rig.initiator->await_own(0ms);  // nothing left to wait for
}

TEST_CASE("initiator: pending operations are cancelled at destruction", "[initiator]") {
  AsioRig rig;
  rig.initiator->start();
  REQUIRE(rig.discovered());
  rig.target.silent = true;
  std::vector<std::uint8_t> buf(512);
  int calls = 0;
  std::error_code got;
  rig.initiator->read({1, 0}, 0, 1, buf, [&](std::error_code ec) {
    ++calls;
    got = ec;
  });
  rig.io.run_for(20ms);
  CHECK(calls == 0);
  rig.initiator.reset();
  rig.io.restart();
  rig.io.run_for(50ms);
  CHECK(calls == 1);
  CHECK(got == aoe::InitiatorErrc::cancelled);
}

TEST_CASE("initiator: a silent target fails with timeout after the dead timeout", "[initiator]") {
  AsioRig rig;
  rig.initiator->start();
  REQUIRE(rig.discovered());
  rig.target.silent = true;
  std::vector<std::uint8_t> buf(512);
  std::optional<std::error_code> r;
  const auto t0 = std::chrono::steady_clock::now();
  rig.initiator->read({1, 0}, 0, 1, buf, [&](std::error_code ec) { r = ec; });
  while (!r) rig.io.run_one_for(2s);
  CHECK(*r == aoe::InitiatorErrc::timeout);
  CHECK(std::chrono::steady_clock::now() - t0 >= 300ms);
}

TEST_CASE("initiator: unknown target and wait_discovery", "[initiator]") {
  AsioRig rig;
  std::optional<std::error_code> d;
  rig.initiator->wait_discovery(30ms, [&](std::error_code ec) { d = ec; });
  while (!d) rig.io.run_one_for(1s);
  CHECK_FALSE(*d);
  auto all = rig.initiator->targets();
  REQUIRE(all.size() == 1);
  CHECK(all[0].capacity_sectors == 256);  // IDENTIFY done before completion
  std::vector<std::uint8_t> buf(512);
  std::optional<std::error_code> r;
  rig.initiator->read({3, 3}, 0, 1, buf, [&](std::error_code ec) { r = ec; });
  while (!r) rig.io.run_one_for(1s);
  CHECK(*r == aoe::InitiatorErrc::no_such_target);
}
