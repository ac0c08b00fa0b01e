// Starting an initiator, the same for `aoefs discover`, `aoefs unlock` and
// the daemon: which interfaces, their links, the first discovery round.
//
// Interfaces named by the user (-i, interfaces=) are used as named: one that
// cannot be opened is an error, and so is one that is down for a one-shot
// command (the daemon keeps it, with a warning: it may come up). Without
// names, every up, non-loopback Ethernet interface
// (aoe::default_aoe_interfaces()); one of those that is down or cannot be
// opened is skipped with a warning, and only none at all is an error.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "aoefs/link/link_opening.hpp"
#include "aoefs/util/expected.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

struct InterfaceChoice {
  std::vector<std::string> names;
  bool named = false;  // named by the user, not the default set
};

// `named` if not empty, else the default set; an error when that is empty:
// "no usable interface (no up, non-loopback Ethernet interface); " + hint.
Expected<InterfaceChoice> choose_interfaces(std::vector<std::string> named, std::string_view hint);

struct LinkReports {
  bool refuse_down = true;  // a named interface that is down is an error
  LinkNote note;            // how the links were opened (the daemon's --debug lines)
  LinkNote warn;            // an interface skipped, or kept although down
};

// The links of `choice`, opened in one go (one helper request without
// CAP_NET_RAW); for the default set, if that fails, one by one.
Expected<std::vector<std::unique_ptr<aoe::Link>>> open_chosen_links(boost::asio::io_context& io,
                                                                    const InterfaceChoice& choice,
                                                                    const LinkReports& reports,
                                                                    const LinkTuning& tuning = {});

// The initiator options of a one-shot command: one discovery round, and
// control commands that give up after 5 s.
aoe::InitiatorOptions one_shot_options();

// Runs `io` on this thread until the first discovery round settled
// (Initiator::wait_discovery(settle)); for the one-shot commands, whose
// io_context nothing else runs. Returns the round's result.
std::error_code run_discovery_round(boost::asio::io_context& io, aoe::Initiator& initiator,
                                    std::chrono::milliseconds settle);

// Blocks until the first discovery round settled while another thread runs
// the initiator's io_context (the daemon); at most 2 * settle + 4 s
// (then std::errc::timed_out).
std::error_code await_discovery_round(aoe::Initiator& initiator, std::chrono::milliseconds settle);

}  // namespace aoefs
