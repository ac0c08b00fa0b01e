#include "aoefs/link/link_opening.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "protocol/io/asio.hpp"
#include <cerrno>

#include "aoefs/helper/helper_client.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/interfaces.hpp"
#include "protocol/io/raw_socket_link.hpp"

namespace aoefs {
namespace {

bool permission_denied(const std::error_code& ec) {
  return ec == std::errc::operation_not_permitted || ec == std::errc::permission_denied;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + printable(n);
  return text;
}

Expected<std::vector<std::unique_ptr<aoe::Link>>> from_helper(
    boost::asio::io_context& io, const std::vector<std::string>& interfaces, const LinkNote& note,
    const LinkTuning& tuning) {
  const std::string helper = helper::default_helper_path();
  struct stat st {};
  if (::stat(helper.c_str(), &st) != 0)
    return Error{
        "no permission to open raw sockets (CAP_NET_RAW), and the setuid helper "
        "aoefs-helper is not installed at " +
        helper + " (run as root, or install it: see aoefs(8), UNPRIVILEGED MOUNTS)"};
  if (note)
    note("no CAP_NET_RAW: asking the setuid helper " + helper + " for AoE sockets on " +
         joined(interfaces));
  auto got = helper::request_sockets_from_helper(helper, interfaces);
  if (!got)
    return Error{"no permission to open raw sockets (CAP_NET_RAW) and the helper gave none: " +
                 got.error().message};
  std::vector<std::unique_ptr<aoe::Link>> links;
  for (auto& passed : *got) {
    auto link = aoe::RawSocketLink::adopt(io, passed.fd);
    if (!link)
      return Error{"interface " + printable(passed.interface) +
                   ": socket from the helper: " + link.error().message()};
    (*link)->set_busy_poll(tuning.busy_poll);
    links.push_back(std::move(*link));
  }
  if (note)
    note("the helper handed over " + std::to_string(links.size()) +
         " filtered AoE socket(s); using them");
  return links;
}

}  // namespace

Expected<std::vector<std::unique_ptr<aoe::Link>>> open_links(
    boost::asio::io_context& io, const std::vector<std::string>& interfaces, const LinkNote& note,
    const LinkTuning& tuning) {
  std::vector<std::unique_ptr<aoe::Link>> links;
  for (const auto& name : interfaces) {
    const std::string named = "interface " + printable(name) + ": ";
    // AoE is Ethernet: a loopback, tunnel or InfiniBand interface cannot
    // carry it (the socket would open, or fail with a bare EINVAL).
    if (auto facts = aoe::interface_facts(name); facts && !facts->ethernet)
      return Error{named + printable(name) + " is not an Ethernet interface" +
                   (facts->loopback ? " (it is the loopback)" : "") +
                   "; AoE needs one (see `ip -br link`)"};
    auto link = aoe::RawSocketLink::open(io, name);
    if (!link) {
      const std::error_code ec = link.error();
      if (permission_denied(ec) && ::geteuid() != 0)
        return from_helper(io, interfaces, note, tuning);
      if (permission_denied(ec))
        return Error{named +
                     "no permission to open a raw socket: this process runs as root but "
                     "lacks the capability CAP_NET_RAW (a container or a unit's "
                     "CapabilityBoundingSet may drop it)"};
      return Error{named + (ec == std::errc::no_such_device ? "no such interface" : ec.message())};
    }
    (*link)->set_busy_poll(tuning.busy_poll);
    links.push_back(std::move(*link));
  }
  if (note)
    note("opened " + std::to_string(links.size()) + " raw AoE socket(s) on " + joined(interfaces) +
         " directly (CAP_NET_RAW; no helper)");
  return links;
}

}  // namespace aoefs
