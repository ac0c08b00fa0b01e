// hostile_target: a misbehaving AoE "target" for the fault suite
// (tests/integration/fault_hostile.sh). It runs on the target side of the
// wire next to a real vblade, listens to the initiator's requests and
// answers them with garbage: truncated frames, wrong tags, wrong shelf/slot,
// foreign source MACs, absurd lengths, bad versions, the Response flag
// clear, error flags with garbage codes.
//
//   hostile_target IFACE SECONDS own=S.L real=S.L [every=N] [only=NAME,...] [stats=PATH]
//
// own=S.L   the address it impersonates: it answers Query Config broadcasts
//           for it (one valid answer, so the initiator IDENTIFYs it, plus
//           undecodable ones) and answers every ATA request to it with one
//           garbage answer that carries the right tag, address and MAC.
// real=S.L  the real target's address: every N-th (default 8) ATA request
//           to it gets a burst of garbage that must never be taken as the
//           answer (each burst frame has a wrong tag, a wrong address, a
//           foreign source MAC or an undecodable header); garbage read data
//           would show up as corrupt reads if it were.
// It never sends a frame that is a valid answer for the real target.
// only=NAME,... sends just those variants (names as printed), for debugging.
//
// Each variant is counted. At exit (SECONDS, SIGTERM or SIGINT) it prints
// one line per variant and a summary (also to stats=PATH, which it also
// rewrites every 200 ms while running, atomically, so a test can wait until
// every variant was sent instead of guessing how long that takes):
//   sent=N counted=C consumed=K
// counted: frames an initiator must count as malformed or unmatched (they
// can match no request of its own); consumed: garbage answers to the
// impersonated target's own requests, which the initiator takes as that
// request's (failed) answer.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_layout.hpp"
#include "support/raw_socket.hpp"
#include "support/responder/answer_header.hpp"
#include "support/responder/config_command.hpp"
#include "support/responder/counter_line.hpp"
#include "support/responder/stop_signals.hpp"
#include "support/responder/tool_arguments.hpp"
#include "support/responder/whole_file.hpp"

namespace {

// A source MAC that belongs to nobody on the test wire.
const aoe::MacAddress kForeignMac{{0x02, 0xde, 0xad, 0xbe, 0xef, 0x01}};

struct Variant {
  const char* name;
  bool counted;  // see the header: counted vs consumed
  unsigned long sent = 0;
};

class Hostile {
 public:
  Hostile(aoetest::RawAoeSocket& socket, aoe::TargetAddress own, aoe::TargetAddress real,
          unsigned every)
      : socket_(socket), own_(own), real_(real), every_(every) {}

  void on_request(const aoe::Frame& req) {
    const auto& h = req.header;
    if (h.command == static_cast<std::uint8_t>(aoe::Command::query_config)) {
      if (h.target == aoe::TargetAddress::broadcast() || h.target == own_ || h.target == real_)
        answer_config(req);
      return;
    }
    if (h.command != static_cast<std::uint8_t>(aoe::Command::ata)) return;
    const auto* ata = std::get_if<aoe::AtaMessage>(&req.body);
    if (!ata) return;
    if (h.target == own_) answer_own_ata(req, *ata);
    if (h.target == real_ && ++real_requests_ % every_ == 0) garbage_for_real(req, *ata);
  }

  std::string summary() const {
    std::string out;
    unsigned long sent = 0, counted = 0, consumed = 0;
    for (const Variant& v : variants_) {
      out += aoetest::counter_line({{v.name, v.sent}});
      sent += v.sent;
      (v.counted ? counted : consumed) += v.sent;
    }
    return out +
           aoetest::counter_line({{"sent", sent}, {"counted", counted}, {"consumed", consumed}});
  }

 private:
  enum Id {
    qc_valid_own,
    qc_length_past_frame,
    qc_foreign_error_real,
    qc_bad_version,
    qc_response_clear,
    qc_foreign_real_length_past_frame,
    own_identify_truncated,
    own_error_garbage,
    own_status_garbage,
    own_absurd_length,
    own_wrong_command,
    real_wrong_tag,
    real_wrong_address,
    real_foreign_mac,
    real_foreign_mac_error,
    real_truncated_wrong_tag,
    real_short_frame,
    real_response_clear,
  };
  Variant variants_[18] = {
      {"qc_valid_own", false},           {"qc_length_past_frame", true},
      {"qc_foreign_error_real", true},   {"qc_bad_version", true},
      {"qc_response_clear", true},       {"qc_foreign_real_length_past_frame", true},
      {"own_identify_truncated", false}, {"own_error_garbage", false},
      {"own_status_garbage", false},     {"own_absurd_length", false},
      {"own_wrong_command", true},       {"real_wrong_tag", true},
      {"real_wrong_address", true},      {"real_foreign_mac", true},
      {"real_foreign_mac_error", true},  {"real_truncated_wrong_tag", true},
      {"real_short_frame", true},        {"real_response_clear", true},
  };

