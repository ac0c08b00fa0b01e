// quirk_target: a second AoE r11 target, next to vblade, whose deviations
// from vblade are switches, so that the initiator can be tested against the
// behaviours real targets show (tests/integration/quirk_*.sh).
//
//   quirk_target [OPTIONS] SHELF SLOT IFACE FILE
//
// Serves one disk, the backing FILE (its size, whole sectors), on one
// interface of the calling namespace through an AF_PACKET socket:
//   Query Config   read, test exact/prefix, set-if-empty (AoE error 4 when a
//                  different string is set), force set; announced at start
//                  by one answer broadcast to ff:ff:ff:ff:ff:ff (tag 0).
//   ATA            IDENTIFY DEVICE (0xEC), READ/WRITE SECTORS (0x20/0x30,
//                  LBA28) and EXT (0x24/0x34, LBA48), FLUSH CACHE (0xE7) and
//                  FLUSH CACHE EXT (0xEA) (fdatasync of FILE), CHECK POWER
//                  MODE (0xE5), DATA SET MANAGEMENT TRIM (0x06) with --trim;
//                  anything else is aborted (status DRDY|ERR, error ABRT).
//                  A range past the end: DRDY|ERR, error IDNF.
//   other AoE commands: AoE error 1 (unrecognized command).
// Answers go to the requester's MAC, at least 60 bytes (zero padded: veth
// does not pad). Requests for another shelf.slot are ignored; Query Config
// also answers the broadcast addresses (shelf 0xffff, slot 0xff).
//
// Quirks (off by default; then it behaves like a plain disk with a write
// cache that is flushed on FLUSH CACHE [EXT]):
//   --reorder P[:DEPTH]     hold back a fraction P of the answers until DEPTH
//                           (default 3) later answers were sent, like a
//                           target serving requests from several threads;
//                           held answers go out when the wire is idle 1 ms.
//   --seed N                of the --reorder choice (default 1).
//   --no-write-cache        IDENTIFY: no write cache (word 82/85 bit 5 clear),
//                           no flush (word 83 = 0x0400); flushes aborted
//                           (status 0x41, error 0x04).
//   --flush-echo            flush is a no-op answered with the command byte
//                           as status (0xE7 / 0xEA) and error 0.
//   --write-cache-no-flush  IDENTIFY: write cache supported and enabled, no
//                           flush advertised (word 83 = 0x4400); flushes
//                           aborted (status 0x41, error 0x04).
//   --slow-write-ms N       every write frame reaches FILE with fdatasync and
//                           is answered no sooner than N ms after it was
//                           taken up, one at a time.
//   --stall-ms N[:EVERY]    before every EVERY-th read or write frame
//                           (default 256) the target stops for N ms, like a
//                           disk that seeks or a busy host: requests queue
//                           and are answered in order afterwards.
//   --buffers N             Query Config buffer count (default 16).
//   --sectors N             Query Config sectors per frame (default: what the
//                           interface MTU carries, at most 255).
//   --firmware X            Query Config firmware version (a number, e.g.
//                           0x4019; default 0x0001) and IDENTIFY firmware
//                           string (X as written).
//   --unswapped-strings     IDENTIFY strings in plain byte order (ATA stores
//                           two characters per word, high byte first).
//   --trim                  IDENTIFY: DATA SET MANAGEMENT TRIM (word 169 bit
//                           0); TRIM ranges become holes in FILE.
//   --config S              initial config string (default empty).
//   --stats PATH            where the counters go at exit (also stdout).
//
// Once bound it prints "pid N: eS.L, SECTORS sectors" (the line the fixture
// waits for, as vblade's). SIGTERM/SIGINT end it; it prints its counters
// (to stdout and --stats PATH), SIGUSR1 writes them and it carries on:
//   requests=N answers=N held=N reads=N writes=N ... same_tag=N same_range=N
// same_tag: ATA requests whose (source MAC, tag) was among the last 4096;
// same_range: reads/writes whose (source MAC, command, LBA, count) was among
// the last 256 — both are retransmissions that reached the target (an
// initiator may give a retransmission a new tag).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <tuple>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/frame.hpp"
#include "support/raw_socket.hpp"

