// Tells the log what an outage looks like while it lasts, polled once a
// second on the io thread: targets that leave requests unanswered
// (outage_log.hpp: "e1.0: no answer for 5 s, retrying; 12 requests
// waiting", then "answering again"), the local links going down or up
// (their IFF_UP flag, read by ioctl: no netlink socket to keep, and a
// change is told within a second), and targets down for longer than
// forget_after, which it forgets (target_table.hpp).
//
// REQUIRES: start() and stop() on the initiator's io_context thread (the
// timer posts there); stop() before the io_context stops.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "aoefs/daemon/outage_log.hpp"
#include "aoefs/fs/target_table.hpp"
#include "protocol/io/asio.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

// "aoe0 (up, mtu 9000), eth1 (down)": the interfaces as the mount line
// tells them; one that vanished is "(gone)".
std::string link_states_text(const std::vector<std::string>& interfaces);

class OutageWatch {
 public:
  struct Options {
    std::vector<std::string> interfaces;  // the links in use
    std::chrono::milliseconds dead_timeout{0};
    std::chrono::milliseconds forget_after{0};  // 0: never
  };
  OutageWatch(boost::asio::io_context& io, aoe::Initiator& initiator, TargetTable& table,
              Options options);
  void start();
  void stop();

 private:
  void arm();
  void poll();
  void poll_links();

  boost::asio::steady_timer timer_;
  aoe::Initiator& initiator_;
  TargetTable& table_;
  Options options_;
  OutageLog log_;
  std::map<std::string, bool> link_up_;  // as last told
  bool stopped_ = false;
};

}  // namespace aoefs
