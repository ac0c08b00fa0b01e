// raw-baseline: the yardstick for the initiator benchmark. A deliberately
// plain AoE client: one AF_PACKET socket, one send(2) and one recv(2) per
// frame, N frames in flight, READ/WRITE SECTORS EXT over a whole target, no
// retransmission (a lost frame aborts the run: the fixture network is clean).
// Self-contained on purpose (no project code), so it measures the wire and
// the target, not our codec.
//
//   raw-baseline IFACE SHELF SLOT read|write WINDOW [MAX_BYTES]
// prints: "<MB/s> <round trips/s> <bytes>" on one line.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr std::uint16_t kEtherType = 0x88A2;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

struct Target {
  unsigned char mac[6];
  unsigned sectors_per_frame;
  unsigned buffer_count;
  std::uint64_t sectors;
};

int sock;
unsigned char my_mac[6];
unsigned mtu;
unsigned shelf, slot;

void header(unsigned char* f, const unsigned char* dst, unsigned char cmd, std::uint32_t tag) {
  std::memcpy(f, dst, 6);
  std::memcpy(f + 6, my_mac, 6);
  f[12] = kEtherType >> 8;
  f[13] = kEtherType & 0xff;
  f[14] = 0x10;  // version 1, no flags
  f[15] = 0;
  f[16] = shelf >> 8;
  f[17] = shelf & 0xff;
  f[18] = slot;
  f[19] = cmd;
  f[20] = tag >> 24;
  f[21] = tag >> 16;
  f[22] = tag >> 8;
  f[23] = tag;
}

void ata(unsigned char* f, unsigned char cmd, bool write, unsigned count, std::uint64_t lba) {
  f[24] = 0x40 | (write ? 1 : 0);
  f[25] = 0;
  f[26] = count;
  f[27] = cmd;
  for (int i = 0; i < 6; ++i) f[28 + i] = (lba >> (8 * i)) & 0xff;
  f[34] = f[35] = 0;
}

// Receives one answer for our shelf.slot; returns its length, 0 on timeout.
ssize_t recv_answer(unsigned char* buf, std::size_t size, std::uint32_t* tag) {
  for (;;) {
    ssize_t n = recv(sock, buf, size, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      die("recv");
    }
    if (n < 24 || !(buf[14] & 0x08)) continue;  // not a response
    if (static_cast<unsigned>((buf[16] << 8) | buf[17]) != shelf || buf[18] != slot) continue;
    *tag = (std::uint32_t{buf[20]} << 24) | (buf[21] << 16) | (buf[22] << 8) | buf[23];
    return n;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: raw-baseline IFACE SHELF SLOT read|write WINDOW [MAX_BYTES]\n");
    return 2;
  }
  const char* ifname = argv[1];
  shelf = std::atoi(argv[2]);
  slot = std::atoi(argv[3]);
  const bool write = std::strcmp(argv[4], "write") == 0;
  unsigned window = std::atoi(argv[5]);
  std::uint64_t max_bytes = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : ~0ull;

  sock = socket(AF_PACKET, SOCK_RAW, htons(kEtherType));
  if (sock < 0) die("socket");
  ifreq req{};
  std::snprintf(req.ifr_name, sizeof req.ifr_name, "%s", ifname);
  if (ioctl(sock, SIOCGIFINDEX, &req) < 0) die("SIOCGIFINDEX");
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(kEtherType);
  addr.sll_ifindex = req.ifr_ifindex;
  if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) die("bind");
  if (ioctl(sock, SIOCGIFHWADDR, &req) < 0) die("SIOCGIFHWADDR");
  std::memcpy(my_mac, req.ifr_hwaddr.sa_data, 6);
  if (ioctl(sock, SIOCGIFMTU, &req) < 0) die("SIOCGIFMTU");
  mtu = req.ifr_mtu;
  timeval tv{2, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  std::vector<unsigned char> frame(mtu + 14), in(mtu + 14 + 64);
  std::uint32_t tag;
  // Query Config to the target: its MAC, buffer count and sector count.
  const unsigned char bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  Target t{};
  header(frame.data(), bcast, 1, 0x80000001);
  std::memset(frame.data() + 24, 0, 8);
  if (send(sock, frame.data(), 60, 0) < 0) die("send");
  for (;;) {
    ssize_t n = recv_answer(in.data(), in.size(), &tag);
    if (n == 0) {
      std::fprintf(stderr, "no answer from e%u.%u\n", shelf, slot);
      return 1;
    }
    if (in[19] == 1 && tag == 0x80000001) {
      std::memcpy(t.mac, in.data() + 6, 6);
      t.buffer_count = (in[24] << 8) | in[25];
      t.sectors_per_frame = in[28];
      break;
    }
  }
  // IDENTIFY: the size.
  header(frame.data(), t.mac, 0, 0x80000002);
  ata(frame.data(), 0xEC, false, 1, 0);
  frame[24] = 0;
  if (send(sock, frame.data(), 60, 0) < 0) die("send");
  for (;;) {
    ssize_t n = recv_answer(in.data(), in.size(), &tag);
    if (n == 0) {
      std::fprintf(stderr, "no IDENTIFY answer\n");
      return 1;
    }
    if (tag == 0x80000002 && n >= 36 + 512) {
      const unsigned char* w = in.data() + 36;
      t.sectors = 0;
      for (int i = 3; i >= 0; --i)
        t.sectors = (t.sectors << 16) | (w[2 * (100 + i)] | (w[2 * (100 + i) + 1] << 8));
      break;
    }
  }
  const unsigned spf = std::min<unsigned>(t.sectors_per_frame, (mtu - 22) / 512);
  std::uint64_t sectors = t.sectors;
  if (max_bytes / 512 < sectors) sectors = max_bytes / 512;
  const std::uint64_t frames = (sectors + spf - 1) / spf;
  if (window > t.buffer_count) window = t.buffer_count;

  std::vector<unsigned char> data(spf * 512, 0x5a);
  auto send_frame = [&](std::uint64_t i) {
    const std::uint64_t lba = i * spf;
    const unsigned count = static_cast<unsigned>(std::min<std::uint64_t>(spf, sectors - lba));
    header(frame.data(), t.mac, 0, 0x80000000u | static_cast<std::uint32_t>(i & 0x7fffffff));
    ata(frame.data(), write ? 0x34 : 0x24, write, count, lba);
    std::size_t len = 36;
    if (write) {
      std::memcpy(frame.data() + 36, data.data(), count * 512);
      len += count * 512;
    }
    if (len < 60) len = 60;
    while (send(sock, frame.data(), len, 0) < 0) {
      if (errno != ENOBUFS && errno != EAGAIN) die("send");
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t next = 0, done = 0;
  while (next < frames && next < window) send_frame(next++);
  while (done < frames) {
    ssize_t n = recv_answer(in.data(), in.size(), &tag);
    if (n == 0) {
      std::fprintf(stderr, "lost a frame (timeout) after %llu\n", (unsigned long long)done);
      return 1;
    }
    if (!(tag & 0x80000000u) || in[19] != 0) continue;
    if (in[14] & 0x04 || in[27] & 0x01) {
      std::fprintf(stderr, "error answer\n");
      return 1;
    }
    ++done;
    if (next < frames) send_frame(next++);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double bytes = static_cast<double>(sectors) * 512;
  std::printf("%.1f %.0f %.0f\n", bytes / secs / 1e6, frames / secs, bytes);
  return 0;
}