namespace {

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_dump = 0;

constexpr std::uint8_t kDsm = 0x06;  // DATA SET MANAGEMENT
constexpr std::uint8_t kDsmTrimFeature = 0x01;
constexpr std::uint8_t kStatusOk = aoe::ata_status::drdy;
constexpr std::uint8_t kStatusErr = aoe::ata_status::drdy | aoe::ata_status::err;

struct Options {
  double reorder = 0;
  unsigned reorder_depth = 3;
  unsigned seed = 1;
  bool no_write_cache = false;
  bool flush_echo = false;
  bool write_cache_no_flush = false;
  unsigned slow_write_ms = 0;
  unsigned stall_ms = 0, stall_every = 256;
  unsigned buffers = 16;
  unsigned sectors = 0;  // 0: from the MTU
  std::string firmware = "0x0001";
  bool unswapped_strings = false;
  bool trim = false;
  std::string config;
  std::string stats_path;
  aoe::TargetAddress address;
  std::string interface, file;
};

struct Counters {
  unsigned long requests = 0, answers = 0, held = 0, reads = 0, writes = 0, flushes = 0,
                flushes_aborted = 0, trims = 0, identifies = 0, configs = 0, errors = 0,
                same_tag = 0, same_range = 0, stalls = 0;
  std::string text() const {
    std::ostringstream o;
    o << "requests=" << requests << " answers=" << answers << " held=" << held << " reads=" << reads
      << " writes=" << writes << " flushes=" << flushes << " flushes_aborted=" << flushes_aborted
      << " trims=" << trims << " identifies=" << identifies << " configs=" << configs
      << " errors=" << errors << " same_tag=" << same_tag << " same_range=" << same_range
      << " stalls=" << stalls << "\n";
    return o.str();
  }
};

// An ATA string into `count` words from `first`: space padded; two
// characters per word, the first in the high byte unless `unswapped`.
void put_string(std::uint8_t* page, unsigned first, unsigned count, const std::string& s,
                bool unswapped) {
  std::string padded = s.substr(0, 2 * count);
  padded.resize(2 * count, ' ');
  for (unsigned i = 0; i < count; ++i) {
    std::uint8_t* w = page + 2 * (first + i);
    w[unswapped ? 0 : 1] = static_cast<std::uint8_t>(padded[2 * i]);
    w[unswapped ? 1 : 0] = static_cast<std::uint8_t>(padded[2 * i + 1]);
  }
}

void put_word(std::uint8_t* page, unsigned w, std::uint16_t v) {
  page[2 * w] = static_cast<std::uint8_t>(v);
  page[2 * w + 1] = static_cast<std::uint8_t>(v >> 8);
}

class QuirkTarget {
 public:
  QuirkTarget(Options opt, aoetest::RawAoeSocket& socket, int fd, std::uint64_t capacity)
      : opt_(std::move(opt)), socket_(socket), fd_(fd), capacity_(capacity), rng_(opt_.seed) {
    sectors_per_frame_ =
        opt_.sectors ? opt_.sectors : std::min(255u, aoe::sectors_per_frame(socket_.mtu()));
    config_ = opt_.config;
    firmware_number_ = static_cast<std::uint16_t>(std::strtoul(opt_.firmware.c_str(), nullptr, 0));
  }

  unsigned sectors_per_frame() const { return sectors_per_frame_; }
  const Counters& counters() const { return counters_; }
  bool holding() const { return !held_.empty(); }

  // The start-up announcement: a Query Config answer to everyone.
  void announce() {
    aoe::Frame f;
    f.header.dst = aoe::MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    f.header.src = socket_.mac();
    f.header.response = true;
    f.header.target = opt_.address;
    f.header.command = static_cast<std::uint8_t>(aoe::Command::query_config);
    f.body = config_body(aoe::ConfigCommand::read);
    send_now(f);
  }

