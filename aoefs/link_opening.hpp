// Opening the Ethernet ports the initiator uses. Raw AF_PACKET sockets need
// CAP_NET_RAW: with it (root) aoefs opens them itself; without it, it asks
// the setuid helper (aoefs-helper, whose policy decides) for filtered
// sockets and adopts them.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "protocol/link.hpp"

namespace boost::asio {
class io_context;
}

namespace aoefs {

// The links, in the order of `interfaces`, or one error message naming the
// interface and what to do.
std::variant<std::vector<std::unique_ptr<aoe::Link>>, std::string> open_links(
    boost::asio::io_context& io, const std::vector<std::string>& interfaces);

}  // namespace aoefs
