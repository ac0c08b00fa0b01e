#include "aoefs/link/initiator_bootstrap.hpp"

#include <algorithm>
#include <future>

#include "protocol/io/asio.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/interfaces.hpp"

namespace aoefs {

Expected<InterfaceChoice> choose_interfaces(std::vector<std::string> named, std::string_view hint) {
  if (!named.empty()) return InterfaceChoice{std::move(named), true};
  InterfaceChoice choice{aoe::default_aoe_interfaces(), false};
  if (choice.names.empty())
    return Error{"no usable interface (no up, non-loopback Ethernet interface); " +
                 std::string(hint)};
  return choice;
}

Expected<std::vector<std::unique_ptr<aoe::Link>>> open_chosen_links(boost::asio::io_context& io,
                                                                    const InterfaceChoice& choice,
                                                                    const LinkReports& reports,
                                                                    const LinkTuning& tuning) {
  const auto warn = [&reports](const std::string& message) {
    if (reports.warn) reports.warn(message);
  };
  std::vector<std::string> usable;
  for (const auto& name : choice.names) {
    if (auto facts = aoe::interface_facts(name); facts && !facts->up) {
      const std::string down = "interface '" + printable(name) + "' is down";
      if (!choice.named) {
        warn(down);
        continue;
      }
      if (reports.refuse_down) return Error{down};
      warn(down + "; using it anyway (it may come up)");
    }
    usable.push_back(name);
  }
  if (usable.empty()) return Error{"no interface could be opened"};
  auto all = open_links(io, usable, reports.note, tuning);
  if (all || choice.named) return all;
  // One by one, each reason told once: a missing helper or capability is
  // the same for every interface and would otherwise repeat per interface.
  std::vector<std::unique_ptr<aoe::Link>> links;
  std::vector<std::string> told;
  for (const auto& name : usable) {
    auto one = open_links(io, {name}, reports.note, tuning);
    if (one) {
      links.push_back(std::move(one->front()));
      continue;
    }
    const std::string& why = one.error().message;
    if (std::find(told.begin(), told.end(), why) != told.end()) continue;
    told.push_back(why);
    if (usable.size() > 1) warn(why);
  }
  if (links.empty())
    return Error{usable.size() == 1 ? all.error().message
                                    : "no interface could be opened (reasons above)"};
  return links;
}

aoe::InitiatorOptions one_shot_options() {
  aoe::InitiatorOptions options;
  options.discovery_interval = std::chrono::hours(1);  // one round is enough
  options.dead_timeout = std::chrono::seconds(5);
  return options;
}

std::error_code run_discovery_round(boost::asio::io_context& io, aoe::Initiator& initiator,
                                    std::chrono::milliseconds settle) {
  std::error_code result;
  initiator.wait_discovery(settle, [&](std::error_code ec) {
    result = ec;
    io.stop();
  });
  io.restart();
  io.run();
  return result;
}

std::error_code await_discovery_round(aoe::Initiator& initiator, std::chrono::milliseconds settle) {
  // Shared: the round may end after this gave up waiting.
  auto done = std::make_shared<std::promise<std::error_code>>();
  auto result = done->get_future();
  initiator.wait_discovery(settle, [done](std::error_code ec) { done->set_value(ec); });
  if (result.wait_for(2 * settle + std::chrono::seconds(4)) != std::future_status::ready)
    return std::make_error_code(std::errc::timed_out);
  return result.get();
}

}  // namespace aoefs