  void on_frame(std::span<const std::uint8_t> bytes) {
    auto frame = aoe::decode(bytes);
    if (!frame || frame->header.response || frame->header.src == socket_.mac()) return;
    const auto& h = frame->header;
    const bool config = h.command == static_cast<std::uint8_t>(aoe::Command::query_config);
    const bool shelf_ok =
        h.target.shelf == opt_.address.shelf || (config && h.target.shelf == aoe::kBroadcastShelf);
    const bool slot_ok =
        h.target.slot == opt_.address.slot || (config && h.target.slot == aoe::kBroadcastSlot);
    if (!shelf_ok || !slot_ok) return;
    ++counters_.requests;
    if (config) return on_config(*frame);
    if (h.command != static_cast<std::uint8_t>(aoe::Command::ata))
      return error_answer(*frame, aoe::AoeErrc::unrecognized_command);
    const auto* ata = std::get_if<aoe::AtaMessage>(&frame->body);
    if (!ata) return error_answer(*frame, aoe::AoeErrc::bad_argument);
    note_repeats(h, *ata);
    on_ata(*frame, *ata);
  }

  // The wire is idle: a multi-threaded target finishes its stragglers too.
  void release_held() {
    while (!held_.empty()) {
      send_bytes(held_.front().bytes);
      held_.pop_front();
    }
  }

 private:
  struct Held {
    std::vector<std::uint8_t> bytes;
    unsigned wait;  // later answers still to be sent before this one
  };

  aoe::Frame reply_to(const aoe::Frame& req) const {
    aoe::Frame f;
    f.header = req.header;
    f.header.dst = req.header.src;
    f.header.src = socket_.mac();
    f.header.response = true;
    f.header.error = false;
    f.header.error_code = 0;
    f.header.target = opt_.address;
    return f;
  }

  aoe::QueryConfigMessage config_body(aoe::ConfigCommand cmd) const {
    aoe::QueryConfigMessage qc;
    qc.buffer_count = static_cast<std::uint16_t>(opt_.buffers);
    qc.firmware_version = firmware_number_;
    qc.sector_count = static_cast<std::uint8_t>(sectors_per_frame_);
    qc.aoe_version = aoe::kAoeVersion;
    qc.command = static_cast<std::uint8_t>(cmd);
    qc.config = config_;
    return qc;
  }

  void on_config(const aoe::Frame& req) {
    ++counters_.configs;
    const auto* qc = std::get_if<aoe::QueryConfigMessage>(&req.body);
    if (!qc) return error_answer(req, aoe::AoeErrc::bad_argument);
    const std::string_view asked = qc->config;
    aoe::Frame f = reply_to(req);
    switch (static_cast<aoe::ConfigCommand>(qc->command)) {
      case aoe::ConfigCommand::read:
        break;
      case aoe::ConfigCommand::test_exact:
        if (asked != config_) return;
        break;
      case aoe::ConfigCommand::test_prefix:
        if (asked.substr(0, config_.size()) != config_) return;
        break;
      case aoe::ConfigCommand::set_if_empty:
        if (config_.empty()) {
          config_ = asked;
        } else if (asked != config_) {
          f.header.error = true;
          f.header.error_code = static_cast<std::uint8_t>(aoe::AoeErrc::config_string_present);
        }
        break;
      case aoe::ConfigCommand::force_set:
        config_ = asked;
        break;
      default:
        return error_answer(req, aoe::AoeErrc::bad_argument);
    }
    f.body = config_body(static_cast<aoe::ConfigCommand>(qc->command));
    answer(f);
  }

  void error_answer(const aoe::Frame& req, aoe::AoeErrc code) {
    ++counters_.errors;
    // The header alone (padded): the error code is the whole answer.
    aoe::Frame f = reply_to(req);
    f.header.error = true;
    f.header.error_code = static_cast<std::uint8_t>(code);
    std::vector<std::uint8_t> bytes(aoe::kHeaderSize);
    auto n = aoe::encode(aoe::Frame{f.header, aoe::UnknownMessage{}}, bytes);
    if (!n) return;
    answer_bytes(std::move(bytes));
  }

