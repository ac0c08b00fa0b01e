// The initiator of a one-shot command (discover, unlock): interfaces chosen
// and opened as link/initiator_bootstrap.hpp says (-i names them), one
// discovery round run on the calling thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/util/expected.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

struct OneShot {
  std::unique_ptr<aoe::Initiator> initiator;
  std::vector<std::string> interfaces;  // those opened: -i's, or the default set less those skipped
};

// After the first discovery round (waiting `wait`), or what went wrong (no
// interface, one named that is down or cannot be opened, the round failed).
// Interfaces of the default set skipped are reported as "aoefs COMMAND: ..."
// on stderr.
Expected<OneShot> start_one_shot(const CliCommand& command, boost::asio::io_context& io,
                                 std::vector<std::string> interfaces,
                                 std::chrono::milliseconds wait);

}  // namespace aoefs
