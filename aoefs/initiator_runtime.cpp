#include "aoefs/initiator_runtime.hpp"

#include "protocol/initiator.hpp"

namespace aoefs {

InitiatorRuntime::InitiatorRuntime(boost::asio::io_context& io, aoe::Initiator& initiator)
    : initiator_(initiator), work_(boost::asio::make_work_guard(io)), thread_([&io] { io.run(); }) {
  initiator_.start();
}

InitiatorRuntime::~InitiatorRuntime() { stop(); }

void InitiatorRuntime::stop() {
  if (!thread_.joinable()) return;
  initiator_.shutdown();
  work_.reset();
  thread_.join();
}

}  // namespace aoefs
