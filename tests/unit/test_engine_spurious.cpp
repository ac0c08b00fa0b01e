// Spurious retransmissions proven by an answer to any earlier copy of a
// frame, not only the copy before the current one (engine.hpp, "Spurious
// retransmissions"): the frame completes, the retransmissions after the
// answered copy are counted spurious, a window cut one of them made is
// undone, and a fast one raises the reorder threshold.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "protocol/codec/frame_layout.hpp"
#include "support/stepped_wire.hpp"

namespace {

constexpr aoe::TargetAddress kE10{1, 0};

bool is_ata(const aoetest::RecordingLink::Sent& s) {
  return s.frame[aoe::layout::command] == static_cast<std::uint8_t>(aoe::Command::ata);
}

// Runs the engine's timers until it sent an ATA frame (a retransmission on
// timeout; discovery broadcasts meanwhile are dropped); returns that frame.
std::vector<std::uint8_t> next_timeout_copy(aoetest::SteppedWire& w) {
  for (int i = 0; i < 100; ++i) {
    w.now = std::max(w.now, w.engine->next_wakeup());
    w.engine->on_timer(w.now);
    auto it = std::find_if(w.link.sent.begin(), w.link.sent.end(), is_ata);
    if (it != w.link.sent.end()) {
      auto frame = it->frame;
      w.link.sent.clear();
      return frame;
    }
    w.link.sent.clear();
  }
  FAIL("no retransmission");
  return {};
}

struct Wire {
  Wire() {
    w.engine->start(w.now);
    w.exchange();
    REQUIRE(w.engine->target(kE10)->up);
    full_window = stats().window;
  }
  void read(std::uint64_t lba, std::uint32_t sectors) {
    buffer.resize(std::size_t{sectors} * 512);
    w.engine->read(
        kE10, lba, sectors, buffer, [&](std::error_code ec) { done += ec ? 100 : 1; }, w.now);
  }
  void answer(const std::vector<std::uint8_t>& copy) {
    w.deliver_batch({*w.target.handle(copy)});
    w.run_deferred();
  }
  aoe::TargetStats stats() const { return *w.engine->stats(kE10); }

  aoetest::SteppedWire w;
  std::vector<std::uint8_t> buffer;
  unsigned full_window = 0;
  int done = 0;
};

}  // namespace

TEST_CASE("spurious: a frame sent three times, answered for an earlier copy",
          "[engine][spurious]") {
  Wire r;
  r.read(0, 2);
  REQUIRE(r.w.link.sent.size() == 1);
  const auto copy1 = r.w.link.sent.front().frame;
  r.w.link.sent.clear();
  const auto copy2 = next_timeout_copy(r.w);
  const auto copy3 = next_timeout_copy(r.w);
  // The first timeout cut the window; the second, of a copy sent after that
  // cut, belongs to the same congestion event.
  REQUIRE(r.stats().retransmits_timeout == 2);
  REQUIRE(r.stats().window < r.full_window);

  SECTION("the first copy's answer: both retransmissions spurious, the cut undone") {
    r.answer(copy1);
    CHECK(r.done == 1);
    CHECK(r.stats().retransmits_spurious == 2);
    CHECK(r.stats().duplicates == 0);
    CHECK(r.stats().window == r.full_window);
    // The later copies' answers find the frame answered.
    r.answer(copy2);
    r.answer(copy3);
    CHECK(r.done == 1);
    CHECK(r.stats().duplicates == 2);
    CHECK(r.stats().retransmits_spurious == 2);
  }
  SECTION("answers in reverse order from copy 2: only copy 3 spurious, the cut stands") {
    // Copy 2 was needed for all its answer tells (copy 1 may be lost): the
    // cut its sending made is not undone.
    r.answer(copy2);
    CHECK(r.done == 1);
    CHECK(r.stats().retransmits_spurious == 1);
    CHECK(r.stats().window < r.full_window);
    r.answer(copy1);
    CHECK(r.stats().duplicates == 1);
    CHECK(r.stats().retransmits_spurious == 1);
  }
  SECTION("the current copy answered first proves nothing") {
    r.answer(copy3);
    r.answer(copy2);
    r.answer(copy1);
    CHECK(r.done == 1);
    CHECK(r.stats().retransmits_spurious == 0);
    CHECK(r.stats().duplicates == 2);
  }
}

TEST_CASE("spurious: a fast retransmission then a timeout, answered for the first copy",
          "[engine][spurious]") {
  // Four frames; the three later ones answered, each in its own batch: the
  // first is passed and fast-retransmitted, then that copy times out too.
  Wire r;
  r.read(0, 8);
  auto answers = r.w.answers_to_sent();
  REQUIRE(answers.size() == 4);
  for (std::size_t i = 1; i < 4; ++i) r.w.deliver_batch({answers[i]});
  REQUIRE(r.stats().retransmits_fast == 1);
  r.w.link.sent.clear();
  const unsigned threshold = r.stats().reorder_threshold;
  next_timeout_copy(r.w);
  REQUIRE(r.stats().retransmits_timeout == 1);
  // Copy 1's answer: the fast retransmission took a reordered frame for
  // lost, and the threshold rises past the reordering seen.
  r.w.deliver_batch({answers[0]});
  r.w.run_deferred();
  CHECK(r.done == 1);
  CHECK(r.stats().retransmits_spurious == 2);
  CHECK(r.stats().reorder_threshold > threshold);
}
