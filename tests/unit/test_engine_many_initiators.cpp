// Several initiators on one segment (answer_check.hpp, tag_table.hpp): two
// engines sharing one NIC's MAC hear each other's answers; an answer
// completes only the frame it answers. Real mounts do the same in
// tests/integration/fs_many_initiators.sh.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_layout.hpp"
#include "protocol/engine.hpp"
#include "support/engine_rig.hpp"
#include "support/sim_network.hpp"
#include "support/stepped_wire.hpp"

namespace {

using aoe::RefusedAnswer;
using aoetest::random_bytes;
constexpr aoe::TargetAddress kE10{1, 0};

std::uint64_t refused(const aoe::Engine& e, RefusedAnswer reason) {
  return e.link_stats().refused[static_cast<std::size_t>(reason)];
}
std::uint64_t refused_total(const aoe::Engine& e) {
  std::uint64_t n = 0;
  for (auto v : e.link_stats().refused) n += v;
  return n;
}

// Two engines on one simulated NIC (one link, one MAC), one target.
struct TwoInitiators {
  TwoInitiators(std::uint64_t seed_a, std::uint64_t seed_b, aoetest::WireFaults faults,
                aoetest::FakeTargetOptions target_options)
      : net(faults) {
    net.add_link("sim0", aoe::MacAddress{{0x02, 0, 0, 0, 0, 0x01}});
    target = &net.add_target(target_options);
    std::mt19937 g(7);
    for (auto& b : target->disk()) b = static_cast<std::uint8_t>(g());
    for (std::uint64_t seed : {seed_a, seed_b}) {
      aoe::EngineConfig c = aoetest::EngineRig::make_config();
      c.tag_seed = seed;
      engines.push_back(std::make_unique<aoe::Engine>(net.links(), c, net.deferrer()));
      net.attach(*engines.back());
      engines.back()->start(net.now());
    }
    REQUIRE(net.run_until(
        [&] {
          return std::all_of(engines.begin(), engines.end(), [](auto& e) {
            auto t = e->target(kE10);
            return t && t->up;
          });
        },
        std::chrono::seconds(2)));
  }

  // Each engine moves its own [lba, lba + sectors) range in 16-sector
  // operations, all at once; true when all completed without error.
  bool run_all(std::vector<std::vector<std::uint8_t>>& buffers,
               const std::vector<std::uint64_t>& first_lba, bool write) {
    const std::uint32_t kOp = 16;
    unsigned pending = 0, failed = 0;
    for (std::size_t i = 0; i < engines.size(); ++i) {
      const auto sectors = static_cast<std::uint32_t>(buffers[i].size() / 512);
      for (std::uint32_t s = 0; s < sectors; s += kOp) {
        std::span<std::uint8_t> part(buffers[i].data() + std::size_t{s} * 512, kOp * 512);
        auto done = [&](std::error_code ec) {
          --pending;
          if (ec) ++failed;
        };
        ++pending;
        if (write)
          engines[i]->write(kE10, first_lba[i] + s, kOp, part, done, net.now());
        else
          engines[i]->read(kE10, first_lba[i] + s, kOp, part, done, net.now());
      }
    }
    REQUIRE(net.run_until([&] { return pending == 0; }, std::chrono::seconds(60)));
    return failed == 0;
  }
  std::vector<std::uint8_t> disk(std::uint64_t lba, std::size_t bytes) {
    auto begin = target->disk().begin() + static_cast<std::ptrdiff_t>(lba * 512);
    return {begin, begin + static_cast<std::ptrdiff_t>(bytes)};
  }

  aoetest::SimNetwork net;
  aoetest::FakeTarget* target = nullptr;
  std::vector<std::unique_ptr<aoe::Engine>> engines;
};

}  // namespace

