// Write frames leave without their data being copied: the engine encodes
// the head and hands the caller's buffer to Link::send_gathered, which
// RawSocketLink sends as a second iovec at the end of its receive batch.
// That is safe only while completions run after the handler that sent the
// frames (engine.hpp); both halves are checked here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "protocol/codec/error.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/engine.hpp"
#include "support/stepped_wire.hpp"

TEST_CASE("engine: a write's data is sent from the caller's buffer, completion after the batch",
          "[engine]") {
  aoetest::SteppedWire r;
  r.engine->start(r.now);
  r.exchange();
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
    for (const auto& s : r.deliver_sent()) {
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
    for (const auto& s : r.deliver_sent()) CHECK(s.payload.empty());
  r.run_deferred();
  REQUIRE(read_done);
  CHECK(back == data);
}
