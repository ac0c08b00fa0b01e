#include "aoefs/cli/unlock_command.hpp"

#include "protocol/io/asio.hpp"

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/link/link_opening.hpp"
#include "aoefs/locks/lock_string.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/initiator.hpp"
#include "protocol/io/interfaces.hpp"

namespace aoefs {
namespace {

constexpr const char* kUsage =
    "usage: aoefs unlock eSHELF.SLOT --force [-i IFACE]... [--wait MS]\n"
    "  clears the target's AoE config string (the flock lock string of aoefs,\n"
    "  or any other string), e.g. after the holder crashed\n";

// Prints "aoefs unlock: MESSAGE" and returns exit code 1.
int fail(const std::string& message) {
  std::fprintf(stderr, "aoefs unlock: %s\n", message.c_str());
  return 1;
}

// Runs one Query Config on `target` and waits for it on the io thread.
std::pair<std::error_code, std::string> query(boost::asio::io_context& io, aoe::Initiator& ini,
                                              aoe::TargetAddress target, aoe::ConfigCommand cmd,
                                              std::string value) {
  std::pair<std::error_code, std::string> result;
  ini.query_config(target, cmd, std::move(value),
                   [&](std::error_code ec, const aoe::ConfigReply& r) {
                     result = {ec, r.config_storage};
                     io.stop();
                   });
  io.restart();
  io.run();
  return result;
}

}  // namespace

int run_unlock_command(int argc, char** argv) {
  std::vector<std::string> interfaces;
  std::optional<aoe::TargetAddress> target;
  std::string name;
  bool force = false;
  unsigned wait_ms = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "-i" || arg == "--interface") && i + 1 < argc) {
      interfaces.emplace_back(argv[++i]);
    } else if (arg == "--force") {
      force = true;
    } else if (arg == "--wait" && i + 1 < argc) {
      const std::string_view v = argv[++i];
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), wait_ms);
      if (ec != std::errc() || end != v.data() + v.size() || wait_ms > 600'000) {
        std::fprintf(stderr, "aoefs unlock: --wait wants milliseconds (0..600000), got '%s'\n",
                     argv[i]);
        return 2;
      }
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!target && parse_file_name(arg)) {
      target = parse_file_name(arg);
      name = std::string(arg);
    } else {
      std::fprintf(stderr, "aoefs unlock: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (!target) {
    std::fprintf(stderr, "aoefs unlock: which target? (e.g. e1.0)\n%s", kUsage);
    return 2;
  }
  if (!force) {
    std::fprintf(
        stderr,
        "aoefs unlock: refusing without --force: this clears %s's config string whoever "
        "set it, and if its holder is alive it loses its lock without noticing. Check "
        "the holder first (getfattr -n user.aoe.config FILE, or aoecfg), then add --force.\n",
        name.c_str());
    return 2;
  }
  if (interfaces.empty()) interfaces = aoe::default_aoe_interfaces();
  if (interfaces.empty())
    return fail("no usable interface (no up, non-loopback Ethernet interface); name one with -i");

  boost::asio::io_context io;
  auto opened = open_links(io, interfaces);
  if (!opened) return fail(opened.error().message);
  aoe::InitiatorOptions options;
  options.discovery_interval = std::chrono::hours(1);  // one round is enough
  options.dead_timeout = std::chrono::seconds(5);
  aoe::Initiator initiator(io, std::move(opened).value(), options);
  initiator.wait_discovery(std::chrono::milliseconds(wait_ms),
                           [&io](std::error_code) { io.stop(); });
  io.run();
  if (!initiator.target(*target)) {
    std::string where;
    for (const auto& i : interfaces) where += (where.empty() ? "" : ", ") + i;
    return fail(name + ": no such target found on " + where);
  }

  auto [read_ec, before] = query(io, initiator, *target, aoe::ConfigCommand::read, {});
  if (read_ec) return fail(name + ": cannot read the config string: " + read_ec.message());
  if (before.empty()) {
    std::printf("%s: no config string set, nothing to clear\n", name.c_str());
    return 0;
  }
  auto [set_ec, after] = query(io, initiator, *target, aoe::ConfigCommand::force_set, {});
  if (set_ec) return fail(name + ": clearing failed: " + set_ec.message());
  if (!after.empty()) return fail(name + ": the target kept a config string: " + quoted(after));
  std::printf("%s: cleared %s %s\n", name.c_str(),
              is_aoefs_lock_string(before) ? "the aoefs lock string"
                                           : "the config string (not an aoefs lock)",
              quoted(before).c_str());
  initiator.shutdown();
  return 0;
}

}  // namespace aoefs
