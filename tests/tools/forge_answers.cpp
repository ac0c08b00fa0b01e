// forge_answers: an attacker on the AoE segment (tests/integration/
// hostile_segment.sh). AoE has no authentication, so anyone can answer
// discovery for any address. It sends, from random locally administered
// MACs, forged Query Config answers:
//   * claim=S.L: `macs` MACs all claiming the real target's address, each
//     with a config string full of terminal escape sequences and a buffer
//     count of 1 (were it believed, the window would shrink to one frame);
//     IDENTIFY requests to the odd ones are answered with another disk's
//     identity (they must become conflicts), the even ones stay silent
//     (candidates that must never get I/O and must be dropped);
//   * `shelves` forged targets e(1000+i/200).(i%200), each from its own MAC.
// Answers go to the broadcast address, unsolicited (any tag), every round
// (`period_ms`) and at once when an initiator broadcasts Query Config; at
// most `rate` frames per second.
//
//   forge_answers IFACE SECONDS claim=S.L [macs=N] [shelves=N] [rate=FPS]
//                 [period_ms=MS] [seed=N] [stats=PATH]
//
// At exit (SECONDS, SIGTERM or SIGINT) it prints and writes to stats=PATH:
//   sent=N claims=C shelves=S identify_answers=I
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/frame.hpp"
#include "support/fake_target.hpp"
#include "support/raw_socket.hpp"
#include "support/responder/answer_header.hpp"
#include "support/responder/config_command.hpp"
#include "support/responder/counter_line.hpp"
#include "support/responder/ethernet_padding.hpp"
#include "support/responder/stop_signals.hpp"
#include "support/responder/tool_arguments.hpp"
#include "support/responder/whole_file.hpp"

namespace {

using aoetest::stop_requested;

// Title change, bell, red: what a raw print would do to a terminal.
const std::string kEvilConfig = "\x1b]0;forged title\x07\x1b[31mFORGED\x1b[0m\r\n";

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: forge_answers IFACE SECONDS claim=S.L [macs=N] [shelves=N] [rate=FPS] "
               "[period_ms=MS] [seed=N] [stats=PATH]\n");
  std::exit(2);
}

struct Forger {
  aoetest::RawAoeSocket& socket;
  aoe::TargetAddress claim;
  std::vector<aoe::MacAddress> claim_macs, shelf_macs;
  std::map<aoe::MacAddress, unsigned> claim_index;
  unsigned rate;
  unsigned long sent = 0, claims = 0, shelves = 0, identify_answers = 0;
  std::chrono::steady_clock::time_point window_start = std::chrono::steady_clock::now();
  unsigned in_window = 0;

  void throttle() {
    if (++in_window < rate / 100 + 1) return;
    const auto next = window_start + std::chrono::milliseconds(10);
    std::this_thread::sleep_until(next);
    window_start = std::chrono::steady_clock::now();
    in_window = 0;
  }

  bool send(const aoe::Frame& f) {
    auto bytes = aoe::encode(f);
    if (!bytes) return false;
    aoetest::pad_to_ethernet_minimum(*bytes);
    if (socket.try_send(*bytes)) return false;  // a full socket buffer loses it
    ++sent;
    throttle();
    return true;
  }

  aoe::Frame config_answer(aoe::MacAddress from, aoe::TargetAddress address, std::uint32_t tag) {
    aoe::Frame f;
    f.header = aoetest::broadcast_answer_header(from, address, aoe::Command::query_config, tag);
    aoe::QueryConfigMessage qc;
    qc.buffer_count = 1;
    qc.firmware_version = aoetest::kVblade25Firmware;
    qc.sector_count = 2;
    qc.aoe_version = 1;
    qc.config = kEvilConfig;
    f.body = qc;
    return f;
  }

  void round(std::uint32_t tag) {
    for (const auto& mac : claim_macs)
      if (!stop_requested() && send(config_answer(mac, claim, tag))) ++claims;
    for (std::size_t i = 0; i < shelf_macs.size() && !stop_requested(); ++i) {
      const aoe::TargetAddress a{static_cast<std::uint16_t>(1000 + i / 200),
                                 static_cast<std::uint8_t>(i % 200)};
      if (send(config_answer(shelf_macs[i], a, tag))) ++shelves;
    }
  }

