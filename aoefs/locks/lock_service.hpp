// The daemon's ConfigLocks (config_lock.hpp) wired to the real world: Query
// Config through the initiator, retry timers on the initiator's io_context,
// lock strings naming this host, its MACs and the daemon (lock_string.hpp),
// a log line per claim and release (lock_log.hpp).
//
// Lifetime: construct after the initiator, call release_all() before
// initiator->shutdown() (clean shutdown releases what the mount holds),
// destroy after the io thread stopped.
#pragma once

#include <chrono>
#include <memory>

#include "aoefs/locks/config_lock.hpp"

namespace boost::asio {
class io_context;
}
namespace aoe {
class Initiator;
}

namespace aoefs {

class LockLog;

class LockService {
 public:
  LockService(boost::asio::io_context& io, aoe::Initiator& initiator);
  ~LockService();
  ConfigLocks& locks() { return locks_; }
  // Releases every lock of the mount (ConfigLocks::release_all), waiting at
  // most `limit`, then cancels the retry timers. Returns false if a release
  // failed or did not finish in time.
  bool release_all(std::chrono::milliseconds limit);

 private:
  void after(std::chrono::milliseconds delay, std::function<void()> fn);

  struct Timers;  // the retry timers waiting, cancelled at release_all()
  boost::asio::io_context& io_;
  std::unique_ptr<Timers> timers_;
  std::unique_ptr<LockLog> log_;  // before locks_: its queries log through it
  ConfigLocks locks_;
};

}  // namespace aoefs
