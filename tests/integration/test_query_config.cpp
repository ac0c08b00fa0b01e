// One broadcast Query Config (read) on a private fixture network with two
// vblade targets, frame by frame through a raw socket and the codec: both
// targets answer once, with vblade's buffer count, firmware and the sectors
// per frame its MTU allows, as responses to our tag. And the fixture's relay
// (aoenet --relay through AoeNetworkOptions::relay) really sits on the wire.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <variant>

#include "protocol/codec/frame.hpp"
#include "support/aoe_network.hpp"
#include "support/raw_socket.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kTag = 0x51c0ffeeu;

// Sends one broadcast Query Config (read) from aoe0 of the current namespace
// and collects the answers to it for 1.5 s, checking each frame's header.
struct Answers {
  std::map<aoe::TargetAddress, aoe::QueryConfigMessage> config;
  std::map<aoe::TargetAddress, int> count;
};

Answers query_all(const aoetest::AoeNetwork& net, aoetest::RawAoeSocket& socket) {
  aoe::Frame query;
  query.header.dst = aoe::MacAddress::broadcast();
  query.header.src = socket.mac();
  query.header.target = aoe::TargetAddress::broadcast();
  query.header.command = static_cast<std::uint8_t>(aoe::Command::query_config);
  query.header.tag = kTag;
  aoe::QueryConfigMessage read_config;
  read_config.command = static_cast<std::uint8_t>(aoe::ConfigCommand::read);
  query.body = read_config;
  auto bytes = aoe::encode(query);
  REQUIRE(bytes.has_value());
  socket.send(*bytes);

  Answers answers;
  const auto deadline = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    auto frame = socket.receive(100ms);
    if (!frame) continue;
    auto decoded = aoe::decode(*frame);
    // vblade's start-up advertisement carries AoE version 0 and does not
    // decode (it went out before `aoenet up` returned; a late one is no
    // answer to us). Every other frame on this private wire must decode.
    if (!decoded.has_value() && decoded.error().code == aoe::DecodeErrc::wrong_version) continue;
    INFO("decode error: " << (decoded.has_value() ? "" : decoded.error().what));
    REQUIRE(decoded.has_value());
    const aoe::Header& h = decoded->header;
    if (!h.response || h.tag != kTag) continue;
    CHECK(h.command == static_cast<std::uint8_t>(aoe::Command::query_config));
    CHECK_FALSE(h.error);
    CHECK(h.dst == socket.mac());
    CHECK(h.src.to_string() == net.tgt_mac());
    const auto* config = std::get_if<aoe::QueryConfigMessage>(&decoded->body);
    REQUIRE(config != nullptr);
    CHECK(config->config.empty());  // vblade starts with no config string
    answers.config[h.target] = *config;
    answers.config[h.target].config = {};  // a view into `frame`, which goes now
    ++answers.count[h.target];
  }
  return answers;
}

}  // namespace

TEST_CASE("query config: broadcast read answered by both vblade targets", "[integration][codec]") {
  const unsigned mtu = GENERATE(1500u, 9000u);
  INFO("MTU " << mtu);
  aoetest::AoeNetwork net(AOETEST_NET_OPTIONS("iqc", mtu, "1.0:8M 1.1:4M"));
  net.enter_initiator_namespace();
  auto socket = aoetest::RawAoeSocket::open(net.ini_if());
  REQUIRE(socket.mtu() == mtu);

  const Answers answers = query_all(net, socket);
  REQUIRE(answers.config.size() == 2);
  for (const aoe::TargetAddress address : {aoe::TargetAddress{1, 0}, aoe::TargetAddress{1, 1}}) {
    INFO("target e" << address.shelf << "." << int(address.slot));
    REQUIRE(answers.config.count(address) == 1);
    CHECK(answers.count.at(address) == 1);
    const auto& config = answers.config.at(address);
    CHECK(config.buffer_count == 16);
    CHECK(config.firmware_version == 0x4019);
    // vblade 25: (MTU - 36) / 512 sectors per ATA frame.
    CHECK(config.sector_count == (mtu == 1500 ? 2 : 17));
    CHECK(config.aoe_version == 1);
    CHECK(config.command == static_cast<std::uint8_t>(aoe::ConfigCommand::read));
  }
}

TEST_CASE("query config: through the fixture's relay, duplicated frames arrive twice",
          "[integration][fixture]") {
  // dup=1 copies every frame the relay forwards: the query reaches vblade
  // twice, and each of its two answers reaches us twice.
  aoetest::AoeNetworkOptions options = AOETEST_NET_OPTIONS("iqr", 1500u, "1.0:4M");
  options.relay = "dup=1 seed=1";
  aoetest::AoeNetwork net(options);
  net.enter_initiator_namespace();
  auto socket = aoetest::RawAoeSocket::open(net.ini_if());
  const Answers answers = query_all(net, socket);
  REQUIRE(answers.config.size() == 1);
  CHECK(answers.count.at({1, 0}) == 4);
  CHECK(answers.config.at({1, 0}).buffer_count == 16);
}
