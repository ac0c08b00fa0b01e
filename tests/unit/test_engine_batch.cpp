// Fast retransmissions are decided once per receive batch (engine.hpp,
// "Fast retransmit"): a frame passed by later answers is not sent again
// when its own answer is further down the same batch, as it often is with
// a target that answers out of order.
#include <catch2/catch.hpp>

#include <vector>

#include "protocol/codec/frame_layout.hpp"
#include "support/stepped_wire.hpp"

namespace {

constexpr aoe::TargetAddress kE10{1, 0};

std::size_t ata_frames(const aoetest::RecordingLink& link) {
  std::size_t n = 0;
  for (const auto& s : link.sent)
    n += s.frame[aoe::layout::command] == static_cast<std::uint8_t>(aoe::Command::ata);
  return n;
}

// A read of four frames in flight; their answers, not yet delivered.
struct FourFrames {
  FourFrames() {
    w.engine->start(w.now);
    w.exchange();
    REQUIRE(w.engine->target(kE10)->up);
    w.engine->read(
        kE10, 0, 8, buffer, [&](std::error_code ec) { done += ec ? 100 : 1; }, w.now);
    REQUIRE(ata_frames(w.link) == 4);
    answers = w.answers_to_sent();
    REQUIRE(answers.size() == 4);
  }
  // The first frame's answer behind those of the three sent after it.
  std::vector<std::vector<std::uint8_t>> reordered() const {
    return {answers[1], answers[2], answers[3], answers[0]};
  }

  aoetest::SteppedWire w;
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(8 * 512);
  std::vector<std::vector<std::uint8_t>> answers;
  int done = 0;
};

}  // namespace

TEST_CASE("batch: the answer of a passed frame later in the same batch: no retransmission",
          "[engine][batch]") {
  FourFrames r;
  r.w.deliver_batch(r.reordered());
  r.w.run_deferred();
  CHECK(r.done == 1);
  CHECK(r.w.engine->stats(kE10)->retransmits_fast == 0);
  CHECK(r.w.engine->stats(kE10)->retransmits == 0);
  CHECK(ata_frames(r.w.link) == 0);
}

TEST_CASE("batch: the same answers in batches of one: the passed frame is sent again",
          "[engine][batch]") {
  // What every answer did before batches: the threshold is reached before
  // the first frame's answer is seen.
  FourFrames r;
  for (const auto& answer : r.reordered()) r.w.deliver_batch({answer});
  r.w.run_deferred();
  CHECK(r.done == 1);
  CHECK(r.w.engine->stats(kE10)->retransmits_fast == 1);
  CHECK(ata_frames(r.w.link) == 1);
  // Its first copy's answer came after the retransmission: proven spurious.
  CHECK(r.w.engine->stats(kE10)->retransmits_spurious == 1);
}

TEST_CASE("batch: a frame passed in a batch and still unanswered at its end is sent again",
          "[engine][batch]") {
  FourFrames r;
  r.w.deliver_batch({r.answers[1], r.answers[2], r.answers[3]});
  CHECK(r.w.engine->stats(kE10)->retransmits_fast == 1);
  REQUIRE(ata_frames(r.w.link) == 1);
  // The copy sent at the batch end is the one the read completes with.
  r.w.deliver_batch(r.w.answers_to_sent());
  r.w.run_deferred();
  CHECK(r.done == 1);
  CHECK(r.w.engine->stats(kE10)->retransmits_spurious == 0);
}