  void on_ata(const aoe::Frame& req, const aoe::AtaMessage& ata) {
    aoe::AtaMessage a;
    a.extended = ata.extended;
    a.device = ata.device;
    a.async = ata.async;
    a.write = ata.write;
    a.sector_count = ata.sector_count;
    a.lba = ata.lba;
    a.cmd_status = kStatusOk;
    std::vector<std::uint8_t> data;
    const std::uint8_t cmd = ata.cmd_status;
    switch (cmd) {
      case aoe::ata_cmd::identify_device:
        ++counters_.identifies;
        data = identify();
        break;
      case aoe::ata_cmd::read_sectors:
      case aoe::ata_cmd::read_sectors_ext:
      case aoe::ata_cmd::write_sectors:
      case aoe::ata_cmd::write_sectors_ext: {
        const bool ext =
            cmd == aoe::ata_cmd::read_sectors_ext || cmd == aoe::ata_cmd::write_sectors_ext;
        const bool write =
            cmd == aoe::ata_cmd::write_sectors || cmd == aoe::ata_cmd::write_sectors_ext;
        const std::uint64_t lba = ext ? ata.lba : (ata.lba & aoe::kMaxLba28);
        const unsigned count = ata.sector_count;
        if (count > sectors_per_frame_ ||
            (write && ata.data.size() < std::size_t{count} * aoe::kSectorSize)) {
          abort_with(a, aoe::ata_error::abrt);
          break;
        }
        if (lba + count > capacity_) {
          abort_with(a, aoe::ata_error::idnf);
          break;
        }
        if (opt_.stall_ms && ++data_frames_ % opt_.stall_every == 0) {
          ++counters_.stalls;
          std::this_thread::sleep_for(std::chrono::milliseconds(opt_.stall_ms));
        }
        if (write) {
          ++counters_.writes;
          if (!do_write(lba, ata.data.first(std::size_t{count} * aoe::kSectorSize)))
            abort_with(a, aoe::ata_error::unc);
        } else {
          ++counters_.reads;
          data.resize(std::size_t{count} * aoe::kSectorSize);
          if (!do_read(lba, data)) {
            data.clear();
            abort_with(a, aoe::ata_error::unc);
          }
        }
        break;
      }
      case aoe::ata_cmd::flush_cache:
      case aoe::ata_cmd::flush_cache_ext:
        ++counters_.flushes;
        if (opt_.no_write_cache || opt_.write_cache_no_flush) {
          ++counters_.flushes_aborted;
          abort_with(a, aoe::ata_error::abrt);
        } else if (opt_.flush_echo) {
          a.cmd_status = cmd;  // the no-op flush of the issue: status = command byte
        } else if (::fdatasync(fd_) != 0) {
          abort_with(a, aoe::ata_error::unc);
        }
        break;
      case aoe::ata_cmd::check_power_mode:
        a.sector_count = 0xff;  // active or idle
        break;
      case kDsm:
        if (!opt_.trim || ata.feature_error != kDsmTrimFeature) {
          abort_with(a, aoe::ata_error::abrt);
          break;
        }
        ++counters_.trims;
        if (!do_trim(ata.data.first(
                std::min(ata.data.size(), std::size_t{ata.sector_count} * aoe::kSectorSize))))
          abort_with(a, aoe::ata_error::idnf);
        break;
      default:
        abort_with(a, aoe::ata_error::abrt);
        break;
    }
    a.data = data;
    aoe::Frame f = reply_to(req);
    f.body = a;
    answer(f);
  }

  static void abort_with(aoe::AtaMessage& a, std::uint8_t error) {
    a.cmd_status = kStatusErr;
    a.feature_error = error;
  }

  bool do_read(std::uint64_t lba, std::vector<std::uint8_t>& out) {
    const ssize_t n =
        ::pread(fd_, out.data(), out.size(), static_cast<off_t>(lba * aoe::kSectorSize));
    return n == static_cast<ssize_t>(out.size());
  }

  bool do_write(std::uint64_t lba, std::span<const std::uint8_t> in) {
    const auto start = std::chrono::steady_clock::now();
    const ssize_t n =
        ::pwrite(fd_, in.data(), in.size(), static_cast<off_t>(lba * aoe::kSectorSize));
    if (n != static_cast<ssize_t>(in.size())) return false;
    if (opt_.slow_write_ms) {
      if (::fdatasync(fd_) != 0) return false;
      std::this_thread::sleep_until(start + std::chrono::milliseconds(opt_.slow_write_ms));
    }
    return true;
  }

