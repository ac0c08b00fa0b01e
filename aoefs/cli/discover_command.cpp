// `aoefs discover [-i IFACE]... [--wait MS]`: one discovery round on the
// given interfaces (default: every up, non-loopback Ethernet interface of
// this network namespace), then a table like aoe-stat.
//
// Exit codes (discover_command.hpp): 0 table printed (also when empty),
// 2 bad arguments, 1 an interface named with -i is down or cannot be
// opened, or no interface at all could be opened. A named interface that
// fails is always an error, never silently skipped: the user asked for it
// (cli/one_shot.hpp, link/initiator_bootstrap.hpp).
#include "aoefs/cli/discover_command.hpp"

#include "protocol/io/asio.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/one_shot.hpp"
#include "aoefs/util/human_size.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

void print_table(std::vector<aoe::TargetInfo> targets) {
  std::printf("%-9s %-14s %-10s %-5s %-6s %-4s %-12s %-28s %-20s %s\n", "TARGET", "SIZE(bytes)",
              "SIZE", "STATE", "BUFCNT", "SPF", "FIRMWARE", "MODEL", "SERIAL", "CONFIG");
  // The flush mode can hold spaces: on a line of its own, as paths are.
  for (const auto& t : targets) {
    char name[16];
    std::snprintf(name, sizeof name, "e%u.%u", t.address.shelf, t.address.slot);
    const std::uint64_t bytes = t.capacity_sectors * 512;
    char firmware[32];
    std::snprintf(firmware, sizeof firmware, "%s/0x%04x",
                  t.firmware.empty() ? "-" : printable(t.firmware).c_str(), t.firmware_version);
    std::printf("%-9s %-14llu %-10s %-5s %-6u %-4u %-12s %-28s %-20s %s\n", name,
                static_cast<unsigned long long>(bytes), human_size(bytes).c_str(),
                t.up ? "up" : "down", t.buffer_count, t.sectors_per_frame, firmware,
                t.model.empty() ? "-" : printable(t.model).c_str(),
                t.serial.empty() ? "-" : printable(t.serial).c_str(),
                quoted(t.config_string).c_str());
    for (const auto& p : t.paths)
      std::printf("          path %s %s\n", p.interface.c_str(), p.mac.to_string().c_str());
    std::printf("          flush %s\n", std::string(aoe::flush_mode_text(t.flush_mode)).c_str());
    for (const auto& c : t.conflicts)
      std::printf(
          "          CONFLICT %s %s: another disk claims %s (model %s, serial %s, %s); "
          "not used\n",
          c.interface.c_str(), c.mac.to_string().c_str(), name, quoted(c.model).c_str(),
          quoted(c.serial).c_str(), human_size(c.capacity_sectors * 512).c_str());
  }
}

}  // namespace

int run_discover_command(int argc, char** argv) {
  std::vector<std::string> interfaces;
  unsigned wait_ms = 1000;
  const CliCommand command{
      "discover",
      "[-i IFACE]... [--wait MS]",
      "  sends one Query Config broadcast on each interface, waits, and prints a\n"
      "  line per target that answered: size, buffers, sectors per frame, model",
      {interface_option(interfaces), wait_option(wait_ms)},
      {}};
  if (auto done = parse_cli(command, argc, argv)) return *done;

  boost::asio::io_context io;
  auto shot =
      start_one_shot(command, io, std::move(interfaces), std::chrono::milliseconds(wait_ms));
  if (!shot) return cli_failure(command, shot.error().message);
  print_table(shot->initiator->targets());
  std::fflush(stdout);
  return 0;
}

}  // namespace aoefs
