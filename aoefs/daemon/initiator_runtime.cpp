#include "aoefs/daemon/initiator_runtime.hpp"

#include "aoefs/daemon/outage_watch.hpp"
#include "aoefs/daemon/segment_watch.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

InitiatorRuntime::InitiatorRuntime(boost::asio::io_context& io, aoe::Initiator& initiator,
                                   SegmentWatch& watch, OutageWatch& outages)
    : io_(io),
      initiator_(initiator),
      watch_(watch),
      outages_(outages),
      work_(boost::asio::make_work_guard(io)),
      thread_([&io] { io.run(); }) {
  initiator_.start();
  boost::asio::post(io_, [this] {
    watch_.start();
    outages_.start();
  });
}

InitiatorRuntime::~InitiatorRuntime() { stop(); }

void InitiatorRuntime::stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] {
    watch_.stop();
    outages_.stop();
  });
  initiator_.shutdown();
  work_.reset();
  thread_.join();
}

}  // namespace aoefs
