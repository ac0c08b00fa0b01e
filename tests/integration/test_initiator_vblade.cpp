// The initiator against real vblade targets on a private fixture network
// (tests/fixture/aoenet through aoetest::AoeNetwork), at MTU 1500 and 9000.
// Needs root; fails loudly without it.
#include <catch2/catch.hpp>

#include <utility>
#include "protocol/io/asio.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <fstream>
#include <future>
#include <random>
#include <thread>

#include "protocol/codec/error.hpp"
#include "protocol/io/initiator.hpp"
#include "protocol/io/raw_socket_link.hpp"
#include "support/aoe_network.hpp"

using namespace std::chrono_literals;

namespace {

// An Initiator on aoe0 of the current network namespace, its io_context run
// by a thread of its own; operations are called from the test thread.
struct LiveInitiator {
  explicit LiveInitiator(aoe::InitiatorOptions options = {}) {
    auto link = aoe::RawSocketLink::open(io, "aoe0");
    REQUIRE(link);
    std::vector<std::unique_ptr<aoe::Link>> links;
    links.push_back(std::move(*link));
    initiator = std::make_unique<aoe::Initiator>(io, std::move(links), options);
    runner = std::thread([this] { io.run(); });
    initiator->start();
  }
  ~LiveInitiator() {
    initiator.reset();
    guard.reset();
    runner.join();
  }
  bool wait_up(aoe::TargetAddress a, std::chrono::milliseconds limit = 5s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      auto t = initiator->target(a);
      if (t && t->up) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  // Whole-range transfer in 1 MiB operations, `parallel` at a time.
  // `data` holds sectors*512 bytes for LBAs [lba0, lba0 + sectors).
  std::error_code transfer(bool write, aoe::TargetAddress a, std::uint64_t lba0, std::uint8_t* data,
                           std::uint64_t sectors, unsigned parallel = 4,
                           std::atomic<std::uint64_t>* progress = nullptr) {
    constexpr std::uint32_t kChunk = 2048;
    std::mutex m;
    std::condition_variable cv;
    std::uint64_t next = 0, done = 0;
    unsigned running = 0;
    std::error_code first_error;
    std::unique_lock lock(m);
    auto launch = [&](auto& self) -> void {
      const std::uint64_t lba = next;
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(kChunk, sectors - lba));
      next += n;
      ++running;
      auto handler = [&, n, self_ptr = &self](std::error_code ec) {
        std::lock_guard l(m);
        --running;
        done += n;
        if (progress) *progress = done;
        if (ec && !first_error) first_error = ec;
        if (!first_error && next < sectors) (*self_ptr)(*self_ptr);
        cv.notify_all();
      };
      if (write)
        initiator->write(a, lba0 + lba, n,
                         std::span<const std::uint8_t>(data + lba * 512, n * 512ull), handler);
      else
        initiator->read(a, lba0 + lba, n, std::span<std::uint8_t>(data + lba * 512, n * 512ull),
                        handler);
    };
    while (running < parallel && next < sectors) launch(launch);
    cv.wait(lock, [&] { return running == 0 && (first_error || next >= sectors); });
    return first_error;
  }
  std::error_code flush(aoe::TargetAddress a) {
    std::promise<std::error_code> p;
    initiator->flush(a, [&](std::error_code ec) { p.set_value(ec); });
    return p.get_future().get();
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::unique_ptr<aoe::Initiator> initiator;
  std::thread runner;
};

std::vector<std::uint8_t> pattern(std::size_t bytes, std::uint32_t seed) {
  std::vector<std::uint8_t> v(bytes);
  std::mt19937 g(seed);
  auto* words = reinterpret_cast<std::uint32_t*>(v.data());
  for (std::size_t i = 0; i < bytes / 4; ++i) words[i] = g();
  return v;
}

std::vector<std::uint8_t> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("initiator+vblade: discovery, whole-target write, read back, backing file",
          "[integration][initiator]") {
  const unsigned mtu = GENERATE(1500u, 9000u);
  INFO("MTU " << mtu);
  aoetest::AoeNetwork net(AOETEST_NET_OPTIONS("in3", mtu, "1.0:64M 1.1:16M"));
  net.enter_initiator_namespace();
  LiveInitiator live;
  REQUIRE(live.wait_up({1, 0}));
  REQUIRE(live.wait_up({1, 1}));
  auto t0 = *live.initiator->target({1, 0});
  auto t1 = *live.initiator->target({1, 1});
  CHECK(t0.capacity_sectors == 64 * 2048);
  CHECK(t1.capacity_sectors == 16 * 2048);
  CHECK(t0.lba48);
  CHECK(t0.model == "Coraid EtherDrive vblade");
  CHECK(t0.buffer_count == 16);
  CHECK(t0.sectors_per_frame == (mtu == 9000 ? 17 : 2));
  REQUIRE(t0.paths.size() == 1);
  CHECK(t0.paths[0].interface == "aoe0");

  auto data = pattern(64ull << 20, mtu);
  REQUIRE_FALSE(live.transfer(true, {1, 0}, 0, data.data(), t0.capacity_sectors));
  REQUIRE_FALSE(live.flush({1, 0}));
  std::vector<std::uint8_t> back(data.size());
  REQUIRE_FALSE(live.transfer(false, {1, 0}, 0, back.data(), t0.capacity_sectors));
  CHECK(back == data);
  CHECK(slurp(net.backing_file("1.0")) == data);
  auto s = *live.initiator->stats({1, 0});
  CHECK(s.bytes_written == data.size());
  CHECK(s.bytes_read == data.size());
  CHECK(s.errors == 0);
  CHECK(s.window <= 16);
  // The other target is untouched and still all zeros.
  std::vector<std::uint8_t> other(1 << 20, 0xff);
  REQUIRE_FALSE(live.transfer(false, {1, 1}, 0, other.data(), 2048));
  CHECK(std::all_of(other.begin(), other.end(), [](auto b) { return b == 0; }));
}

TEST_CASE("initiator+vblade: vblade SIGKILLed mid-transfer and restarted: transfer completes",
          "[integration][initiator]") {
  const unsigned mtu = GENERATE(1500u, 9000u);
  INFO("MTU " << mtu);
  aoetest::AoeNetwork net(AOETEST_NET_OPTIONS("in4", mtu, "1.0:64M"));
  net.enter_initiator_namespace();
  aoe::InitiatorOptions options;
  options.dead_timeout = 20s;
  options.max_window = 2;  // slow enough that vblade dies with the transfer running
  LiveInitiator live(options);
  REQUIRE(live.wait_up({1, 0}));
  const std::uint64_t sectors = live.initiator->target({1, 0})->capacity_sectors;
  auto data = pattern(sectors * 512, 77 + mtu);
  // The first eighth, then the rest in the background, and vblade dies.
  const std::uint64_t first = sectors / 8;
  REQUIRE_FALSE(live.transfer(true, {1, 0}, 0, data.data(), first));
  std::atomic<std::uint64_t> progress{0};
  auto result = std::async(std::launch::async, [&] {
    return live.transfer(true, {1, 0}, first, data.data() + first * 512, sectors - first, 4,
                         &progress);
  });
  net.kill_target("1.0");
  std::this_thread::sleep_for(1500ms);
  CHECK(progress < sectors - first);  // still running: it needs the target back
  CHECK(result.wait_for(0s) == std::future_status::timeout);
  net.start_target("1.0", "64M");
  REQUIRE(result.wait_for(60s) == std::future_status::ready);
  CHECK_FALSE(result.get());
  auto s = *live.initiator->stats({1, 0});
  CHECK(s.retransmits > 0);
  std::vector<std::uint8_t> back(data.size());
  REQUIRE_FALSE(live.transfer(false, {1, 0}, 0, back.data(), sectors));
  CHECK(back == data);
  CHECK(slurp(net.backing_file("1.0")) == data);
}

TEST_CASE("initiator+vblade: an adopted socket and a bad interface name",
          "[integration][initiator]") {
  aoetest::AoeNetwork net(AOETEST_NET_OPTIONS("in5", 1500u, "1.0:8M"));
  net.enter_initiator_namespace();
  boost::asio::io_context io;
  auto unknown = aoe::RawSocketLink::open(io, "nosuch0");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() == std::errc::no_such_device);
  // A socket opened elsewhere (as the setuid helper does) and handed over.
  const int fd = ::socket(AF_PACKET, SOCK_RAW, htons(0x88A2));
  REQUIRE(fd >= 0);
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(0x88A2);
  addr.sll_ifindex = static_cast<int>(if_nametoindex("aoe0"));
  REQUIRE(addr.sll_ifindex > 0);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  auto adopted = aoe::RawSocketLink::adopt(io, fd);
  REQUIRE(adopted);
  auto link = std::move(*adopted);
  CHECK(link->name() == "aoe0");
  CHECK(link->mtu() == 1500);
  std::vector<std::unique_ptr<aoe::Link>> links;
  links.push_back(std::move(link));
  aoe::Initiator ini(io, std::move(links));
  std::optional<std::error_code> done;
  ini.wait_discovery(300ms, [&](std::error_code e) { done = e; });
  while (!done) io.run_one_for(2s);
  CHECK_FALSE(*done);
  auto t = ini.target({1, 0});
  REQUIRE(t);
  CHECK(t->capacity_sectors == 8 * 2048);
}

TEST_CASE("initiator+vblade: a lossy, duplicating, reordering wire: data still correct",
          "[integration][initiator][faults]") {
  aoetest::AoeNetworkOptions o = AOETEST_NET_OPTIONS("in6", 1500u, "1.0:8M");
  o.relay = "drop=0.03 dup=0.03 reorder=0.05 hold_ms=2 seed=11";
  aoetest::AoeNetwork net(o);
  net.enter_initiator_namespace();
  aoe::InitiatorOptions options;
  options.dead_timeout = 30s;
  LiveInitiator live(options);
  REQUIRE(live.wait_up({1, 0}, 10s));
  const std::uint64_t sectors = live.initiator->target({1, 0})->capacity_sectors;
  REQUIRE(sectors == 8 * 2048);
  auto data = pattern(sectors * 512, 4242);
  REQUIRE_FALSE(live.transfer(true, {1, 0}, 0, data.data(), sectors));
  // Overwrite a few ranges again (overlapping writes while copies of the
  // first ones may still be on the wire), then flush.
  for (std::uint64_t lba : {0ull, 100ull, 4000ull, 4001ull}) {
    auto again = pattern(64 * 512, static_cast<std::uint32_t>(lba + 1));
    std::copy(again.begin(), again.end(), data.begin() + lba * 512);
    REQUIRE_FALSE(live.transfer(true, {1, 0}, lba, data.data() + lba * 512, 64));
  }
  REQUIRE_FALSE(live.flush({1, 0}));
  std::vector<std::uint8_t> back(data.size());
  REQUIRE_FALSE(live.transfer(false, {1, 0}, 0, back.data(), sectors));
  CHECK(back == data);
  CHECK(slurp(net.backing_file("1.0")) == data);
  auto s = *live.initiator->stats({1, 0});
  CHECK(s.retransmits > 0);
  CHECK(s.duplicates > 0);
  CHECK(s.errors == 0);
}