  // The answer frame skeleton for `req`: to its sender, from our port.
  aoe::Frame reply_to(const aoe::Frame& req) const {
    return {aoetest::answer_header(req.header, socket_.mac()), {}};
  }

  void send(Id id, std::vector<std::uint8_t> bytes) {
    if (!only_.empty() &&
        only_.find("," + std::string(variants_[id].name) + ",") == std::string::npos)
      return;
    // A full socket buffer loses the frame; it was not sent, not counted.
    if (!socket_.try_send(bytes)) ++variants_[id].sent;
  }
  void send(Id id, const aoe::Frame& f) {
    auto bytes = aoe::encode(f);
    if (!bytes) {
      std::fprintf(stderr, "hostile_target: cannot encode %s\n", variants_[id].name);
      std::exit(2);
    }
    send(id, std::move(*bytes));
  }

  static aoe::QueryConfigMessage config_body(std::string_view text) {
    aoe::QueryConfigMessage qc;
    qc.buffer_count = 4;
    qc.firmware_version = aoetest::kVblade25Firmware;
    qc.sector_count = 2;
    qc.aoe_version = 1;
    qc.config = text;
    return qc;
  }

  void answer_config(const aoe::Frame& req) {
    namespace L = aoe::layout;
    aoe::Frame f = reply_to(req);
    f.body = config_body("hostile");
    // 1. The impersonated target, undecodable: config length 1000, 7 bytes there.
    f.header.target = own_;
    auto bytes = *aoe::encode(f);
    bytes[L::config::length] = 1000 >> 8;
    bytes[L::config::length + 1] = 1000 & 0xff;
    send(qc_length_past_frame, bytes);
    // 2. The same with version 15 in the header.
    bytes = *aoe::encode(f);
    bytes[L::ver_flags] = static_cast<std::uint8_t>(0xf0 | (bytes[L::ver_flags] & 0x0f));
    send(qc_bad_version, bytes);
    // 3. A "request" (Response flag clear) sent straight to the initiator.
    aoe::Frame r = f;
    r.header.response = false;
    send(qc_response_clear, r);
    // 4. The real target's address, error flag with a garbage code, from a
    //    foreign MAC (from the real one it would be a genuine error answer to
    //    a Query Config sent to the real target).
    aoe::Frame e = f;
    e.header.target = real_;
    e.header.src = kForeignMac;
    e.header.error = true;
    e.header.error_code = 0xee;
    send(qc_foreign_error_real, e);
    // 5. The real target's address from a foreign MAC, undecodable length.
    aoe::Frame g = f;
    g.header.target = real_;
    g.header.src = kForeignMac;
    bytes = *aoe::encode(g);
    bytes[L::config::length] = 0xff;
    bytes[L::config::length + 1] = 0xff;
    send(qc_foreign_real_length_past_frame, bytes);
    // 6. One valid answer for the impersonated target, so it gets IDENTIFYed
    //    (not to a request meant for the real target: it would match nothing).
    if (req.header.target != real_) send(qc_valid_own, f);
  }

  // Requests to the impersonated target: one garbage answer each, with the
  // right tag, address and source MAC (the initiator must fail the request,
  // not crash or hang), plus one with a wrong AoE command.
  void answer_own_ata(const aoe::Frame& req, const aoe::AtaMessage& ata) {
    aoe::Frame f = reply_to(req);
    aoe::AtaMessage a = ata;
    a.write = false;
    a.data = {};
    a.cmd_status = 0x40;  // DRDY
    a.feature_error = 0;
    f.body = a;
    auto wrong = *aoe::encode(f);
    wrong[aoe::layout::command] = 0x05;  // encode() takes the command from the body
    send(own_wrong_command, wrong);
    std::vector<std::uint8_t> filler(1500 - 36, 0xff);
    switch (own_answers_++ % 4) {
      case 0: {  // 100 bytes of data where 512 per sector are due
        a.data = std::span(filler).first(100);
        f.body = a;
        send(own_identify_truncated, f);
        break;
      }
      case 1:
        f.header.error = true;
        f.header.error_code = 0xee;
        send(own_error_garbage, f);
        break;
      case 2:
        a.cmd_status = 0xff;
        a.feature_error = 0xff;
        f.body = a;
        send(own_status_garbage, f);
        break;
      case 3:  // sector count 255, a full frame of 0xff
        a.sector_count = 255;
        a.data = filler;
        f.body = a;
        send(own_absurd_length, f);
        break;
    }
  }