TEST_CASE("many initiators: two engines on one MAC read and write one target concurrently",
          "[engine][many]") {
  // Different seeds: what two daemons draw. The same seed: every tag of one
  // is a live tag of the other (the old behaviour of every daemon); the
  // answer check alone must keep every byte right then.
  const bool same_seed = GENERATE(false, true);
  const bool lossy = GENERATE(false, true);
  const bool vblade_style = GENERATE(false, true);  // count 0 in answers
  aoetest::WireFaults faults;
  if (lossy) {
    faults.drop = 0.02;
    faults.reorder = 0.05;
    faults.seed = 11;
  }
  aoetest::FakeTargetOptions o;
  o.sectors = 4096;
  o.answer_remaining_count = vblade_style;
  CAPTURE(same_seed, lossy, vblade_style);
  TwoInitiators w(0x1234, same_seed ? 0x1234 : 0x9876, faults, o);

  SECTION("both read the same range") {
    std::vector<std::vector<std::uint8_t>> bufs(2, std::vector<std::uint8_t>(1024 * 512));
    for (int round = 0; round < 3; ++round) {
      REQUIRE(w.run_all(bufs, {512, 512}, false));
      CHECK(bufs[0] == w.disk(512, bufs[0].size()));
      CHECK(bufs[1] == w.disk(512, bufs[1].size()));
    }
  }
  SECTION("each writes its own half, the other reads it back") {
    std::vector<std::vector<std::uint8_t>> data = {random_bytes(2048 * 512, 1),
                                                   random_bytes(2048 * 512, 2)};
    for (int round = 0; round < 3; ++round) {
      data = {random_bytes(2048 * 512, 10 + round), random_bytes(2048 * 512, 20 + round)};
      auto written = data;
      REQUIRE(w.run_all(written, {0, 2048}, true));
      CHECK(w.disk(0, data[0].size()) == data[0]);
      CHECK(w.disk(2048, data[1].size()) == data[1]);
      std::vector<std::vector<std::uint8_t>> back(2, std::vector<std::uint8_t>(2048 * 512));
      REQUIRE(w.run_all(back, {2048, 0}, false));  // crossed over
      CHECK(back[0] == data[1]);
      CHECK(back[1] == data[0]);
    }
  }
  const auto& a = *w.engines[0];
  const auto& b = *w.engines[1];
  INFO("A: foreign " << a.link_stats().foreign << " refused " << refused_total(a) << " dup "
                     << a.stats(kE10)->duplicates << "; B: foreign " << b.link_stats().foreign
                     << " refused " << refused_total(b) << " dup " << b.stats(kE10)->duplicates);
  if (!same_seed) {
    // Each heard the other's answers, as tags it never issued, not as
    // duplicates of its own.
    CHECK(a.link_stats().foreign > 1000);
    CHECK(b.link_stats().foreign > 1000);
    CHECK(a.stats(kE10)->duplicates * 10 < a.link_stats().foreign);
    CHECK(b.stats(kE10)->duplicates * 10 < b.link_stats().foreign);
  }
  CHECK(a.stats(kE10)->errors == 0);
  CHECK(b.stats(kE10)->errors == 0);
}

namespace {

// One read of 2 sectors at LBA 8 whose request the test holds: the target's
// genuine answer, and the engine waiting for it.
struct HeldRead {
  explicit HeldRead(aoetest::FakeTargetOptions o = {}) : w() {
    w.target = aoetest::FakeTarget(o);
    std::mt19937 g(3);
    for (auto& b : w.target.disk()) b = static_cast<std::uint8_t>(g());
    w.engine->start(w.now);
    w.exchange();
    REQUIRE(w.engine->target(kE10));
    REQUIRE(w.engine->target(kE10)->up);
    // A read and a write first, so the target's way of answering is learned.
    std::vector<std::uint8_t> warm(1024);
    w.engine->read(
        kE10, 100, 2, warm, [](std::error_code) {}, w.now);
    w.exchange();
    w.engine->write(
        kE10, 100, 2, warm, [](std::error_code) {}, w.now);
    w.exchange();
    w.engine->read(
        kE10, 8, 2, buffer,
        [&](std::error_code ec) {
          ++completions;
          result = ec;
        },
        w.now);
    REQUIRE(w.link.sent.size() == 1);
    request = w.link.sent.front().frame;
    w.link.sent.clear();
    genuine = *w.target.handle(request);
  }
  void feed(const std::vector<std::uint8_t>& answer) {
    w.engine->on_frame(0, answer, w.now);
    w.run_deferred();
  }
  std::vector<std::uint8_t> disk(std::uint64_t lba, std::size_t bytes) {
    auto begin = w.target.disk().begin() + static_cast<std::ptrdiff_t>(lba * 512);
    return {begin, begin + static_cast<std::ptrdiff_t>(bytes)};
  }

