#include "aoefs/cli/unlock_command.hpp"

#include "protocol/io/asio.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/one_shot.hpp"
#include "aoefs/locks/lock_string.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

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
  const CliCommand command{
      "unlock",
      "eSHELF.SLOT --force [-i IFACE]... [--wait MS]",
      "  clears the target's AoE config string (the flock lock string of aoefs,\n"
      "  or any other string), e.g. after the holder crashed",
      {{0,
        "force",
        {},
        false,
        "clear it whoever set it (without: refuse, touch\nnothing)",
        [&force](std::optional<std::string_view>) {
          force = true;
          return std::string();
        }},
       interface_option(interfaces),
       wait_option(wait_ms)},
      [&](std::string_view operand) {
        if (target || !parse_file_name(operand)) return unknown_argument(operand);
        target = parse_file_name(operand);
        name = std::string(operand);
        return std::string();
      }};
  if (auto done = parse_cli(command, argc, argv)) return *done;
  if (!target) return cli_usage_error(command, "which target? (e.g. e1.0)");
  if (!force)
    return cli_usage_error(
        command, "refusing without --force: this clears " + name +
                     "'s config string whoever set it, and if its holder is alive it loses its "
                     "lock without noticing. Check the holder first (getfattr -n "
                     "user.aoe.config FILE, or aoecfg), then add --force.");

  boost::asio::io_context io;
  auto shot =
      start_one_shot(command, io, std::move(interfaces), std::chrono::milliseconds(wait_ms));
  if (!shot) return cli_failure(command, shot.error().message);
  aoe::Initiator& initiator = *shot->initiator;
  if (!initiator.target(*target)) {
    std::string where;
    for (const auto& i : shot->interfaces) where += (where.empty() ? "" : ", ") + i;
    return cli_failure(command, name + ": no such target found on " + where);
  }

  auto [read_ec, before] = query(io, initiator, *target, aoe::ConfigCommand::read, {});
  if (read_ec)
    return cli_failure(command, name + ": cannot read the config string: " + read_ec.message());
  if (before.empty()) {
    std::printf("%s: no config string set, nothing to clear\n", name.c_str());
    return 0;
  }
  auto [set_ec, after] = query(io, initiator, *target, aoe::ConfigCommand::force_set, {});
  if (set_ec) return cli_failure(command, name + ": clearing failed: " + set_ec.message());
  if (!after.empty())
    return cli_failure(command, name + ": the target kept a config string: " + quoted(after));
  std::printf("%s: cleared %s %s\n", name.c_str(),
              is_aoefs_lock_string(before) ? "the aoefs lock string"
                                           : "the config string (not an aoefs lock)",
              quoted(before).c_str());
  initiator.shutdown();
  return 0;
}

}  // namespace aoefs
