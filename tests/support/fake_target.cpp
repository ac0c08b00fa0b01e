#include "fake_target.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/frame.hpp"
#include "support/responder/answer_header.hpp"
#include "support/responder/ata_answer.hpp"
#include "support/responder/ata_request.hpp"
#include "support/responder/config_command.hpp"
#include "support/responder/identify_page.hpp"

namespace aoetest {

std::vector<std::uint8_t> make_identify_page(const FakeTargetOptions& o) {
  IdentifyPage page;
  page.text(10, 10, o.serial);
  page.text(23, 4, o.firmware);
  page.text(27, 20, o.model);
  page.word(49, 0x0200);  // LBA supported
  page.lba28_capacity(o.sectors);
  page.word(82, o.word82.value_or(0));
  page.word(83, o.word83.value_or(o.lba48 ? 0x4000 | 0x0400 | 0x2000 : 0x4000));
  page.word(85, o.word85.value_or(0));
  page.word(86, o.word86.value_or(o.lba48 ? 0x0400 | 0x2000 : 0));
  if (o.trim) page.word(169, 0x0001);
  if (o.lba48) page.lba48_capacity(o.sectors);
  return page.bytes();
}

FakeTarget::FakeTarget(FakeTargetOptions options)
    : options_(std::move(options)), disk_(options_.sectors * aoe::kSectorSize, 0) {}

void FakeTarget::resize(std::uint64_t sectors) {
  options_.sectors = sectors;
  disk_.resize(sectors * aoe::kSectorSize, 0);
}

std::vector<std::uint8_t> FakeTarget::announcement() const {
  aoe::Frame f;
  f.header = broadcast_answer_header(options_.mac, options_.address, aoe::Command::query_config);
  f.header.version = 0;
  aoe::QueryConfigMessage qc;
  qc.buffer_count = options_.buffer_count;
  qc.firmware_version = kVblade25Firmware;
  qc.sector_count = options_.sector_count;
  f.body = qc;
  return aoe::encode(f).value();
}

std::optional<std::vector<std::uint8_t>> FakeTarget::handle(std::span<const std::uint8_t> request) {
  using namespace aoe;
  auto decoded = decode(request);
  if (!decoded) return std::nullopt;
  const Frame& in = *decoded;
  if (in.header.response) return std::nullopt;
  const bool for_us =
      (in.header.target.shelf == options_.address.shelf ||
       in.header.target.shelf == kBroadcastShelf) &&
      (in.header.target.slot == options_.address.slot || in.header.target.slot == kBroadcastSlot);
  if (!for_us || silent) return std::nullopt;
  if (query_config_only && !std::holds_alternative<QueryConfigMessage>(in.body))
    return std::nullopt;
  if (no_mask_reserve && (std::holds_alternative<MacMaskMessage>(in.body) ||
                          std::holds_alternative<ReserveMessage>(in.body)))
    return std::nullopt;
  if (no_io) {
    const auto* a = std::get_if<AtaMessage>(&in.body);
    if (a && a->cmd_status != ata_cmd::identify_device) return std::nullopt;
  }
  if (ignore_flush) {
    const auto* a = std::get_if<AtaMessage>(&in.body);
    if (a && (a->cmd_status == ata_cmd::flush_cache || a->cmd_status == ata_cmd::flush_cache_ext))
      return std::nullopt;
  }
  ++counters_.requests;

  Frame out;
  out.header = turned_around(in.header, options_.mac);
  out.header.target = options_.address;
  auto error = [&](std::uint8_t code) {
    out.header.error = true;
    out.header.error_code = code;
    out.body = UnknownMessage{};
    if (const auto* a = std::get_if<AtaMessage>(&in.body)) {
      AtaMessage echo = *a;  // vblade returns the request's ATA header
      echo.data = {};
      out.body = echo;
    }
    return encode(out).value();
  };

  if (const auto* ata = std::get_if<AtaMessage>(&in.body)) {
    AtaMessage reply = ata_answer_to(*ata);
    std::vector<std::uint8_t> data;  // keeps read data alive until encoded
    if (const auto code = run_ata(*ata, reply, data)) return error(*code);
    out.body = reply;
    return encode(out).value();
  }
  if (const auto* qc = std::get_if<QueryConfigMessage>(&in.body)) {
    ++counters_.configs;
    switch (apply_config_command(static_cast<ConfigCommand>(qc->command), qc->config,
                                 options_.config, PrefixTest::request_is_prefix)) {
      case ConfigOutcome::answer:
        break;
      case ConfigOutcome::silent:
        return std::nullopt;
      case ConfigOutcome::string_present:
        return error(4);
      case ConfigOutcome::bad_command:
        return error(2);
    }
    QueryConfigMessage reply;
    reply.buffer_count = options_.buffer_count;
    reply.firmware_version = kVblade25Firmware;
    reply.sector_count = options_.sector_count;
    reply.aoe_version = 1;
    reply.command = qc->command;
    reply.config = options_.config;
    out.body = reply;
    return encode(out).value();
  }
  if (in.header.target.shelf == kBroadcastShelf || in.header.target.slot == kBroadcastSlot)
    return std::nullopt;
  if (std::holds_alternative<ReserveMessage>(in.body) ||
      std::holds_alternative<MacMaskMessage>(in.body)) {
    out.body = in.body;  // echo: no list kept
    return encode(out).value();
  }
  return error(1);
}

std::optional<std::uint8_t> FakeTarget::run_ata(const aoe::AtaMessage& ata, aoe::AtaMessage& reply,
                                                std::vector<std::uint8_t>& data) {
  using namespace aoe;
  if (const auto io = data_transfer(ata)) return run_transfer(*io, ata, reply, data);
  switch (ata.cmd_status) {
    case ata_cmd::identify_device:
      if (ata.sector_count != 1) return 2;
      data = make_identify_page(options_);
      reply.data = data;
      ++counters_.identifies;
      return std::nullopt;
    case ata_cmd::flush_cache_ext:
      run_flush(options_.abort_flush_ext, ata_status::drdy, reply, counters_.flush_ext_aborted);
      return std::nullopt;
    case ata_cmd::flush_cache:
      run_flush(options_.abort_flush, 0, reply, counters_.flush_aborted);  // vblade: 0x00, no DRDY
      return std::nullopt;
    case ata_cmd::data_set_management:
      return run_trim(ata, reply);
    default:
      fail_command(reply, ata_error::abrt);
      return std::nullopt;
  }
}

std::optional<std::uint8_t> FakeTarget::run_transfer(const DataTransfer& io,
                                                     const aoe::AtaMessage& ata,
                                                     aoe::AtaMessage& reply,
                                                     std::vector<std::uint8_t>& data) {
  using namespace aoe;
  if (io.count > options_.sector_count) return 2;
  if (io.lba + io.count > options_.sectors) {
    fail_command(reply, ata_error::idnf);
    return std::nullopt;
  }
  if (options_.bad_sector && *options_.bad_sector >= io.lba &&
      *options_.bad_sector < io.lba + io.count) {
    fail_command(reply, ata_error::unc);
    reply.cmd_status |= 0x10;  // 51h (DRDY, DSC, ERR): a disk's media error
    return std::nullopt;
  }
  const auto at = static_cast<std::ptrdiff_t>(io.lba * kSectorSize);
  if (io.write) {
    if (ata.data.size() < io.bytes()) return 2;
    std::memcpy(disk_.data() + at, ata.data.data(), io.bytes());
    if (on_write) on_write(io.lba, ata.data.first(io.bytes()));
    ++counters_.writes;
    counters_.last_write_command = ata.cmd_status;
  } else {
    data.assign(disk_.begin() + at, disk_.begin() + at + static_cast<std::ptrdiff_t>(io.bytes()));
    reply.data = data;
    ++counters_.reads;
    counters_.last_read_command = ata.cmd_status;
  }
  if (options_.answer_remaining_count) reply.sector_count = 0;
  if (options_.answer_advanced_lba) reply.lba = ata.lba + io.count;
  return std::nullopt;
}

void FakeTarget::run_flush(bool abort, std::uint8_t vblade_status, aoe::AtaMessage& reply,
                           std::uint64_t& aborted) {
  if (abort) {
    fail_command(reply, aoe::ata_error::abrt);
    ++aborted;
    return;
  }
  reply.cmd_status = options_.flush_status.value_or(vblade_status);
  reply.feature_error = options_.flush_error;
  ++counters_.flushes;
}

std::optional<std::uint8_t> FakeTarget::run_trim(const aoe::AtaMessage& ata,
                                                 aoe::AtaMessage& reply) {
  using namespace aoe;
  // LBA48 only; the sector count is 512-byte blocks of range entries.
  const unsigned blocks = ata.sector_count;
  if (!options_.trim || !ata.extended || ata.feature_error != kTrimFeature || blocks == 0) {
    fail_command(reply, ata_error::abrt);
    return std::nullopt;
  }
  if (blocks > options_.sector_count) return 2;
  const std::size_t payload = std::size_t{blocks} * kSectorSize;
  if (ata.data.size() < payload) return 2;
  const std::uint64_t ram = disk_.size() / kSectorSize;
  for (const TrimRange& r : trim_ranges(ata.data.first(payload))) {
    if (r.lba + r.count > options_.sectors) {
      fail_command(reply, ata_error::idnf);
      return std::nullopt;
    }
    if (r.lba < ram)
      std::memset(disk_.data() + r.lba * kSectorSize, 0,
                  std::min<std::uint64_t>(r.count, ram - r.lba) * kSectorSize);
    counters_.trimmed_sectors += r.count;
    ++counters_.trim_ranges;
  }
  ++counters_.trims;
  counters_.largest_trim_payload = std::max(counters_.largest_trim_payload, blocks);
  return std::nullopt;
}

}  // namespace aoetest
