// Opening the Ethernet ports the initiator uses. Raw AF_PACKET sockets need
// CAP_NET_RAW: with it (root) aoefs opens them itself; without it, it asks
// the setuid helper (aoefs-helper, whose policy decides) for filtered
// sockets and adopts them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aoefs/util/expected.hpp"
#include "protocol/io/raw_socket_link.hpp"
#include "protocol/link.hpp"

namespace boost::asio {
class io_context;
}

namespace aoefs {

// Receives one line about how the links were opened (which helper, what it
// handed over); the daemon shows these with --debug.
using LinkNote = std::function<void(const std::string&)>;

// How the opened sockets wait for answers (protocol/io/raw_socket_link.hpp,
// "Busy polling"): busy_poll is how long a socket is polled after frames
// arrived while answers are due; 0 never polls (every answer is a wakeup).
struct LinkTuning {
  std::chrono::microseconds busy_poll = aoe::RawSocketLink::kDefaultBusyPoll;
};

// The links, in the order of `interfaces`, or one error message naming the
// interface and what to do.
Expected<std::vector<std::unique_ptr<aoe::Link>>> open_links(
    boost::asio::io_context& io, const std::vector<std::string>& interfaces,
    const LinkNote& note = {}, const LinkTuning& tuning = {});

}  // namespace aoefs
