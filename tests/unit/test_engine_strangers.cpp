// Frames from strangers on the wire (tests/tools/hostile_target.cpp sends
// them for real in fault_hostile.sh): they are counted in LinkStats and
// change nothing — no duplicate count, no "heard from" for a target.
#include <catch2/catch.hpp>

#include <vector>

#include "protocol/engine.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_layout.hpp"
#include "support/stepped_wire.hpp"

namespace {

const aoe::MacAddress kStranger{{0x02, 0xde, 0xad, 0xbe, 0xef, 0x01}};
using Wire = aoetest::SteppedWire;

}  // namespace

TEST_CASE("engine: strangers' frames are counted as unmatched and do not touch a target",
          "[engine][strangers]") {
  Wire w;
  w.engine->start(w.now);
  w.exchange();
  REQUIRE(w.engine->target({1, 0}));
  REQUIRE(w.engine->target({1, 0})->up);

  std::vector<std::uint8_t> buffer(1024);
  bool done = false;
  w.engine->read(
      {1, 0}, 0, 2, buffer, [&](std::error_code ec) { done = !ec; }, w.now);
  const auto answer = w.exchange();
  REQUIRE(done);
  REQUIRE(aoe::decode(answer));
  const auto before = w.engine->link_stats();
  const auto dups_before = w.engine->stats({1, 0})->duplicates;

  SECTION("a late copy of the answer from the target itself is a duplicate") {
    w.engine->on_frame(0, answer, w.now);
    CHECK(w.engine->stats({1, 0})->duplicates == dups_before + 1);
    CHECK(w.engine->link_stats().unmatched == before.unmatched);
  }
  SECTION("the same late answer from a foreign MAC is unmatched, not a duplicate") {
    auto forged = answer;
    std::copy(kStranger.bytes.begin(), kStranger.bytes.end(), forged.begin() + aoe::layout::src);
    w.engine->on_frame(0, forged, w.now);
    CHECK(w.engine->stats({1, 0})->duplicates == dups_before);
    CHECK(w.engine->link_stats().unmatched == before.unmatched + 1);
  }
  SECTION("a request (Response flag clear) sent to the initiator's own MAC is unmatched") {
    auto request = answer;
    request[aoe::layout::ver_flags] &= static_cast<std::uint8_t>(~aoe::layout::flag_response);
    w.engine->on_frame(0, request, w.now);
    CHECK(w.engine->link_stats().unmatched == before.unmatched + 1);
  }
  SECTION("another initiator's broadcast request is not counted") {
    aoe::Frame q;
    q.header.dst = aoe::MacAddress::broadcast();
    q.header.src = kStranger;
    q.header.target = aoe::TargetAddress::broadcast();
    q.header.command = static_cast<std::uint8_t>(aoe::Command::query_config);
    q.header.tag = 0x1234;
    q.body = aoe::QueryConfigMessage{};
    w.engine->on_frame(0, aoe::encode(q).value(), w.now);
    CHECK(w.engine->link_stats().unmatched == before.unmatched);
    CHECK(w.engine->link_stats().malformed == before.malformed);
  }
}