  // TRIM ranges (ACS-2 DSM): 8 bytes each, LBA in bits 0-47, count in 48-63.
  bool do_trim(std::span<const std::uint8_t> ranges) {
    for (std::size_t off = 0; off + 8 <= ranges.size(); off += 8) {
      std::uint64_t e = 0;
      for (int i = 7; i >= 0; --i) e = (e << 8) | ranges[off + static_cast<std::size_t>(i)];
      const std::uint64_t lba = e & aoe::kMaxLba48, count = e >> 48;
      if (count == 0) continue;
      if (lba + count > capacity_) return false;
      if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      static_cast<off_t>(lba * aoe::kSectorSize),
                      static_cast<off_t>(count * aoe::kSectorSize)) != 0)
        return false;
    }
    return true;
  }

  std::vector<std::uint8_t> identify() const {
    std::vector<std::uint8_t> page(512, 0);  // one sector
    std::uint8_t* p = page.data();
    const bool cache = !opt_.no_write_cache;
    const bool flush = !opt_.no_write_cache && !opt_.write_cache_no_flush;
    put_word(p, 0, 0x0040);  // fixed device
    put_word(p, 1, 16383);   // legacy geometry
    put_word(p, 3, 16);
    put_word(p, 6, 63);
    char serial[24];
    std::snprintf(serial, sizeof serial, "QT%u.%u", opt_.address.shelf, opt_.address.slot);
    put_string(p, 10, 10, serial, opt_.unswapped_strings);
    put_string(p, 23, 4, opt_.firmware, opt_.unswapped_strings);
    put_string(p, 27, 20, "aoefs quirk_target", opt_.unswapped_strings);
    put_word(p, 47, 0x8001);
    put_word(p, 49, 0x0200);  // LBA supported
    put_word(p, 53, 0x0006);
    const std::uint64_t lba28 = std::min<std::uint64_t>(capacity_, aoe::kMaxLba28);
    put_word(p, 60, static_cast<std::uint16_t>(lba28));
    put_word(p, 61, static_cast<std::uint16_t>(lba28 >> 16));
    put_word(p, 80, 0x00f0);  // ATA-4 .. ATA-7
    // 82-87: command sets supported (82-84) and enabled (85-87).
    //   82/85 bit 5 write cache; 83/86 bit 10 LBA48, 12 FLUSH CACHE,
    //   13 FLUSH CACHE EXT; 83/84/87 bit 14 "word valid".
    std::uint16_t w83 = 0x4400;
    if (flush) w83 |= 0x3000;
    if (opt_.no_write_cache) w83 = 0x0400;  // as the target of the issue says it
    put_word(p, 82, cache ? 0x0020 : 0);
    put_word(p, 83, w83);
    put_word(p, 84, 0x4000);
    put_word(p, 85, cache ? 0x0020 : 0);
    put_word(p, 86, static_cast<std::uint16_t>(w83 & 0x3c00));
    put_word(p, 87, 0x4000);
    for (unsigned i = 0; i < 4; ++i)
      put_word(p, 100 + i, static_cast<std::uint16_t>(capacity_ >> (16 * i)));
    if (opt_.trim) {
      put_word(p, 105, 1);       // one 512-byte block of ranges per command
      put_word(p, 169, 0x0001);  // DSM TRIM
    }
    // Word 255: integrity (0xA5 signature; the checksum makes all 512 bytes sum to 0).
    p[510] = 0xa5;
    unsigned sum = 0;
    for (std::size_t i = 0; i < 511; ++i) sum += p[i];
    p[511] = static_cast<std::uint8_t>(-sum);
    return page;
  }

  // Remembers `key` among the last `keep`; true when it was there already.
  template <class Key>
  static bool seen_before(std::set<Key>& set, std::deque<Key>& order, const Key& key,
                          std::size_t keep) {
    if (set.count(key)) return true;
    set.insert(key);
    order.push_back(key);
    if (order.size() > keep) {
      set.erase(order.front());
      order.pop_front();
    }
    return false;
  }

  void note_repeats(const aoe::Header& h, const aoe::AtaMessage& ata) {
    if (seen_before(tags_, tag_order_, TagKey{h.src.bytes, h.tag}, 4096)) ++counters_.same_tag;
    const std::uint8_t c = ata.cmd_status;
    if (c == aoe::ata_cmd::read_sectors || c == aoe::ata_cmd::read_sectors_ext ||
        c == aoe::ata_cmd::write_sectors || c == aoe::ata_cmd::write_sectors_ext) {
      if (seen_before(ranges_, range_order_, RangeKey{h.src.bytes, c, ata.lba, ata.sector_count},
                      256))
        ++counters_.same_range;
    }
  }

  void answer(const aoe::Frame& f) {
    auto bytes = aoe::encode(f);
    if (!bytes) {
      std::fprintf(stderr, "quirk_target: cannot encode an answer\n");
      return;
    }
    answer_bytes(std::move(*bytes));
  }

  // Sends or holds back (--reorder) one answer; a sent answer counts down
  // the held ones, which go out once DEPTH later answers have.
  void answer_bytes(std::vector<std::uint8_t> bytes) {
    if (opt_.reorder > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < opt_.reorder) {
      ++counters_.held;
      held_.push_back({std::move(bytes), opt_.reorder_depth});
      return;
    }
    send_bytes(bytes);
    for (auto it = held_.begin(); it != held_.end();) {
      if (--it->wait == 0) {
        send_bytes(it->bytes);
        it = held_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void send_now(const aoe::Frame& f) {
    if (auto bytes = aoe::encode(f)) send_bytes(*bytes);
  }

  void send_bytes(std::vector<std::uint8_t>& bytes) {
    if (bytes.size() < aoe::kMinEthernetFrame) bytes.resize(aoe::kMinEthernetFrame, 0);
    try {
      socket_.send(bytes);
      ++counters_.answers;
    } catch (const std::exception& e) {
      // A full socket buffer loses the answer; the initiator retransmits.
      std::fprintf(stderr, "quirk_target: %s\n", e.what());
    }
  }

  using TagKey = std::tuple<std::array<std::uint8_t, 6>, std::uint32_t>;
  using RangeKey =
      std::tuple<std::array<std::uint8_t, 6>, std::uint8_t, std::uint64_t, std::uint8_t>;

  Options opt_;
  aoetest::RawAoeSocket& socket_;
  int fd_;
  std::uint64_t capacity_;
  unsigned sectors_per_frame_ = 0;
  std::uint16_t firmware_number_ = 0;
  std::string config_;
  std::mt19937 rng_;
  std::deque<Held> held_;
  std::set<TagKey> tags_;
  std::deque<TagKey> tag_order_;
  std::set<RangeKey> ranges_;
  std::deque<RangeKey> range_order_;
  Counters counters_;
  unsigned long data_frames_ = 0;  // read and write frames taken up (--stall-ms)
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "quirk_target: %s\n"
      "usage: quirk_target [--reorder P[:DEPTH]] [--seed N] [--no-write-cache] [--flush-echo]\n"
      "         [--write-cache-no-flush] [--slow-write-ms N] [--stall-ms N[:EVERY]]\n"
      "         [--buffers N] [--sectors N]\n"
      "         [--firmware X] [--unswapped-strings] [--trim] [--config S] [--stats PATH]\n"
      "         SHELF SLOT IFACE FILE\n",
      why);
  std::exit(2);
}

unsigned long number(const char* s, unsigned long max, const char* what) {
  char* end = nullptr;
  errno = 0;
  const unsigned long v = std::strtoul(s, &end, 0);
  if (errno || !end || *end || end == s || v > max)
    usage((std::string("bad ") + what + ": " + s).c_str());
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage((a + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--reorder") {
      const std::string v = value();
      const auto colon = v.find(':');
      const std::string p = v.substr(0, colon);
      char* end = nullptr;
      o.reorder = std::strtod(p.c_str(), &end);
      if (p.empty() || *end) usage("--reorder P[:DEPTH]: P is a fraction");
      if (colon != std::string::npos)
        o.reorder_depth = static_cast<unsigned>(number(v.c_str() + colon + 1, 1000, "depth"));
      if (!(o.reorder >= 0 && o.reorder <= 1) || o.reorder_depth == 0)
        usage("--reorder P[:DEPTH]: 0 <= P <= 1, DEPTH >= 1");
    } else if (a == "--seed") {
      o.seed = static_cast<unsigned>(number(value(), 0xffffffffu, "seed"));
    } else if (a == "--no-write-cache") {
      o.no_write_cache = true;
    } else if (a == "--flush-echo") {
      o.flush_echo = true;
    } else if (a == "--write-cache-no-flush") {
      o.write_cache_no_flush = true;
    } else if (a == "--slow-write-ms") {
      o.slow_write_ms = static_cast<unsigned>(number(value(), 60000, "--slow-write-ms"));
    } else if (a == "--stall-ms") {
      const std::string v = value();
      const auto colon = v.find(':');
      o.stall_ms = static_cast<unsigned>(number(v.substr(0, colon).c_str(), 60000, "--stall-ms"));
      if (colon != std::string::npos)
        o.stall_every = static_cast<unsigned>(
            number(v.substr(colon + 1).c_str(), 1u << 30, "--stall-ms EVERY"));
      if (o.stall_every == 0) usage("--stall-ms N:EVERY: EVERY must be at least 1");
    } else if (a == "--buffers") {
      o.buffers = static_cast<unsigned>(number(value(), 0xffff, "--buffers"));
    } else if (a == "--sectors") {
      o.sectors = static_cast<unsigned>(number(value(), 255, "--sectors"));
      if (o.sectors == 0) usage("--sectors must be 1..255");
    } else if (a == "--firmware") {
      o.firmware = value();
    } else if (a == "--unswapped-strings") {
      o.unswapped_strings = true;
    } else if (a == "--trim") {
      o.trim = true;
    } else if (a == "--config") {
      o.config = value();
      if (o.config.size() > aoe::kMaxConfigString) usage("--config: at most 1024 bytes");
    } else if (a == "--stats") {
      o.stats_path = value();
    } else if (a.rfind("--", 0) == 0) {
      usage(("unknown option " + a).c_str());
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() != 4) usage("SHELF SLOT IFACE FILE expected");
  o.address.shelf = static_cast<std::uint16_t>(number(pos[0].c_str(), 0xfffe, "shelf"));
  o.address.slot = static_cast<std::uint8_t>(number(pos[1].c_str(), 0xfe, "slot"));
  o.interface = pos[2];
  o.file = pos[3];
  if (o.flush_echo + o.no_write_cache + o.write_cache_no_flush > 1)
    usage("--no-write-cache, --flush-echo and --write-cache-no-flush exclude each other");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  const int fd = ::open(opt.file.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "quirk_target: %s: %s\n", opt.file.c_str(), std::strerror(errno));
    return 1;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(aoe::kSectorSize)) {
    std::fprintf(stderr, "quirk_target: %s: smaller than one sector\n", opt.file.c_str());
    return 1;
  }
  const std::uint64_t capacity = static_cast<std::uint64_t>(st.st_size) / aoe::kSectorSize;

  struct sigaction sa {};
  sa.sa_handler = [](int) { g_stop = 1; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction usr {};
  usr.sa_handler = [](int) { g_dump = 1; };
  sigaction(SIGUSR1, &usr, nullptr);

  std::optional<aoetest::RawAoeSocket> socket;
  try {
    socket.emplace(aoetest::RawAoeSocket::open(opt.interface));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "quirk_target: %s\n", e.what());
    return 1;
  }
  QuirkTarget target(opt, *socket, fd, capacity);
  std::printf("pid %ld: e%u.%u, %llu sectors, %u sectors per frame, %s\n",
              static_cast<long>(::getpid()), opt.address.shelf, opt.address.slot,
              static_cast<unsigned long long>(capacity), target.sectors_per_frame(),
              opt.interface.c_str());
  std::fflush(stdout);
  target.announce();
  auto dump = [&] {
    const std::string s = target.counters().text();
    std::fputs(s.c_str(), stdout);
    std::fflush(stdout);
    if (!opt.stats_path.empty()) {
      // Whole or absent: readers poll for the file.
      const std::string tmp = opt.stats_path + ".tmp";
      std::ofstream(tmp) << s;
      std::rename(tmp.c_str(), opt.stats_path.c_str());
    }
  };
  while (!g_stop) {
    if (g_dump) {
      g_dump = 0;
      dump();
    }
    std::optional<std::vector<std::uint8_t>> bytes;
    try {
      bytes = socket->receive(std::chrono::milliseconds(target.holding() ? 1 : 100));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "quirk_target: %s\n", e.what());
      break;
    }
    if (!bytes) {
      target.release_held();
      continue;
    }
    target.on_frame(*bytes);
  }
  target.release_held();
  dump();
  ::close(fd);
  return 0;
}
