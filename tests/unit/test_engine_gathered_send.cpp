// Write frames leave without their data being copied: the engine encodes
// the head and hands the caller's buffer to Link::send_gathered, which
// RawSocketLink sends as a second iovec at the end of its receive batch.
// That is safe only while completions run after the handler that sent the
// frames (engine.hpp); both halves are checked here.
#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <vector>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/engine.hpp"
#include "support/fake_target.hpp"

namespace {

const aoe::MacAddress kIni{{0x02, 0, 0, 0, 0, 0x01}};

// Keeps every frame sent, and for a gathered send where its payload was.
class GatherRecordingLink final : public aoe::Link {
 public:
  struct Sent {
    std::vector<std::uint8_t> frame;  // head + payload, as on the wire
    std::size_t head_size = 0;
    std::span<const std::uint8_t> payload;  // empty for a plain send()
  };
  const std::string& name() const override { return name_; }
  aoe::MacAddress mac() const override { return kIni; }
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
  std::string name_ = "gather0";
};

struct Rig {
  Rig() {
    aoe::EngineConfig c;
    engine = std::make_unique<aoe::Engine>(
        std::vector<aoe::Link*>{&link}, c,
        [this](std::function<void()> f) { deferred.push_back(std::move(f)); });
  }
  // Hands what was sent to the target and its answers back; the deferred
  // completions run only when `run_deferred` (as a handler posted after
  // the receive batch would).
  std::vector<GatherRecordingLink::Sent> exchange_frames() {
    std::vector<GatherRecordingLink::Sent> all;
    while (!link.sent.empty()) {
      auto s = std::move(link.sent.front());
      link.sent.pop_front();
      if (auto answer = target.handle(s.frame)) engine->on_frame(0, *answer, now);
      all.push_back(std::move(s));
    }
    return all;
  }
  void run_deferred() {
    while (!deferred.empty()) {
      auto f = std::move(deferred.front());
      deferred.pop_front();
      f();
    }
  }
  GatherRecordingLink link;
  aoetest::FakeTarget target;
  std::deque<std::function<void()>> deferred;
  std::unique_ptr<aoe::Engine> engine;
  aoe::TimePoint now{};
};

}  // namespace

TEST_CASE("engine: a write's data is sent from the caller's buffer, completion after the batch",
          "[engine]") {
  Rig r;
  r.engine->start(r.now);
  for (int i = 0; i < 4; ++i) {
    r.exchange_frames();
    r.run_deferred();
  }
  REQUIRE(r.engine->target({1, 0}));
  REQUIRE(r.engine->target({1, 0})->up);
  const unsigned per_frame = r.engine->target({1, 0})->sectors_per_frame;
  REQUIRE(per_frame >= 1);

  // 40 sectors from LBA 100: several frames, one partial if per_frame
  // does not divide 40.
  const std::uint32_t sectors = 40;
  std::vector<std::uint8_t> data(sectors * aoe::kSectorSize);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  bool done = false;
  std::error_code result = make_error_code(aoe::InitiatorErrc::cancelled);
  r.engine->write(
      {1, 0}, 100, sectors, data,
      [&](std::error_code ec) {
        done = true;
        result = ec;
      },
      r.now);

  std::size_t gathered = 0;
  std::uint32_t covered = 0;
  while (!r.link.sent.empty()) {
    for (const auto& s : r.exchange_frames()) {
      const auto frame = aoe::decode(s.frame);
      REQUIRE(frame);
      const auto* ata = std::get_if<aoe::AtaMessage>(&frame->body);
      REQUIRE(ata);
      REQUIRE(ata->write);
      // The payload is a view of the caller's buffer, not a copy, and the
      // head is only the headers.
      REQUIRE_FALSE(s.payload.empty());
      CHECK(s.head_size == aoe::kHeaderSize + aoe::kAtaArgSize);
      const std::size_t offset = (ata->lba - 100) * aoe::kSectorSize;
      CHECK(s.payload.data() == data.data() + offset);
      CHECK(s.payload.size() == std::size_t{ata->sector_count} * aoe::kSectorSize);
      ++gathered;
      covered += ata->sector_count;
    }
    // Every answer so far came in a "batch": the handler has not run yet.
    CHECK_FALSE(done);
  }
  CHECK(covered == sectors);
  CHECK(gathered == (sectors + per_frame - 1) / per_frame);
  r.run_deferred();
  REQUIRE(done);
  CHECK_FALSE(result);
  CHECK(std::equal(data.begin(), data.end(), r.target.disk().begin() + 100 * aoe::kSectorSize));

  // A read goes out whole through send(): nothing to gather.
  std::vector<std::uint8_t> back(data.size());
  bool read_done = false;
  r.engine->read(
      {1, 0}, 100, sectors, back, [&](std::error_code ec) { read_done = !ec; }, r.now);
  while (!r.link.sent.empty())
    for (const auto& s : r.exchange_frames()) CHECK(s.payload.empty());
  r.run_deferred();
  REQUIRE(read_done);
  CHECK(back == data);
}
