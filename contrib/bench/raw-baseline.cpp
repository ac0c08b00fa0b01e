// raw-baseline: the yardstick for the initiator benchmark. A deliberately
// plain AoE client: one AF_PACKET socket, one send(2) and one recv(2) per
// frame, N frames in flight, READ/WRITE SECTORS EXT over a whole target, no
// retransmission (a lost frame aborts the run: the fixture network is clean).
// Self-contained on purpose (no project code), so it measures the wire and
// the target, not our codec.
//
//   raw-baseline IFACE SHELF SLOT read|write WINDOW [MAX_BYTES]
// prints: "<MB/s> <round trips/s> <bytes> <CPU s>" on one line, the last
// being this process's user + system time (getrusage), start-up included.
//
// RAW_RX (environment) picks how answers are received, to measure the
// receive path alone (contrib/bench/rx-ring):
//   recv  (default) one recv(2) per frame into one buffer
//   mmsg  recvmmsg(2): every answer already queued, in one call
//   ring  PACKET_RX_RING (TPACKET_V2): the kernel copies each frame into a
//         mapped slot, read in place; poll(2) only when the ring is empty
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
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

enum class Rx { recv, mmsg, ring } rx_mode = Rx::recv;
std::vector<unsigned char> rx_buf;  // recv: one frame; mmsg: kBatch frames
std::size_t rx_frame;               // bytes per frame in rx_buf

// mmsg: a batch of what is queued; more than the largest window we run
// (vblade's buffer count, 16 by default) gains nothing.
constexpr unsigned kBatch = 16;
mmsghdr msgs[kBatch];
iovec iovs[kBatch];
unsigned batch_len, batch_next;

// ring: TPACKET_V2, not V3. V3 hands a block to the reader only when the
// block is full or its retire timer (milliseconds) fires; a window of 16
// answers seldom fills one, so the client would idle on the timer with
// requests unsent. V2 hands over every frame as it lands.
constexpr unsigned kRingFrames = 256;  // far above any window: a full ring drops
unsigned char* ring;
std::size_t ring_frame_size;
unsigned ring_next;
tpacket2_hdr* ring_held;  // the slot last returned, given back on the next call

void setup_rx(const char* mode) {
  const std::string m = mode ? mode : "recv";
  rx_frame = mtu + 14 + 64;
  if (m == "recv") {
    rx_buf.resize(rx_frame);
  } else if (m == "mmsg") {
    rx_mode = Rx::mmsg;
    rx_buf.resize(kBatch * rx_frame);
    for (unsigned i = 0; i < kBatch; ++i) {
      iovs[i] = {rx_buf.data() + i * rx_frame, rx_frame};
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
  } else if (m == "ring") {
    rx_mode = Rx::ring;
    int v = TPACKET_V2;
    if (setsockopt(sock, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) die("PACKET_VERSION");
    // A slot holds the tpacket2 header and the frame, whose network header
    // the kernel puts at TPACKET_ALIGN(header + 16). Powers of two, so slots
    // tile the blocks and slot i sits at ring + i * size.
    ring_frame_size = 2048;
    while (ring_frame_size < TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + mtu) ring_frame_size *= 2;
    tpacket_req req{};
    req.tp_block_size = std::max<unsigned>(ring_frame_size, 4096);  // a page at least
    req.tp_frame_size = ring_frame_size;
    req.tp_frame_nr = kRingFrames;
    req.tp_block_nr = kRingFrames / (req.tp_block_size / ring_frame_size);
    if (setsockopt(sock, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) die("PACKET_RX_RING");
    void* p = mmap(nullptr, std::size_t{req.tp_block_size} * req.tp_block_nr,
                   PROT_READ | PROT_WRITE, MAP_SHARED, sock, 0);
    if (p == MAP_FAILED) die("mmap");
    ring = static_cast<unsigned char*>(p);
  } else {
    std::fprintf(stderr, "RAW_RX must be recv, mmsg or ring\n");
    std::exit(2);
  }
}

// One frame, whatever it is; its length, 0 on timeout. *frame stays valid
// until the next call.
ssize_t rx_one(const unsigned char** frame) {
  switch (rx_mode) {
    case Rx::recv: {
      ssize_t n = recv(sock, rx_buf.data(), rx_frame, 0);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) die("recv");
      *frame = rx_buf.data();
      return n < 0 ? 0 : n;
    }
    case Rx::mmsg:
      if (batch_next == batch_len) {
        // MSG_WAITFORONE: blocks (SO_RCVTIMEO) for the first frame only.
        int n = recvmmsg(sock, msgs, kBatch, MSG_WAITFORONE, nullptr);
        if (n < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
          die("recvmmsg");
        }
        batch_len = n;
        batch_next = 0;
      }
      *frame = rx_buf.data() + batch_next * rx_frame;
      return msgs[batch_next++].msg_len;
    case Rx::ring:
      break;
  }
  if (ring_held) {
    // Release: the kernel may reuse the slot once it sees the status.
    __atomic_store_n(&ring_held->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    ring_held = nullptr;
  }
  auto* h = reinterpret_cast<tpacket2_hdr*>(ring + ring_next * ring_frame_size);
  // Acquire: the frame's bytes are visible once its status says USER.
  while (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
    pollfd pfd{sock, POLLIN, 0};
    int r = poll(&pfd, 1, 2000);  // the same 2 s as SO_RCVTIMEO
    if (r == 0) return 0;
    if (r < 0 && errno != EINTR) die("poll");
  }
  ring_held = h;
  ring_next = (ring_next + 1) % kRingFrames;
  *frame = reinterpret_cast<unsigned char*>(h) + h->tp_mac;
  return h->tp_snaplen;
}

// Receives one answer for our shelf.slot; returns its length, 0 on timeout.
ssize_t recv_answer(const unsigned char** frame, std::uint32_t* tag) {
  for (;;) {
    ssize_t n = rx_one(frame);
    if (n == 0) return 0;
    const unsigned char* buf = *frame;
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

  setup_rx(std::getenv("RAW_RX"));

  std::vector<unsigned char> frame(mtu + 14);
  const unsigned char* in;  // the answer just received (see rx_one)
  std::uint32_t tag;
  // Query Config to the target: its MAC, buffer count and sector count.
  const unsigned char bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  Target t{};
  header(frame.data(), bcast, 1, 0x80000001);
  std::memset(frame.data() + 24, 0, 8);
  if (send(sock, frame.data(), 60, 0) < 0) die("send");
  for (;;) {
    ssize_t n = recv_answer(&in, &tag);
    if (n == 0) {
      std::fprintf(stderr, "no answer from e%u.%u\n", shelf, slot);
      return 1;
    }
    if (in[19] == 1 && tag == 0x80000001) {
      std::memcpy(t.mac, in + 6, 6);
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
    ssize_t n = recv_answer(&in, &tag);
    if (n == 0) {
      std::fprintf(stderr, "no IDENTIFY answer\n");
      return 1;
    }
    if (tag == 0x80000002 && n >= 36 + 512) {
      const unsigned char* w = in + 36;
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
    ssize_t n = recv_answer(&in, &tag);
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
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu =
      ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf("%.1f %.0f %.0f %.3f\n", bytes / secs / 1e6, frames / secs, bytes, cpu);
  return 0;
}
