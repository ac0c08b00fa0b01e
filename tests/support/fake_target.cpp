#include "fake_target.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/frame.hpp"

namespace aoetest {
namespace {

void put_word(std::vector<std::uint8_t>& page, unsigned word, std::uint16_t v) {
  page[2 * word] = v & 0xff;
  page[2 * word + 1] = v >> 8;
}

// ATA strings: two characters per word, the first in the high byte.
void put_string(std::vector<std::uint8_t>& page, unsigned word, unsigned words,
                const std::string& s) {
  for (unsigned i = 0; i < words * 2; ++i) {
    const char c = i < s.size() ? s[i] : ' ';
    page[2 * word + (i ^ 1)] = static_cast<std::uint8_t>(c);
  }
}

}  // namespace

std::vector<std::uint8_t> make_identify_page(const FakeTargetOptions& o) {
  std::vector<std::uint8_t> page(512, 0);
  put_string(page, 10, 10, o.serial);
  put_string(page, 23, 4, o.firmware);
  put_string(page, 27, 20, o.model);
  put_word(page, 49, 0x0200);  // LBA supported
  const std::uint64_t lba28 = std::min<std::uint64_t>(o.sectors, 0x0fffffff);
  put_word(page, 60, lba28 & 0xffff);
  put_word(page, 61, (lba28 >> 16) & 0xffff);
  put_word(page, 82, o.word82.value_or(0));
  put_word(page, 83, o.word83.value_or(o.lba48 ? 0x4000 | 0x0400 | 0x2000 : 0x4000));
  put_word(page, 85, o.word85.value_or(0));
  put_word(page, 86, o.word86.value_or(o.lba48 ? 0x0400 | 0x2000 : 0));
  if (o.trim) put_word(page, 169, 0x0001);
  if (o.lba48)
    for (unsigned i = 0; i < 4; ++i) put_word(page, 100 + i, (o.sectors >> (16 * i)) & 0xffff);
  return page;
}

FakeTarget::FakeTarget(FakeTargetOptions options)
    : options_(std::move(options)), disk_(options_.sectors * aoe::kSectorSize, 0) {}

void FakeTarget::resize(std::uint64_t sectors) {
  options_.sectors = sectors;
  disk_.resize(sectors * aoe::kSectorSize, 0);
}

std::vector<std::uint8_t> FakeTarget::announcement() const {
  aoe::Frame f;
  f.header.version = 0;
  f.header.response = true;
  f.header.dst = aoe::MacAddress::broadcast();
  f.header.src = options_.mac;
  f.header.target = options_.address;
  f.header.command = static_cast<std::uint8_t>(aoe::Command::query_config);
  aoe::QueryConfigMessage qc;
  qc.buffer_count = options_.buffer_count;
  qc.firmware_version = 0x4019;
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
  if (no_io) {
    const auto* a = std::get_if<AtaMessage>(&in.body);
    if (a && a->cmd_status != ata_cmd::identify_device) return std::nullopt;
  }
  ++counters_.requests;

  Frame out;
  out.header = in.header;
  out.header.dst = in.header.src;
  out.header.src = options_.mac;
  out.header.response = true;
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
  std::vector<std::uint8_t> data;  // keeps read data alive until encoded

  if (const auto* ata = std::get_if<AtaMessage>(&in.body)) {
    AtaMessage reply;
    reply.extended = ata->extended;
    reply.write = ata->write;  // the AFlags come back as sent (vblade)
    reply.lba = ata->lba;
    reply.sector_count = ata->sector_count;
    reply.cmd_status = ata_status::drdy;
    const std::uint8_t cmd = ata->cmd_status;
    auto io_range_ok = [&](std::uint64_t lba, unsigned count) {
      return lba + count <= options_.sectors;
    };
    switch (cmd) {
      case ata_cmd::read_sectors:
      case ata_cmd::read_sectors_ext:
      case ata_cmd::write_sectors:
      case ata_cmd::write_sectors_ext: {
        const unsigned count = ata->sector_count;
        if (count > options_.sector_count) return error(2);
        const std::uint64_t lba = cmd == ata_cmd::read_sectors || cmd == ata_cmd::write_sectors
                                      ? (ata->lba & 0x0fffffff)
                                      : ata->lba;
        if (!io_range_ok(lba, count)) {
          reply.cmd_status = ata_status::drdy | ata_status::err;
          reply.feature_error = ata_error::idnf;
          break;
        }
        if (options_.bad_sector && *options_.bad_sector >= lba &&
            *options_.bad_sector < lba + count) {
          reply.cmd_status = ata_status::drdy | 0x10 | ata_status::err;
          reply.feature_error = ata_error::unc;
          break;
        }
        const std::size_t bytes = std::size_t{count} * kSectorSize;
        if (cmd == ata_cmd::write_sectors || cmd == ata_cmd::write_sectors_ext) {
          if (ata->data.size() < bytes) return error(2);
          std::memcpy(disk_.data() + lba * kSectorSize, ata->data.data(), bytes);
          if (on_write) on_write(lba, ata->data.first(bytes));
          ++counters_.writes;
          counters_.last_write_command = cmd;
        } else {
          data.assign(disk_.begin() + lba * kSectorSize, disk_.begin() + lba * kSectorSize + bytes);
          reply.data = data;
          ++counters_.reads;
          counters_.last_read_command = cmd;
        }
        if (options_.answer_remaining_count) reply.sector_count = 0;
        if (options_.answer_advanced_lba) reply.lba = ata->lba + count;
        break;
      }
      case ata_cmd::identify_device:
        if (ata->sector_count != 1) return error(2);
        data = make_identify_page(options_);
        reply.data = data;
        ++counters_.identifies;
        break;
      case ata_cmd::flush_cache_ext:
        if (options_.abort_flush_ext) {
          reply.cmd_status = ata_status::drdy | ata_status::err;
          reply.feature_error = ata_error::abrt;
          ++counters_.flush_ext_aborted;
          break;
        }
        if (options_.flush_status) reply.cmd_status = *options_.flush_status;
        reply.feature_error = options_.flush_error;
        ++counters_.flushes;
        break;
      case ata_cmd::flush_cache:
        if (options_.abort_flush) {
          reply.cmd_status = ata_status::drdy | ata_status::err;
          reply.feature_error = ata_error::abrt;
          ++counters_.flush_aborted;
          break;
        }
        reply.cmd_status = options_.flush_status.value_or(0);  // vblade: 0x00, no DRDY
        reply.feature_error = options_.flush_error;
        ++counters_.flushes;
        break;
      case ata_cmd::data_set_management: {
        // LBA48 only; feature 1 = TRIM; sector count = 512-byte blocks of
        // 8-byte entries (48-bit LBA, 16-bit length; length 0 = unused).
        const unsigned blocks = ata->sector_count;
        if (!options_.trim || !ata->extended || ata->feature_error != 1 || blocks == 0) {
          reply.cmd_status = ata_status::drdy | ata_status::err;
          reply.feature_error = ata_error::abrt;
          break;
        }
        if (blocks > options_.sector_count) return error(2);
        if (ata->data.size() < std::size_t{blocks} * kSectorSize) return error(2);
        bool bad = false;
        for (std::size_t e = 0; e < std::size_t{blocks} * 64 && !bad; ++e) {
          std::uint64_t v = 0;
          for (int i = 7; i >= 0; --i) v = v << 8 | ata->data[e * 8 + i];
          const std::uint64_t lba = v & 0xffffffffffffull;
          const unsigned len = static_cast<unsigned>(v >> 48);
          if (len == 0) continue;
          if (!io_range_ok(lba, len)) {
            bad = true;
            break;
          }
          const std::uint64_t ram = disk_.size() / kSectorSize;
          if (lba < ram)
            std::memset(disk_.data() + lba * kSectorSize, 0,
                        std::min<std::uint64_t>(len, ram - lba) * kSectorSize);
          counters_.trimmed_sectors += len;
          ++counters_.trim_ranges;
        }
        if (bad) {
          reply.cmd_status = ata_status::drdy | ata_status::err;
          reply.feature_error = ata_error::idnf;
          break;
        }
        ++counters_.trims;
        counters_.largest_trim_payload = std::max(counters_.largest_trim_payload, blocks);
        break;
      }
      default:
        reply.cmd_status = ata_status::drdy | ata_status::err;
        reply.feature_error = ata_error::abrt;
        break;
    }
    out.body = reply;
    return encode(out).value();
  }
  if (const auto* qc = std::get_if<QueryConfigMessage>(&in.body)) {
    ++counters_.configs;
    const std::string_view requested = qc->config;
    switch (static_cast<ConfigCommand>(qc->command)) {
      case ConfigCommand::read:
        break;
      case ConfigCommand::test_exact:
        if (requested != options_.config) return std::nullopt;
        break;
      case ConfigCommand::test_prefix:
        if (!std::string_view(options_.config).starts_with(requested)) return std::nullopt;
        break;
      case ConfigCommand::set_if_empty:
        if (!options_.config.empty() && options_.config != requested) return error(4);
        options_.config.assign(requested);
        break;
      case ConfigCommand::force_set:
        options_.config.assign(requested);
        break;
      default:
        return error(2);
    }
    QueryConfigMessage reply;
    reply.buffer_count = options_.buffer_count;
    reply.firmware_version = 0x4019;
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

}  // namespace aoetest