  aoetest::SteppedWire w;
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(1024);
  std::vector<std::uint8_t> request, genuine;
  int completions = 0;
  std::optional<std::error_code> result;
};

void put_lba(std::vector<std::uint8_t>& frame, std::uint64_t lba) {
  for (std::size_t i = 0; i < aoe::layout::ata::lba_bytes; ++i)
    frame[aoe::layout::ata::lba + i] = static_cast<std::uint8_t>(lba >> (8 * i));
}

}  // namespace

TEST_CASE("many initiators: an answer with a live tag that does not answer its frame is refused",
          "[engine][many]") {
  namespace L = aoe::layout;
  // Each variant changes one field of the genuine answer.
  const int variant = GENERATE(range(0, 8));
  HeldRead r;
  std::vector<std::uint8_t> forged = r.genuine;
  RefusedAnswer reason{};
  switch (variant) {
    case 0:  // another LBA
      put_lba(forged, 10);
      reason = RefusedAnswer::lba;
      break;
    case 1:  // another sector count
      forged[L::ata::sector_count] = 1;
      reason = RefusedAnswer::count;
      break;
    case 2:  // another AoE command
      forged[L::command] = static_cast<std::uint8_t>(aoe::Command::reserve_release);
      reason = RefusedAnswer::command;
      break;
    case 3:  // another shelf.slot
      forged[L::minor] = 1;
      reason = RefusedAnswer::target;
      break;
    case 4:  // another source port
      forged[L::src + 5] ^= 0x40;
      reason = RefusedAnswer::port;
      break;
    case 5:  // the W flag of a write
      forged[L::ata::aflags] |= L::ata::flag_write;
      reason = RefusedAnswer::write_flag;
      break;
    case 6:  // a sector short
      forged.resize(L::ata::data + 512);
      reason = RefusedAnswer::length;
      break;
    default:  // an AoE error for another LBA
      forged[L::ver_flags] |= L::flag_error;
      forged[L::error] = 2;
      put_lba(forged, 1000);
      reason = RefusedAnswer::lba;
      break;
  }
  CAPTURE(variant);
  const auto before = r.w.engine->link_stats();
  r.feed(forged);
  CHECK(r.completions == 0);
  CHECK(refused(*r.w.engine, reason) == before.refused[static_cast<std::size_t>(reason)] + 1);
  CHECK(r.w.engine->link_stats().unmatched == before.unmatched + 1);
  // The genuine answer still completes the read, with the target's bytes.
  r.feed(r.genuine);
  REQUIRE(r.completions == 1);
  CHECK(!*r.result);
  CHECK(r.buffer == r.disk(8, 1024));
}

