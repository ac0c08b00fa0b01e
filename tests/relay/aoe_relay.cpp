// aoe-relay: a bad wire between two interfaces, for fault tests (this kernel
// has no netem). Forwards every Ethernet frame from A to B and back and, with
// the given probabilities per frame, drops, duplicates, reorders or delays it.
//
//   aoe-relay IF_A IF_B [drop=P] [dup=P] [reorder=P] [hold_ms=N] [delay_ms=N]
//             [jitter_ms=N] [dup_hold_ms=N] [stale=P] [stale_mode=dup|orig]
//             [stale_hold_ms=N] [seed=N] [pidfile=PATH] [stats=PATH]
//
// reorder=P holds a frame back hold_ms (default 3) so later frames overtake
// it. dup=P sends a second copy; dup_hold_ms holds that copy back (a stale
// duplicate arriving after newer frames — the case AoE's lack of sequence
// numbers makes dangerous for writes).
//
// stale=P is the targeted attack on the initiator's stale-write guard
// (protocol/write_guard.hpp): each ATA write request (R flag clear, W aflag
// set) is picked with probability P and a copy of it is held back — a
// duplicate (stale_mode=dup, the original goes on) or the original itself
// (stale_mode=orig, so the initiator must retransmit it). The held copy is
// released to the target right after the target's answer to a *newer* write
// to overlapping sectors (other tag, other data) has passed, i.e. just when
// it undoes that newer write; or after stale_hold_ms (default 500) if no
// newer write came. At most one held copy per sector range at a time.
// Counters: stale_held, stale_after_newer, stale_timeout.
//
// Choices come from a seeded generator,
// so a run is repeatable for the same frame sequence. Counters go to stdout
// (and to stats=PATH as key=value lines) every second, on SIGUSR1 and at exit
// (SIGTERM/SIGINT). Faults apply in both directions, where frames arrive at
// the relay: the endpoints' own sends never fail because of it.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "protocol/codec/frame_layout.hpp"
#include "support/raw_socket.hpp"
#include "support/responder/counter_line.hpp"
#include "support/responder/stop_signals.hpp"
#include "support/responder/tool_arguments.hpp"
#include "support/responder/whole_file.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  double drop = 0, dup = 0, reorder = 0;
  double hold_ms = 3, delay_ms = 0, jitter_ms = 0, dup_hold_ms = 0;
  double stale = 0, stale_hold_ms = 500;
  bool stale_original = false;  // stale_mode=orig
  unsigned long seed = 1;
  std::string pidfile, stats;
};

struct Counters {
  unsigned long long frames = 0, dropped = 0, duplicated = 0, reordered = 0, delayed = 0,
                     send_errors = 0, stale_held = 0, stale_after_newer = 0, stale_timeout = 0;
};

// An ATA write request as the relay sees it (offsets: protocol/codec/frame_layout.hpp).
struct WriteRequest {
  std::uint32_t tag;
  std::uint64_t lba;
  unsigned sectors;
};

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

bool is_aoe(const unsigned char* f, std::size_t n) {
  return n >= aoe::layout::arg && f[aoe::layout::ethertype] == 0x88 &&
         f[aoe::layout::ethertype + 1] == 0xa2;
}

bool is_response(const unsigned char* f, std::size_t n) {
  return is_aoe(f, n) && (f[aoe::layout::ver_flags] & aoe::layout::flag_response);
}

// An ATA request (command 0, R clear) with the write aflag and data.
std::optional<WriteRequest> write_request(const unsigned char* f, std::size_t n) {
  namespace L = aoe::layout;
  if (!is_aoe(f, n) || is_response(f, n) || f[L::command] != 0 || n < L::ata::data) return {};
  if (!(f[L::ata::aflags] & L::ata::flag_write) || f[L::ata::sector_count] == 0) return {};
  std::uint64_t lba = 0;
  for (std::size_t i = 0; i < L::ata::lba_bytes; ++i)
    lba |= std::uint64_t{f[L::ata::lba + i]} << (8 * i);
  return WriteRequest{be32(f + L::tag), lba, f[L::ata::sector_count]};
}

// A write copy held back by stale=P, waiting for a newer write to its sectors.
struct StaleCopy {
  WriteRequest request;
  aoetest::RawAoeSocket* out;
  std::vector<unsigned char> frame;
  Clock::time_point release_at;            // stale_hold_ms after it was taken
  std::optional<std::uint32_t> newer_tag;  // the newer write whose answer releases it
  bool overlaps(const WriteRequest& w) const {
    return w.lba < request.lba + request.sectors && request.lba < w.lba + w.sectors;
  }
  // Same sectors and bytes: a retransmission of this very write, not a newer one.
  bool same_write(const unsigned char* f, std::size_t n, const WriteRequest& w) const {
    return w.lba == request.lba && w.sectors == request.sectors && n == frame.size() &&
           std::memcmp(f + aoe::layout::ata::data, frame.data() + aoe::layout::ata::data,
                       n - aoe::layout::ata::data) == 0;
  }
};

