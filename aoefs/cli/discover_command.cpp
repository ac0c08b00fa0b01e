// `aoefs discover [-i IFACE]... [--wait MS]`: one discovery round on the
// given interfaces (default: every up, non-loopback Ethernet interface of
// this network namespace), then a table like aoe-stat.
//
// Exit codes (discover_command.hpp): 0 table printed (also when empty),
// 2 bad arguments, 1 an interface named with -i cannot be opened, or no
// interface at all could be opened. A named interface that fails is always
// an error, never silently skipped: the user asked for it.
#include "aoefs/cli/discover_command.hpp"

#include "protocol/io/asio.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/util/human_size.hpp"
#include "aoefs/util/wire_text.hpp"
#include "aoefs/link/link_opening.hpp"
#include "protocol/io/initiator.hpp"
#include "protocol/io/interfaces.hpp"

namespace aoefs {
namespace {

void usage() { std::fputs("usage: aoefs discover [-i IFACE]... [--wait MS]\n", stderr); }

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
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "-i" || arg == "--interface") && i + 1 < argc) {
      interfaces.emplace_back(argv[++i]);
    } else if (arg.starts_with("-i") && arg.size() > 2) {
      interfaces.emplace_back(arg.substr(2));
    } else if (arg == "--wait" && i + 1 < argc) {
      const std::string_view v = argv[++i];
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), wait_ms);
      if (ec != std::errc() || end != v.data() + v.size() || wait_ms > 600'000) {
        std::fprintf(stderr, "aoefs discover: --wait wants milliseconds (0..600000), got '%s'\n",
                     argv[i]);
        return 2;
      }
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "aoefs discover: unknown argument '%s'\n", argv[i]);
      usage();
      return 2;
    }
  }
  const bool named = !interfaces.empty();
  if (!named) interfaces = aoe::default_aoe_interfaces();
  if (interfaces.empty()) {
    std::fputs(
        "aoefs discover: no usable interface (no up, non-loopback Ethernet interface); "
        "name one with -i\n",
        stderr);
    return 1;
  }

  boost::asio::io_context io;
  std::vector<std::unique_ptr<aoe::Link>> links;
  for (const auto& name : interfaces) {
    if (auto facts = aoe::interface_facts(name); facts && !facts->up) {
      std::fprintf(stderr, "aoefs discover: interface '%s' is down\n", name.c_str());
      if (named) return 1;
      continue;
    }
    // Without CAP_NET_RAW the socket comes from the setuid helper, as for a mount.
    auto opened = open_links(io, {name});
    if (!opened) {
      std::fprintf(stderr, "aoefs discover: %s\n", opened.error().message.c_str());
      if (named) return 1;
      continue;
    }
    links.push_back(std::move(opened->front()));
  }
  if (links.empty()) {
    std::fputs("aoefs discover: no interface could be opened\n", stderr);
    return 1;
  }

  aoe::InitiatorOptions options;
  options.discovery_interval = std::chrono::hours(1);  // one round is enough
  aoe::Initiator initiator(io, std::move(links), options);
  std::error_code result;
  initiator.wait_discovery(std::chrono::milliseconds(wait_ms), [&](std::error_code ec) {
    result = ec;
    io.stop();
  });
  io.run();
  if (result) {
    std::fprintf(stderr, "aoefs discover: %s\n", result.message().c_str());
    return 1;
  }
  print_table(initiator.targets());
  std::fflush(stdout);
  return 0;
}

}  // namespace aoefs
