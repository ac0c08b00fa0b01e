// InitiatorRuntime: the daemon's io thread, which runs the io_context the
// initiator (and the lock service's timers) live on.
//
// Contract: the constructor starts the thread, then the initiator (its
// first discovery broadcast), the segment watch and the outage watch; set
// the target listener before. stop() stops the watches (their timers would
// keep the thread running),
// shuts the initiator down (every pending handler runs, with `cancelled`), lets
// the io_context run out of work and joins the thread; after it, nothing
// runs on the io_context any more, so the FUSE session and then the
// initiator may go. The destructor calls stop(); a second stop() does
// nothing. REQUIRES: `io`, `initiator` and the watches outlive the first
// stop().
#pragma once

#include <thread>

#include "protocol/io/asio.hpp"

namespace aoe {
class Initiator;
}

namespace aoefs {

class SegmentWatch;
class OutageWatch;

class InitiatorRuntime {
 public:
  InitiatorRuntime(boost::asio::io_context& io, aoe::Initiator& initiator, SegmentWatch& watch,
                   OutageWatch& outages);
  ~InitiatorRuntime();
  InitiatorRuntime(const InitiatorRuntime&) = delete;
  InitiatorRuntime& operator=(const InitiatorRuntime&) = delete;

  void stop();

 private:
  boost::asio::io_context& io_;
  aoe::Initiator& initiator_;
  SegmentWatch& watch_;
  OutageWatch& outages_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace aoefs