struct Pending {
  Clock::time_point due;
  unsigned long long order;
  aoetest::RawAoeSocket* out;
  std::vector<unsigned char> frame;
  bool operator>(const Pending& o) const { return due != o.due ? due > o.due : order > o.order; }
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "aoe-relay: %s\n", why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  std::map<std::string, double*> numbers{{"drop", &o.drop},
                                         {"dup", &o.dup},
                                         {"reorder", &o.reorder},
                                         {"hold_ms", &o.hold_ms},
                                         {"delay_ms", &o.delay_ms},
                                         {"jitter_ms", &o.jitter_ms},
                                         {"dup_hold_ms", &o.dup_hold_ms},
                                         {"stale", &o.stale},
                                         {"stale_hold_ms", &o.stale_hold_ms}};
  for (int i = 3; i < argc; ++i) {
    const auto kv = aoetest::split_key_value(argv[i]);
    if (!kv) die(std::string("expected KEY=VALUE, got '") + argv[i] + "'");
    const auto& [key, value] = *kv;
    if (key == "pidfile") {
      o.pidfile = value;
      continue;
    }
    if (key == "stats") {
      o.stats = value;
      continue;
    }
    if (key == "stale_mode") {
      if (value != "dup" && value != "orig")
        die("stale_mode is 'dup' or 'orig', got '" + value + "'");
      o.stale_original = value == "orig";
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end || v < 0) die("bad value for '" + key + "': '" + value + "'");
    if (key == "seed") {
      o.seed = static_cast<unsigned long>(v);
      continue;
    }
    auto it = numbers.find(key);
    if (it == numbers.end()) die("unknown option '" + key + "'");
    if ((key == "drop" || key == "dup" || key == "reorder" || key == "stale") && v > 1)
      die(key + " is a probability 0..1");
    *it->second = v;
  }
  return o;
}

// A relay port: every EtherType, sends that fail at once on a full buffer
// (a lost frame is counted, the relay never waits), 8 MiB buffers.
aoetest::RawAoeSocket open_port(const char* name) {
  try {
    return aoetest::RawAoeSocket::open(
        name, {.every_ethertype = true, .nonblocking = true, .buffer_bytes = 8 << 20});
  } catch (const std::exception& e) {
    die(e.what());
  }
}

