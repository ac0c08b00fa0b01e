#include "aoefs/cli/one_shot.hpp"

#include <cstdio>

#include "aoefs/link/initiator_bootstrap.hpp"

namespace aoefs {

Expected<OneShot> start_one_shot(const CliCommand& command, boost::asio::io_context& io,
                                 std::vector<std::string> interfaces,
                                 std::chrono::milliseconds wait) {
  auto choice = choose_interfaces(std::move(interfaces), "name one with -i");
  if (!choice) return choice.error();
  LinkReports reports;
  reports.warn = [&command](const std::string& message) { cli_failure(command, message); };
  auto links = open_chosen_links(io, *choice, reports);
  if (!links) return links.error();
  std::vector<std::string> opened;
  for (const auto& link : *links) opened.push_back(link->name());
  OneShot shot{std::make_unique<aoe::Initiator>(io, std::move(*links), one_shot_options()),
               std::move(opened)};
  if (auto ec = run_discovery_round(io, *shot.initiator, wait))
    return Error{"discovery failed: " + ec.message()};
  return shot;
}

}  // namespace aoefs