TEST_CASE("many initiators: what a target returns is learned, then held to", "[engine][many]") {
  namespace L = aoe::layout;
  SECTION("a target answering the count left (vblade) is held to count 0") {
    aoetest::FakeTargetOptions o;
    o.answer_remaining_count = true;
    HeldRead r(o);
    REQUIRE(r.genuine[L::ata::sector_count] == 0);
    auto forged = r.genuine;
    forged[L::ata::sector_count] = 2;
    r.feed(forged);
    CHECK(r.completions == 0);
    CHECK(refused(*r.w.engine, RefusedAnswer::count) == 1);
    r.feed(r.genuine);
    CHECK(r.completions == 1);
    CHECK(r.buffer == r.disk(8, 1024));
  }
  SECTION("a target answering the LBA after the transfer is learned anew, then held to that") {
    // Its IDENTIFY returns the mark (so the LBA is checked as echoed), its
    // data answers the LBA after the transfer: refused, until a run of
    // kDoubtAfter makes the engine learn what it does.
    aoetest::SteppedWire w;
    aoetest::FakeTargetOptions o;
    o.answer_advanced_lba = true;
    w.target = aoetest::FakeTarget(o);
    w.engine->start(w.now);
    w.exchange();
    REQUIRE(w.engine->target(kE10)->up);
    std::vector<std::uint8_t> buffer(1024);
    int done = 0;
    w.engine->read(
        kE10, 8, 2, buffer, [&](std::error_code ec) { done += ec ? 100 : 1; }, w.now);
    REQUIRE(w.link.sent.size() == 1);
    // The same answer again and again changes nothing; answers to new
    // copies of the frame (retransmitted, each with a fresh tag) do.
    const auto first = *w.target.handle(w.link.sent.front().frame);
    for (int i = 0; i < 10; ++i) w.engine->on_frame(0, first, w.now);
    w.run_deferred();
    CHECK(done == 0);
    CHECK(refused(*w.engine, RefusedAnswer::lba) == 10);
    for (unsigned copy = 1; copy < aoe::AnswerEcho::kDoubtAfter; ++copy) {
      w.link.sent.clear();
      w.now += std::chrono::seconds(1);
      w.engine->on_timer(w.now);  // retransmits (and may broadcast a discovery round)
      const auto copy_sent = std::find_if(w.link.sent.begin(), w.link.sent.end(), [](auto& s) {
        return s.frame[aoe::layout::command] == static_cast<std::uint8_t>(aoe::Command::ata);
      });
      REQUIRE(copy_sent != w.link.sent.end());
      w.engine->on_frame(0, *w.target.handle(copy_sent->frame), w.now);
      w.run_deferred();
      if (copy + 1 < aoe::AnswerEcho::kDoubtAfter) REQUIRE(done == 0);
    }
    w.link.sent.clear();
    CHECK(done == 1);
    CHECK(w.engine->stats(kE10)->answers_relearned == 1);
    // From now on held to "advanced": an echoed LBA is refused.
    w.engine->read(
        kE10, 20, 2, buffer, [&](std::error_code ec) { done += ec ? 100 : 1; }, w.now);
    REQUIRE(w.link.sent.size() == 1);
    const auto second = w.link.sent.front().frame;
    w.link.sent.clear();
    auto answer = *w.target.handle(second);
    auto forged = answer;
    put_lba(forged, 20);
    w.engine->on_frame(0, forged, w.now);
    w.run_deferred();
    CHECK(done == 1);
    w.engine->on_frame(0, answer, w.now);
    w.run_deferred();
    CHECK(done == 2);
  }
}

TEST_CASE("many initiators: a Query Config answer to another sub-command does not complete a lock",
          "[engine][many]") {
  aoetest::SteppedWire w;
  w.engine->start(w.now);
  w.exchange();
  REQUIRE(w.engine->target(kE10));
  int done = 0;
  std::error_code result;
  w.engine->query_config(
      kE10, aoe::ConfigCommand::set_if_empty, "host-a",
      [&](std::error_code ec, const aoe::ConfigReply&) {
        ++done;
        result = ec;
      },
      w.now);
  REQUIRE(w.link.sent.size() == 1);
  auto request = w.link.sent.front().frame;
  w.link.sent.clear();
  // Someone's "read" of the config string, answered with our tag.
  auto read_request = request;
  read_request[aoe::layout::config::version_command] =
      (read_request[aoe::layout::config::version_command] & 0xf0) |
      static_cast<std::uint8_t>(aoe::ConfigCommand::read);
  auto forged = *w.target.handle(read_request);
  w.engine->on_frame(0, forged, w.now);
  w.run_deferred();
  CHECK(done == 0);
  CHECK(refused(*w.engine, RefusedAnswer::subcommand) == 1);
  w.engine->on_frame(0, *w.target.handle(request), w.now);
  w.run_deferred();
  CHECK(done == 1);
  CHECK(!result);
}

