// A freshly discovered target left idle: nothing counted that did not
// happen. Discovery rounds close together (start() and the daemon's first
// wait_discovery, or discover_now twice) release a broadcast's tag before
// its answers arrive: those answers are late discovery answers, not
// duplicate I/O answers nor strangers' frames (engine.hpp, discovery).
#include <catch2/catch.hpp>

#include "support/engine_rig.hpp"

using namespace std::chrono_literals;

TEST_CASE("idle: answers to an earlier broadcast are no duplicates", "[engine][discovery]") {
  aoetest::EngineRig rig;
  rig.target();
  rig.start();
  rig.engine->discover_now(rig.net.now());  // the daemon's first round, right after start
  REQUIRE(rig.discovered());
  CHECK(rig.engine->link_stats().unmatched == 0);
  // Two rounds in a row: the first one's answer comes after its tag was released.
  rig.engine->discover_now(rig.net.now());
  rig.engine->discover_now(rig.net.now());
  rig.net.run_for(12s);  // and the start-up rounds, and two periodic ones
  const auto s = rig.stats();
  CHECK(s.duplicates == 0);
  CHECK(s.retransmits == 0);
  CHECK(s.errors == 0);
  CHECK(rig.engine->link_stats().unmatched == 0);
  CHECK(rig.info().up);
}
