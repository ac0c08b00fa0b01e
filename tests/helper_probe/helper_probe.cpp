// helper-probe: asks the setuid helper for an AoE socket, as aoefs does, and
// reports what that socket lets its unprivileged holder see.
//
//   helper-probe HELPER IFACE WAIT_MS [REBIND_IFACE]
//   helper-probe --direct IFACE WAIT_MS   (root: an unfiltered socket, the
//                                          control that shows what the wire
//                                          carried)
//
// Re-binds the socket to ETH_P_ALL (what a hostile holder would try: the
// locked filter must still pass only AoE frames), on REBIND_IFACE if given
// (e.g. a tun device: no Ethernet header there), then counts the frames it
// receives for WAIT_MS milliseconds and prints one line per EtherType seen:
// "ethertype 0x88a2 frames N". Exit 0 after printing, 1 if the helper
// refused (its reason is on stderr), 2 on usage errors.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>

#include "aoefs/helper/helper_client.hpp"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: helper-probe HELPER IFACE WAIT_MS [REBIND_IFACE]\n");
    return 2;
  }
  int fd = -1;
  if (std::string_view(argv[1]) == "--direct") {
    fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
      std::perror("helper-probe: socket(AF_PACKET)");
      return 1;
    }
    std::printf("opened socket for %s\n", argv[2]);
  } else {
    auto got = aoefs::helper::request_sockets_from_helper(argv[1], {argv[2]});
    if (!got) {
      std::fprintf(stderr, "helper-probe: %s\n", got.error().message.c_str());
      return 1;
    }
    fd = got->at(0).fd;
    std::printf("received socket for %s\n", argv[2]);
  }

  sockaddr_ll all{};
  all.sll_family = AF_PACKET;
  all.sll_protocol = htons(ETH_P_ALL);
  all.sll_ifindex = static_cast<int>(if_nametoindex(argv[argc == 5 ? 4 : 2]));
  std::printf("rebind to ETH_P_ALL: %s\n",
              bind(fd, reinterpret_cast<sockaddr*>(&all), sizeof all) == 0 ? "allowed" : "refused");
  std::fflush(stdout);

  std::map<unsigned, unsigned> seen;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::atoi(argv[3]));
  unsigned char frame[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = recv(fd, frame, sizeof frame, 0);
    if (n >= 14) ++seen[(frame[12] << 8) | frame[13]];
  }
  for (auto [type, count] : seen) std::printf("ethertype 0x%04x frames %u\n", type, count);
  return 0;
}
