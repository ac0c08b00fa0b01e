// `aoefs discover [OPTIONS]`: one discovery round on the given interfaces
// (default: every up, non-loopback Ethernet interface of this network
// namespace), then a table like aoe-stat, one line per target
// (cli/table_output.hpp: -o, --json, --raw ...). Conflicts (another disk
// claiming a target's address) are counted in their column and told on
// stderr, one line each, so stdout stays a line per target.
//
// Exit codes (discover_command.hpp): 0 at least one target answered,
// 1 none did ("no AoE target answered on IFACES within N ms" on stderr),
// or an interface named with -i is down or cannot be opened, or no
// interface at all could be opened; 2 bad arguments. A named interface
// that fails is always an error, never silently skipped: the user asked
// for it (cli/one_shot.hpp, link/initiator_bootstrap.hpp).
#include "aoefs/cli/discover_command.hpp"

#include "protocol/io/asio.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/one_shot.hpp"
#include "aoefs/cli/table_output.hpp"
#include "aoefs/util/human_size.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

constexpr auto text = CellKind::text;
constexpr auto number = CellKind::number;

// The order of the cells of a row (discover_row) is the order of this table.
constexpr ColumnSpec kColumns[] = {
    {"TARGET", "the target, e<shelf>.<slot>", text, true},
    {"SIZE", "capacity", CellKind::size, true},
    {"STATE", "up or down", text, true},
    {"BUFCNT", "frames the target can buffer (Query Config buffer count)", number, true},
    {"SPF", "sectors per frame", number, true},
    {"FLUSH",
     "how fsync reaches the disk: ext = ATA FLUSH CACHE EXT (EAh), 28 = FLUSH CACHE (E7h, the "
     "28-bit command), none (why)",
     text, true, 0, true},
    {"PATHS", "paths (interface and target port) that answered", number, true},
    {"CONFLICTS", "other disks claiming this address (not used; told on stderr)", number, true},
    {"MODEL", "model (IDENTIFY)", text, true, 0, true},
    {"SERIAL", "serial number (IDENTIFY)", text, false, 0, true},
    {"FIRMWARE", "IDENTIFY firmware revision / Query Config firmware version", text, false},
    {"CONFIG", "the config string, quoted", text, false, 0, true},
    {"PATH_LIST", "the paths, interface/MAC", text, false, 0, false, true},
};

std::string target_name(const aoe::TargetInfo& t) {
  char name[16];
  std::snprintf(name, sizeof name, "e%u.%u", t.address.shelf, t.address.slot);
  return name;
}

std::vector<std::string> discover_row(const aoe::TargetInfo& t, bool bytes) {
  const std::uint64_t size = t.capacity_sectors * 512;
  char firmware[32];
  std::snprintf(firmware, sizeof firmware, "%s/0x%04x",
                t.firmware.empty() ? "-" : printable(t.firmware).c_str(), t.firmware_version);
  std::string paths;
  for (const auto& p : t.paths)
    paths += (paths.empty() ? "" : " ") + p.interface + "/" + p.mac.to_string();
  return {target_name(t),
          bytes ? std::to_string(size) : human_size(size),
          t.up ? "up" : "down",
          std::to_string(t.buffer_count),
          std::to_string(t.sectors_per_frame),
          std::string(aoe::flush_mode_text(t.flush_mode)),
          std::to_string(t.paths.size()),
          std::to_string(t.conflicts.size()),
          t.model.empty() ? "-" : printable(t.model),
          t.serial.empty() ? "-" : printable(t.serial),
          firmware,
          quoted(t.config_string),
          paths.empty() ? "-" : paths};
}

void tell_conflicts(const aoe::TargetInfo& t) {
  const std::string name = target_name(t);
  for (const auto& c : t.conflicts)
    std::fprintf(stderr,
                 "aoefs discover: CONFLICT %s %s: another disk claims %s (model %s, serial %s, "
                 "%s); not used\n",
                 c.interface.c_str(), c.mac.to_string().c_str(), name.c_str(),
                 quoted(c.model).c_str(), quoted(c.serial).c_str(),
                 human_size(c.capacity_sectors * 512).c_str());
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

int run_discover_command(int argc, char** argv) {
  std::vector<std::string> interfaces;
  unsigned wait_ms = 1000;
  TableFormat format;
  std::vector<CliOption> options{interface_option(interfaces), wait_option(wait_ms)};
  for (auto& o : table_options(format)) options.push_back(std::move(o));
  const CliCommand command{
      "discover",
      "[-i IFACE]... [--wait MS] [OPTIONS]",
      "  sends one Query Config broadcast on each interface, waits, and prints a\n"
      "  line per target that answered: size, state, buffers, sectors per frame,\n"
      "  flush command, paths, model.\n"
      "  Exit status: 0 targets listed, 1 none answered (said on stderr) or an\n"
      "  interface failed, 2 usage.",
      std::move(options),
      {}};
  if (auto done = parse_cli(command, argc, argv)) return *done;
  if (auto done = settle_columns(command, kColumns, format)) return *done;

  boost::asio::io_context io;
  auto shot =
      start_one_shot(command, io, std::move(interfaces), std::chrono::milliseconds(wait_ms));
  if (!shot) return cli_failure(command, shot.error().message);
  const auto targets = shot->initiator->targets();
  Table table("targets", kColumns, choose_columns(kColumns, format.columns).value(), format);
  for (const auto& t : targets) {
    table.add_row(discover_row(t, format.bytes));
    tell_conflicts(t);
  }
  if (!targets.empty() || format.json) table.print();
  std::fflush(stdout);
  if (targets.empty())
    return cli_failure(command, "no AoE target answered on " + joined(shot->interfaces) +
                                    " within " + std::to_string(wait_ms) + " ms");
  return 0;
}

}  // namespace aoefs