  // Requests to the real target: frames that look like its answer (success,
  // garbage read data) but each fails one identity check.
  void garbage_for_real(const aoe::Frame& req, const aoe::AtaMessage& ata) {
    namespace L = aoe::layout;
    aoe::Frame f = reply_to(req);
    aoe::AtaMessage a = ata;
    a.write = false;
    a.cmd_status = 0x40;
    a.feature_error = 0;
    std::vector<std::uint8_t> garbage(std::size_t{ata.sector_count} * aoe::kSectorSize, 0xa5);
    a.data = ata.write ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>(garbage);
    f.body = a;

    aoe::Frame t = f;
    t.header.tag &= 0x7fffffffu;  // bit 31 clear: never one of aoefs's tags
    send(real_wrong_tag, t);
    aoe::Frame d = f;
    d.header.target = {static_cast<std::uint16_t>(real_.shelf + 100), real_.slot};
    send(real_wrong_address, d);
    aoe::Frame m = f;
    m.header.src = kForeignMac;
    send(real_foreign_mac, m);
    aoe::Frame e = m;
    e.header.error = true;
    e.header.error_code = 0xee;
    send(real_foreign_mac_error, e);
    auto bytes = *aoe::encode(t);
    bytes.resize(L::ata::lba);  // cut inside the ATA argument
    send(real_truncated_wrong_tag, bytes);
    bytes = *aoe::encode(f);
    bytes.resize(aoe::kEthernetHeaderSize + 2);  // ends inside the AoE header
    send(real_short_frame, bytes);
    aoe::Frame r = f;
    r.header.response = false;
    r.header.tag &= 0x7fffffffu;
    send(real_response_clear, r);
  }

  aoetest::RawAoeSocket& socket_;
  aoe::TargetAddress own_, real_;

 public:
  std::string only_;  // ",a,b," or empty: every variant

 private:
  unsigned every_;
  unsigned long real_requests_ = 0, own_answers_ = 0;
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: hostile_target IFACE SECONDS own=S.L real=S.L [every=N] [only=NAME,...] "
               "[stats=PATH]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) usage();
  const auto arguments = aoetest::key_value_arguments(argc, argv, 3);
  if (!arguments) usage();
  aoetest::KeyValues kv = *arguments;
  const auto own = aoetest::parse_target_address(kv["own"]);
  const auto real = aoetest::parse_target_address(kv["real"]);
  const long seconds = std::strtol(argv[2], nullptr, 10);
  const auto every = static_cast<unsigned>(aoetest::number_or(kv, "every", 8));
  if (!own || !real || seconds <= 0 || every == 0) usage();

  aoetest::catch_stop_signals();

  auto socket = aoetest::RawAoeSocket::open(argv[1]);
  Hostile hostile(socket, *own, *real, every);
  if (kv.count("only")) hostile.only_ = "," + kv["only"] + ",";
  std::printf("hostile_target on %s: own %s, real %s\n", argv[1], kv["own"].c_str(),
              kv["real"].c_str());
  std::fflush(stdout);
  const auto stats = kv.count("stats") ? std::optional(kv["stats"]) : std::nullopt;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  auto next_stats = std::chrono::steady_clock::now();
  while (!aoetest::stop_requested() && std::chrono::steady_clock::now() < end) {
    if (stats && std::chrono::steady_clock::now() >= next_stats) {
      aoetest::replace_file(*stats, hostile.summary());
      next_stats = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    }
    auto bytes = socket.receive(std::chrono::milliseconds(100));
    if (!bytes) continue;
    auto frame = aoe::decode(*bytes);
    // Only requests from others (an initiator); never our or vblade's answers.
    if (!frame || frame->header.response || frame->header.src == socket.mac()) continue;
    hostile.on_request(*frame);
  }
  const std::string s = hostile.summary();
  std::fputs(s.c_str(), stdout);
  if (stats) aoetest::replace_file(*stats, s);
  return 0;
}
