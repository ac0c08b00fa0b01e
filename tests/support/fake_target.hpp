// A fake AoE target for unit tests: a RAM disk behind the AoE r11 protocol,
// without sockets or time. handle() takes one request frame and returns the
// answer (or nothing), so a test network (sim_network.hpp, or a MemoryLink
// wire) decides when and whether it arrives.
//
// Behaves like vblade 25 where that matters to an initiator: Query Config
// answers with buffer count / sector count / config string (CCmd 1 and 2
// mismatches are silent), IDENTIFY needs scnt 1, READ/WRITE SECTORS (EXT),
// FLUSH CACHE EXT is aborted (ABRT) unless configured otherwise, FLUSH CACHE
// answers status 0, past-the-end I/O gets IDNF, too many sectors AoE error 2.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/clock.hpp"
#include "protocol/codec/ata.hpp"
#include "protocol/codec/header.hpp"
#include "protocol/codec/mac_address.hpp"

namespace aoetest {

struct DataTransfer;

struct FakeTargetOptions {
  aoe::TargetAddress address{1, 0};
  aoe::MacAddress mac{{0x02, 0x00, 0x00, 0x00, 0x10, 0x01}};
  std::uint64_t sectors = 2048;
  std::uint16_t buffer_count = 16;
  std::uint8_t sector_count = 2;  // max sectors per ATA frame
  bool lba48 = true;
  bool abort_flush_ext = true;  // as vblade does
  bool abort_flush = false;     // FLUSH CACHE (E7h) answered ABRT too
  // Status byte of a successful flush answer (a quirky target echoes the
  // command byte, EAh); unset: vblade's (0 for E7h, DRDY for EAh).
  std::optional<std::uint8_t> flush_status;
  std::uint8_t flush_error = 0;  // error register of a successful flush answer
  // IDENTIFY words 82, 83, 85, 86 as given instead of the defaults.
  std::optional<std::uint16_t> word82, word83, word85, word86;
  // DATA SET MANAGEMENT TRIM (06h, feature 1): advertised in IDENTIFY word
  // 169 bit 0 and executed (the ranges read back as zeroes); otherwise 06h
  // is aborted, as vblade does.
  bool trim = false;
  std::string config;
  // What READ/WRITE answers return of the request (answer_check.hpp): the
  // sector count left (0), as vblade does, instead of the count sent; the
  // LBA after the last sector moved instead of the one sent.
  bool answer_remaining_count = false;
  bool answer_advanced_lba = false;
  // A sector whose reads fail with an ATA media error (status 0x51, UNC).
  std::optional<std::uint64_t> bad_sector;
  // Timing, applied by SimNetwork (handle() itself takes no time): the
  // target serves one request at a time, each taking service_time (writes:
  // write_service_time), like a synchronous single-threaded target.
  aoe::Duration service_time{0};
  aoe::Duration write_service_time{0};
  // Answers held back, as a target serving from several threads does: with
  // this chance an answer waits until late_after to late_after+late_spread
  // later answers left (or late_max passed).
  double late_chance = 0;
  unsigned late_after = 3;
  unsigned late_spread = 3;
  aoe::Duration late_max = std::chrono::milliseconds(2);
  std::string model = "aoefs fake target";
  std::string serial = "FAKE0001";
  std::string firmware = "F1";
};

struct FakeTargetCounters {
  std::uint64_t requests = 0;  // frames addressed to this target
  std::uint64_t reads = 0;     // ATA read frames executed
  std::uint64_t writes = 0;    // ATA write frames executed
  std::uint64_t flushes = 0;   // FLUSH CACHE (either) executed
  std::uint64_t flush_ext_aborted = 0;
  std::uint64_t flush_aborted = 0;  // FLUSH CACHE (E7h) aborted
  std::uint64_t trims = 0;          // DATA SET MANAGEMENT frames executed
  std::uint64_t trimmed_sectors = 0;
  std::uint64_t trim_ranges = 0;      // non-empty range entries
  unsigned largest_trim_payload = 0;  // 512-byte payload blocks in one frame
  std::uint64_t identifies = 0;
  std::uint64_t configs = 0;
  std::uint8_t last_read_command = 0;
  std::uint8_t last_write_command = 0;
};

class FakeTarget {
 public:
  explicit FakeTarget(FakeTargetOptions options = {});

  // The answer to `request`, if any. Frames for other targets, responses,
  // and undecodable frames get none.
  std::optional<std::vector<std::uint8_t>> handle(std::span<const std::uint8_t> request);

  std::vector<std::uint8_t>& disk() { return disk_; }
  const FakeTargetOptions& options() const { return options_; }
  const FakeTargetCounters& counters() const { return counters_; }
  bool silent = false;  // a dead target: answers nothing
  // A forger: answers Query Config (claiming the address) and nothing else.
  bool query_config_only = false;
  // An impostor: answers Query Config and IDENTIFY (as this disk), no I/O.
  bool no_io = false;
  // An older target: MAC Mask List and Reserve/Release go unanswered.
  bool no_mask_reserve = false;
  // FLUSH CACHE (either) gets no answer at all; everything else does.
  bool ignore_flush = false;
  // A new capacity (the backing file grown or shrunk while the target runs
  // on); IDENTIFY reports it from then on, the data below it stays.
  void resize(std::uint64_t sectors);
  // A capacity IDENTIFY reports without RAM behind it beyond the disk's
  // size: for commands that carry no data for the sectors (TRIM of huge
  // ranges). Reads and writes must stay within disk().
  void advertise_capacity(std::uint64_t sectors) { options_.sectors = sectors; }
  // vblade's start-up broadcast: a Query Config answer with version 0.
  std::vector<std::uint8_t> announcement() const;
  // Called for every write frame executed (tests watch the order of writes).
  std::function<void(std::uint64_t lba, std::span<const std::uint8_t> data)> on_write;

 private:
  // The ATA command run: `reply` (and `data`, which it points into) filled
  // in, or the AoE error code the request gets instead of an ATA answer.
  std::optional<std::uint8_t> run_ata(const aoe::AtaMessage& request, aoe::AtaMessage& reply,
                                      std::vector<std::uint8_t>& data);
  std::optional<std::uint8_t> run_transfer(const DataTransfer& io, const aoe::AtaMessage& request,
                                           aoe::AtaMessage& reply, std::vector<std::uint8_t>& data);
  std::optional<std::uint8_t> run_trim(const aoe::AtaMessage& request, aoe::AtaMessage& reply);
  // FLUSH CACHE (EXT): aborted, or answered with flush_status (else
  // `vblade_status`) and flush_error.
  void run_flush(bool abort, std::uint8_t vblade_status, aoe::AtaMessage& reply,
                 std::uint64_t& aborted);

  FakeTargetOptions options_;
  std::vector<std::uint8_t> disk_;
  FakeTargetCounters counters_;
};

// The 512-byte IDENTIFY DEVICE page the fake target answers with.
std::vector<std::uint8_t> make_identify_page(const FakeTargetOptions& options);

}  // namespace aoetest