TEST_CASE("many initiators: no sequence of foreign answers completes a read with other data",
          "[engine][many][property]") {
  namespace L = aoe::layout;
  // Answers to other requests — other LBAs, counts, commands, directions,
  // error answers — some carrying the live tag of the read in flight and
  // some random tags, in random order, before the genuine answer. The read
  // completes once, with the target's bytes, or (never here) not at all.
  std::mt19937 g(GENERATE(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u));
  HeldRead r;
  const std::uint32_t live_tag = aoe::decode_header(r.request)->tag;
  for (int i = 0; i < 200; ++i) {
    auto other = r.request;
    std::uint64_t lba = g() % 2000;
    if (lba == 8) lba = 9;
    put_lba(other, lba);
    if (g() % 4 == 0) other[L::ata::sector_count] = 1;
    if (g() % 4 == 0)
      other[L::ata::aflags] |= L::ata::flag_write;  // a write of the request's bytes
    if (g() % 8 == 0) {
      other.resize(L::ata::data + 1024);
      other[L::ata::aflags] |= L::ata::flag_write;
      for (std::size_t k = L::ata::data; k < other.size(); ++k)
        other[k] = static_cast<std::uint8_t>(g());
      other[L::ata::cmd_status] = aoe::ata_cmd::write_sectors_ext;
    }
    auto answer = r.w.target.handle(other);
    if (!answer) continue;
    if (g() % 2 == 0) {
      const std::uint32_t tag = g() % 3 == 0 ? live_tag : static_cast<std::uint32_t>(g());
      for (int k = 0; k < 4; ++k)
        (*answer)[L::tag + k] = static_cast<std::uint8_t>(tag >> (24 - 8 * k));
    }
    if (g() % 10 == 0) (*answer)[L::ver_flags] |= L::flag_error;
    if (g() % 10 == 0) answer->resize(std::max<std::size_t>(L::arg, g() % answer->size()));
    r.feed(*answer);
    INFO("foreign answer " << i);
    REQUIRE(r.completions == 0);
  }
  // The writes among the foreign requests changed the disk: the genuine
  // answer is fetched now, as the target would send it after them.
  r.genuine = *r.w.target.handle(r.request);
  r.feed(r.genuine);
  REQUIRE(r.completions == 1);
  CHECK(!*r.result);
  CHECK(r.buffer == r.disk(8, 1024));
}

TEST_CASE("tags: engines with different seeds draw different tags", "[tags][many]") {
  aoe::TagTable<int> a(0x1111), b(0x2222), a2(0x1111);
  std::set<std::uint32_t> tags_a;
  std::vector<std::uint32_t> seq_a, seq_a2;
  for (int i = 0; i < 64; ++i) {
    const auto s = a.acquire(), s2 = a2.acquire();
    seq_a.push_back(a.tag(s));
    seq_a2.push_back(a2.tag(s2));
    tags_a.insert(a.tag(s));
    CHECK((a.tag(s) & 0x80000000u) != 0);  // the Linux driver's tags stay apart
    CHECK(a.classify(a.tag(s)) == aoe::TagTable<int>::Match::current);
    CHECK(a.slot_of(a.tag(s)) == s);
  }
  CHECK(seq_a == seq_a2);  // a seed is a layout: reproducible
  int shared = 0;
  for (int i = 0; i < 64; ++i) {
    const auto s = b.acquire();
    shared += tags_a.count(b.tag(s)) ? 1 : 0;
    CHECK(a.classify(b.tag(s)) != aoe::TagTable<int>::Match::current);
  }
  CHECK(shared == 0);
}
