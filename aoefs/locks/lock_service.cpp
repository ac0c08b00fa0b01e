#include "aoefs/locks/lock_service.hpp"

#include <unistd.h>

#include "protocol/io/asio.hpp"
#include <climits>
#include <ctime>
#include <future>
#include <mutex>
#include <set>

#include "aoefs/locks/lock_string.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "-";
  return buf;
}

// The log lines the daemon's log promises for locks: taken and released.
void log_lock_event(aoe::TargetAddress target, aoe::ConfigCommand cmd, bool clear,
                    const std::error_code& ec, const std::string& now) {
  const std::string name = file_name_of(target);
  if (cmd == aoe::ConfigCommand::set_if_empty && !ec)
    log_message(LogLevel::info, "%s: lock taken (config string '%s')", name.c_str(), now.c_str());
  else if (clear && !ec)
    log_message(LogLevel::info, "%s: lock released", name.c_str());
  else if (clear || (ec && ec != aoe::AoeErrc::config_string_present))
    log_message(LogLevel::warning, "%s: lock %s failed: %s", name.c_str(),
                clear ? "release" : "query", ec.message().c_str());
}

}  // namespace

struct LockService::Timers {
  std::mutex mutex;
  std::set<std::shared_ptr<boost::asio::steady_timer>> waiting;
};

LockService::LockService(boost::asio::io_context& io, aoe::Initiator& initiator)
    : io_(io),
      timers_(std::make_unique<Timers>()),
      locks_(
          [&initiator](aoe::TargetAddress target, aoe::ConfigCommand cmd, std::string value,
                       ConfigQueryDone done) {
            const bool clear = cmd == aoe::ConfigCommand::force_set && value.empty();
            initiator.query_config(target, cmd, std::move(value),
                                   [done = std::move(done), target, cmd, clear](
                                       std::error_code ec, const aoe::ConfigReply& r) {
                                     log_lock_event(target, cmd, clear, ec, r.config_storage);
                                     done(ec, r.config_storage);
                                   });
          },
          [this](std::chrono::milliseconds delay, std::function<void()> fn) {
            after(delay, std::move(fn));
          },
          [&initiator, host = host_name()](std::uint32_t pid) {
            return format_lock_string(LockIdentity{host, initiator.local_macs(), pid,
                                                   std::time(nullptr),
                                                   static_cast<std::uint32_t>(::getpid())});
          }) {}

LockService::~LockService() = default;

void LockService::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
  {
    std::lock_guard g(timers_->mutex);
    timers_->waiting.insert(timer);
  }
  timer->async_wait([this, timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    {
      std::lock_guard g(timers_->mutex);
      timers_->waiting.erase(timer);
    }
    if (!ec) fn();
  });
}

bool LockService::release_all(std::chrono::milliseconds limit) {
  auto released = std::make_shared<std::promise<std::error_code>>();
  auto result = released->get_future();
  locks_.release_all([released](std::error_code ec) { released->set_value(ec); });
  const bool done = result.wait_for(limit) == std::future_status::ready && !result.get();
  std::lock_guard g(timers_->mutex);
  for (const auto& t : timers_->waiting) t->cancel();
  return done;
}

}  // namespace aoefs
