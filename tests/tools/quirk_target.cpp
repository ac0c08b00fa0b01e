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
//   --silent-mask-reserve   MAC Mask List (AoE command 2) and Reserve/Release
//                           (3) go unanswered, as on an older target that
//                           implements only ATA and Query Config (without
//                           it they get an "unrecognized command" error).
//   --serial S, --model M   IDENTIFY serial number (default QTshelf.slot) and
//                           model (default "aoefs quirk_target"): with
//                           --firmware, another disk's identity copied.
//   --unswapped-strings     IDENTIFY strings in plain byte order, NUL-padded
//                           (ATA stores two characters per word, high byte
//                           first, space-padded), as an older target does.
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
#include <optional>
#include <tuple>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/frame.hpp"
#include "support/raw_socket.hpp"
#include "support/responder/answer_header.hpp"
#include "support/responder/ata_answer.hpp"
#include "support/responder/ata_request.hpp"
#include "support/responder/config_command.hpp"
#include "support/responder/counter_line.hpp"
#include "support/responder/ethernet_padding.hpp"
#include "support/responder/identify_page.hpp"
#include "support/responder/stop_signals.hpp"
#include "support/responder/whole_file.hpp"

namespace {

using aoetest::fail_command;

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
  std::string serial;  // empty: QTshelf.slot
  std::string model = "aoefs quirk_target";
  bool unswapped_strings = false;
  bool silent_mask_reserve = false;
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
    return aoetest::counter_line({{"requests", requests},
                                  {"answers", answers},
                                  {"held", held},
                                  {"reads", reads},
                                  {"writes", writes},
                                  {"flushes", flushes},
                                  {"flushes_aborted", flushes_aborted},
                                  {"trims", trims},
                                  {"identifies", identifies},
                                  {"configs", configs},
                                  {"errors", errors},
                                  {"same_tag", same_tag},
                                  {"same_range", same_range},
                                  {"stalls", stalls}});
  }
};

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
    f.header =
        aoetest::broadcast_answer_header(socket_.mac(), opt_.address, aoe::Command::query_config);
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
    if (opt_.silent_mask_reserve &&
        (h.command == static_cast<std::uint8_t>(aoe::Command::mac_mask_list) ||
         h.command == static_cast<std::uint8_t>(aoe::Command::reserve_release)))
      return;
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
    f.header = aoetest::answer_header(req.header, socket_.mac());
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
    const auto command = static_cast<aoe::ConfigCommand>(qc->command);
    aoe::Frame f = reply_to(req);
    switch (aoetest::apply_config_command(command, qc->config, config_,
                                          aoetest::PrefixTest::config_is_prefix)) {
      case aoetest::ConfigOutcome::answer:
        break;
      case aoetest::ConfigOutcome::silent:
        return;
      case aoetest::ConfigOutcome::string_present:
        // Refused, with the string that is set (as vblade answers it).
        f.header.error = true;
        f.header.error_code = static_cast<std::uint8_t>(aoe::AoeErrc::config_string_present);
        break;
      case aoetest::ConfigOutcome::bad_command:
        return error_answer(req, aoe::AoeErrc::bad_argument);
    }
    f.body = config_body(command);
    answer(f);
  }

  void error_answer(const aoe::Frame& req, aoe::AoeErrc code) {
    ++counters_.errors;
    // The header alone (padded): the error code is the whole answer.
    aoe::Frame f = reply_to(req);
    f.header.error = true;
    f.header.error_code = static_cast<std::uint8_t>(code);
    f.body = aoe::UnknownMessage{};
    answer(f);
  }

  void on_ata(const aoe::Frame& req, const aoe::AtaMessage& ata) {
    aoe::AtaMessage a = aoetest::ata_answer_to(ata);
    a.device = ata.device;  // every AFlag comes back as sent
    a.async = ata.async;
    std::vector<std::uint8_t> data;
    const std::uint8_t cmd = ata.cmd_status;
    if (const auto io = aoetest::data_transfer(ata)) {
      transfer(*io, ata, a, data);
    } else {
      switch (cmd) {
        case aoe::ata_cmd::identify_device:
          ++counters_.identifies;
          data = identify();
          break;
        case aoe::ata_cmd::flush_cache:
        case aoe::ata_cmd::flush_cache_ext:
          ++counters_.flushes;
          if (opt_.no_write_cache || opt_.write_cache_no_flush) {
            ++counters_.flushes_aborted;
            fail_command(a, aoe::ata_error::abrt);
          } else if (opt_.flush_echo) {
            a.cmd_status = cmd;  // the no-op flush of the issue: status = command byte
          } else if (::fdatasync(fd_) != 0) {
            fail_command(a, aoe::ata_error::unc);
          }
          break;
        case aoe::ata_cmd::check_power_mode:
          a.sector_count = 0xff;  // active or idle
          break;
        case aoe::ata_cmd::data_set_management:
          if (!opt_.trim || ata.feature_error != aoetest::kTrimFeature) {
            fail_command(a, aoe::ata_error::abrt);
            break;
          }
          ++counters_.trims;
          if (!do_trim(ata.data.first(
                  std::min(ata.data.size(), std::size_t{ata.sector_count} * aoe::kSectorSize))))
            fail_command(a, aoe::ata_error::idnf);
          break;
        default:
          fail_command(a, aoe::ata_error::abrt);
          break;
      }
    }
    a.data = data;
    aoe::Frame f = reply_to(req);
    f.body = a;
    answer(f);
  }

  // READ/WRITE SECTORS (EXT): `data` receives what is read.
  void transfer(const aoetest::DataTransfer& io, const aoe::AtaMessage& ata, aoe::AtaMessage& a,
                std::vector<std::uint8_t>& data) {
    if (io.count > sectors_per_frame_ || (io.write && ata.data.size() < io.bytes())) {
      fail_command(a, aoe::ata_error::abrt);
      return;
    }
    if (io.lba + io.count > capacity_) {
      fail_command(a, aoe::ata_error::idnf);
      return;
    }
    if (opt_.stall_ms && ++data_frames_ % opt_.stall_every == 0) {
      ++counters_.stalls;
      std::this_thread::sleep_for(std::chrono::milliseconds(opt_.stall_ms));
    }
    if (io.write) {
      ++counters_.writes;
      if (!do_write(io.lba, ata.data.first(io.bytes()))) fail_command(a, aoe::ata_error::unc);
    } else {
      ++counters_.reads;
      data.resize(io.bytes());
      if (!do_read(io.lba, data)) {
        data.clear();
        fail_command(a, aoe::ata_error::unc);
      }
    }
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

  // TRIM ranges become holes in FILE; one past the end fails the rest.
  bool do_trim(std::span<const std::uint8_t> ranges) {
    for (const aoetest::TrimRange& r : aoetest::trim_ranges(ranges)) {
      if (r.lba + r.count > capacity_) return false;
      if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      static_cast<off_t>(r.lba * aoe::kSectorSize),
                      static_cast<off_t>(std::uint64_t{r.count} * aoe::kSectorSize)) != 0)
        return false;
    }
    return true;
  }

  std::vector<std::uint8_t> identify() const {
    using Order = aoetest::IdentifyPage::StringOrder;
    const Order order = opt_.unswapped_strings ? Order::unswapped : Order::ata;
    const bool cache = !opt_.no_write_cache;
    const bool flush = !opt_.no_write_cache && !opt_.write_cache_no_flush;
    aoetest::IdentifyPage page;
    page.word(0, 0x0040);  // fixed device
    page.word(1, 16383);   // legacy geometry
    page.word(3, 16);
    page.word(6, 63);
    char serial[24];
    std::snprintf(serial, sizeof serial, "QT%u.%u", opt_.address.shelf, opt_.address.slot);
    page.text(10, 10, opt_.serial.empty() ? serial : opt_.serial, order);
    page.text(23, 4, opt_.firmware, order);
    page.text(27, 20, opt_.model, order);
    page.word(47, 0x8001);
    page.word(49, 0x0200);  // LBA supported
    page.word(53, 0x0006);
    page.lba28_capacity(capacity_);
    page.word(80, 0x00f0);  // ATA-4 .. ATA-7
    // 82-87: command sets supported (82-84) and enabled (85-87).
    //   82/85 bit 5 write cache; 83/86 bit 10 LBA48, 12 FLUSH CACHE,
    //   13 FLUSH CACHE EXT; 83/84/87 bit 14 "word valid".
    std::uint16_t w83 = 0x4400;
    if (flush) w83 |= 0x3000;
    if (opt_.no_write_cache) w83 = 0x0400;  // as the target of the issue says it
    page.word(82, cache ? 0x0020 : 0);
    page.word(83, w83);
    page.word(84, 0x4000);
    page.word(85, cache ? 0x0020 : 0);
    page.word(86, static_cast<std::uint16_t>(w83 & 0x3c00));
    page.word(87, 0x4000);
    page.lba48_capacity(capacity_);
    if (opt_.trim) {
      page.word(105, 1);       // one 512-byte block of ranges per command
      page.word(169, 0x0001);  // DSM TRIM
    }
    page.seal();
    return page.bytes();
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
    if (aoetest::data_transfer(ata) &&
        seen_before(ranges_, range_order_,
                    RangeKey{h.src.bytes, ata.cmd_status, ata.lba, ata.sector_count}, 256))
      ++counters_.same_range;
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
    aoetest::pad_to_ethernet_minimum(bytes);
    // A full socket buffer loses the answer; the initiator retransmits.
    if (const std::error_code ec = socket_.try_send(bytes))
      std::fprintf(stderr, "quirk_target: send: %s\n", ec.message().c_str());
    else
      ++counters_.answers;
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
      "         [--firmware X] [--serial S] [--model M] [--unswapped-strings]\n"
      "         [--silent-mask-reserve] [--trim] [--config "
      "S] [--stats PATH]\n"
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
    } else if (a == "--silent-mask-reserve") {
      o.silent_mask_reserve = true;
    } else if (a == "--serial") {
      o.serial = value();
      if (o.serial.size() > 20) usage("--serial: at most 20 characters");
    } else if (a == "--model") {
      o.model = value();
      if (o.model.size() > 40) usage("--model: at most 40 characters");
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

  aoetest::catch_stop_signals();
  aoetest::catch_counters_signal();

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
    if (!opt.stats_path.empty()) aoetest::replace_file(opt.stats_path, s);
  };
  while (!aoetest::stop_requested()) {
    if (aoetest::take_counters_request()) dump();
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