  // IDENTIFY to one of the odd claiming MACs: another disk answers.
  void maybe_identify(const aoe::Frame& req) {
    auto it = claim_index.find(req.header.dst);
    if (it == claim_index.end() || it->second % 2 == 0) return;
    const auto* ata = std::get_if<aoe::AtaMessage>(&req.body);
    if (!ata || ata->cmd_status != aoe::ata_cmd::identify_device) return;
    aoetest::FakeTargetOptions o;
    o.serial = "FORGED\x1b[31m" + std::to_string(it->second);
    o.model = "forged disk";
    o.sectors = 1 << 20;
    const auto page = aoetest::make_identify_page(o);
    aoe::Frame f;
    f.header = aoetest::turned_around(req.header, req.header.dst);
    aoe::AtaMessage reply;
    reply.cmd_status = aoe::ata_status::drdy;
    reply.sector_count = 1;
    reply.data = page;
    f.body = reply;
    if (send(f)) ++identify_answers;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) usage();
  const auto arguments = aoetest::key_value_arguments(argc, argv, 3);
  if (!arguments) usage();
  aoetest::KeyValues kv = *arguments;
  auto num = [&](const char* key, unsigned long def) { return aoetest::number_or(kv, key, def); };
  const auto claim = aoetest::parse_target_address(kv["claim"]);
  const long seconds = std::strtol(argv[2], nullptr, 10);
  if (!claim || seconds <= 0) usage();

  aoetest::catch_stop_signals();

  auto socket = aoetest::RawAoeSocket::open(argv[1]);
  std::mt19937_64 rng(num("seed", 1));
  auto random_mac = [&] {
    aoe::MacAddress m;
    const std::uint64_t r = rng();
    for (int i = 0; i < 6; ++i) m.bytes[i] = static_cast<std::uint8_t>(r >> (8 * i));
    m.bytes[0] = static_cast<std::uint8_t>((m.bytes[0] & 0xfc) | 0x02);  // local, unicast
    return m;
  };
  Forger forger{socket, *claim, {}, {}, {}, static_cast<unsigned>(num("rate", 20000))};
  for (unsigned long i = 0; i < num("macs", 50); ++i) {
    forger.claim_macs.push_back(random_mac());
    forger.claim_index[forger.claim_macs.back()] = static_cast<unsigned>(i);
  }
  for (unsigned long i = 0; i < num("shelves", 0); ++i) forger.shelf_macs.push_back(random_mac());
  const auto period = std::chrono::milliseconds(num("period_ms", 500));

  std::printf("forge_answers on %s: %zu MACs claim %s, %zu forged shelves\n", argv[1],
              forger.claim_macs.size(), kv["claim"].c_str(), forger.shelf_macs.size());
  std::fflush(stdout);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  auto next_round = std::chrono::steady_clock::now();
  std::uint32_t tag = 0x80001234;
  while (!stop_requested() && std::chrono::steady_clock::now() < end) {
    if (std::chrono::steady_clock::now() >= next_round) {
      forger.round(tag++);
      next_round = std::chrono::steady_clock::now() + period;
    }
    auto bytes = socket.receive(std::chrono::milliseconds(20));
    if (!bytes) continue;
    auto frame = aoe::decode(*bytes);
    if (!frame || frame->header.response) continue;
    if (frame->header.command == static_cast<std::uint8_t>(aoe::Command::query_config) &&
        frame->header.target == aoe::TargetAddress::broadcast())
      forger.round(frame->header.tag);  // answer the initiator's own discovery too
    else if (frame->header.command == static_cast<std::uint8_t>(aoe::Command::ata))
      forger.maybe_identify(*frame);
  }
  const std::string s = aoetest::counter_line({{"sent", forger.sent},
                                               {"claims", forger.claims},
                                               {"shelves", forger.shelves},
                                               {"identify_answers", forger.identify_answers}});
  std::fputs(s.c_str(), stdout);
  if (kv.count("stats")) aoetest::replace_file(kv["stats"], s);
  return 0;
}