void report(const Counters& c, const Options& o) {
  const std::string line = aoetest::counter_line({{"frames", c.frames},
                                                  {"dropped", c.dropped},
                                                  {"duplicated", c.duplicated},
                                                  {"reordered", c.reordered},
                                                  {"delayed", c.delayed},
                                                  {"send_errors", c.send_errors},
                                                  {"stale_held", c.stale_held},
                                                  {"stale_after_newer", c.stale_after_newer},
                                                  {"stale_timeout", c.stale_timeout}});
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  if (!o.stats.empty()) {
    std::string lines = line;  // one key=value a line
    std::replace(lines.begin(), lines.end(), ' ', '\n');
    aoetest::replace_file(o.stats, lines);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    std::puts(
        "usage: aoe-relay IF_A IF_B [drop=P] [dup=P] [reorder=P] [hold_ms=N] [delay_ms=N]\n"
        "                 [jitter_ms=N] [dup_hold_ms=N] [stale=P] [stale_mode=dup|orig]\n"
        "                 [stale_hold_ms=N] [seed=N] [pidfile=PATH] [stats=PATH]");
    return argc < 3 ? 2 : 0;
  }
  const Options opt = parse(argc, argv);
  aoetest::RawAoeSocket ports[2] = {open_port(argv[1]), open_port(argv[2])};

  aoetest::catch_stop_signals();
  aoetest::catch_counters_signal();

  if (!opt.pidfile.empty()) aoetest::replace_file(opt.pidfile, std::to_string(getpid()) + "\n");
  std::printf("relaying %s <-> %s\n", argv[1], argv[2]);
  std::fflush(stdout);

  std::mt19937_64 rng(opt.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto chance = [&](double p) { return p > 0 && uniform(rng) < p; };
  auto ms = [](double v) {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double, std::milli>(v));
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> timers;
  unsigned long long order = 0;
  Counters count;

  auto send = [&](aoetest::RawAoeSocket* out, const unsigned char* data, std::size_t len) {
    if (out->try_send({data, len})) ++count.send_errors;  // ENOBUFS etc.: a lost frame
  };
  auto emit = [&](aoetest::RawAoeSocket* out, const unsigned char* data, std::size_t len,
                  double extra_ms) {
    extra_ms += opt.delay_ms + (opt.jitter_ms > 0 ? uniform(rng) * opt.jitter_ms : 0.0);
    if (extra_ms <= 0) return send(out, data, len);
    timers.push({Clock::now() + ms(extra_ms), order++, out, {data, data + len}});
  };

  std::vector<StaleCopy> stale;
  auto release_stale = [&](std::size_t i) {
    send(stale[i].out, stale[i].frame.data(), stale[i].frame.size());
    stale.erase(stale.begin() + static_cast<std::ptrdiff_t>(i));
  };
  // stale=P on one arriving frame; true when the frame itself was taken (orig mode).
  auto stale_attack = [&](const unsigned char* f, std::size_t n, aoetest::RawAoeSocket* out) {
    if (const auto w = write_request(f, n)) {
      bool overlapping = false;
      for (StaleCopy& c : stale) {
        if (!c.overlaps(*w)) continue;
        overlapping = true;
        if (!c.newer_tag && !c.same_write(f, n, *w)) c.newer_tag = w->tag;
      }
      if (overlapping || !chance(opt.stale)) return false;
      stale.push_back({*w, out, {f, f + n}, Clock::now() + ms(opt.stale_hold_ms), {}});
      ++count.stale_held;
      return opt.stale_original;
    }
    return false;
  };
  // After a newer write's answer went on: its stale predecessors go too.
  auto stale_release_after = [&](const unsigned char* f, std::size_t n) {
    if (!is_response(f, n)) return;
    const std::uint32_t tag = be32(f + aoe::layout::tag);
    for (std::size_t i = stale.size(); i-- > 0;) {
      if (stale[i].newer_tag == tag) {
        ++count.stale_after_newer;
        release_stale(i);
      }
    }
  };

  std::vector<unsigned char> buf(65536);
  auto next_report = Clock::now() + std::chrono::seconds(1);
  while (!aoetest::stop_requested()) {
    int timeout_ms = 100;
    if (!timers.empty()) {
      const auto wait =
          std::chrono::duration_cast<std::chrono::milliseconds>(timers.top().due - Clock::now());
      timeout_ms = std::max<int>(0, std::min<int>(timeout_ms, static_cast<int>(wait.count())));
    }
    for (const StaleCopy& c : stale) {
      const auto wait =
          std::chrono::duration_cast<std::chrono::milliseconds>(c.release_at - Clock::now());
      timeout_ms = std::max<int>(0, std::min<int>(timeout_ms, static_cast<int>(wait.count())));
    }
    pollfd fds[2] = {{ports[0].fd(), POLLIN, 0}, {ports[1].fd(), POLLIN, 0}};
    poll(fds, 2, timeout_ms);
    const auto now = Clock::now();
    while (!timers.empty() && timers.top().due <= now) {
      const Pending& p = timers.top();
      send(p.out, p.frame.data(), p.frame.size());
      timers.pop();
    }
    for (std::size_t i = stale.size(); i-- > 0;) {
      if (stale[i].release_at <= now) {
        ++count.stale_timeout;
        release_stale(i);
      }
    }
    for (int side = 0; side < 2; ++side) {
      for (int burst = 0; burst < 64; ++burst) {
        const auto n = ports[side].receive_waiting(buf);  // our own sends passed over
        if (!n) break;
        ++count.frames;
        aoetest::RawAoeSocket* out = &ports[1 - side];
        const std::size_t len = *n;
        if (opt.stale > 0 && stale_attack(buf.data(), len, out)) continue;
        if (chance(opt.drop)) {
          ++count.dropped;
          if (opt.stale > 0) stale_release_after(buf.data(), len);
          continue;
        }
        double extra = 0;
        if (chance(opt.reorder)) {
          ++count.reordered;
          extra = opt.hold_ms;
        }
        if (extra > 0 || opt.delay_ms > 0 || opt.jitter_ms > 0) ++count.delayed;
        emit(out, buf.data(), len, extra);
        if (chance(opt.dup)) {
          ++count.duplicated;
          emit(out, buf.data(), len, extra + opt.dup_hold_ms);
        }
        if (opt.stale > 0) stale_release_after(buf.data(), len);
      }
    }
    if (aoetest::take_counters_request() || Clock::now() >= next_report) {
      report(count, opt);
      next_report = Clock::now() + std::chrono::seconds(1);
    }
  }
  report(count, opt);
  return 0;
}
