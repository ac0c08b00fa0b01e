#include "aoefs/locks/lock_service.hpp"

#include <unistd.h>

#include "protocol/io/asio.hpp"
#include <climits>
#include <ctime>
#include <future>
#include <mutex>
#include <set>

#include "aoefs/locks/lock_log.hpp"
#include "aoefs/locks/lock_string.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "-";
  return buf;
}

}  // namespace

struct LockService::Timers {
  std::mutex mutex;
  std::set<std::shared_ptr<boost::asio::steady_timer>> waiting;
};

LockService::LockService(boost::asio::io_context& io, aoe::Initiator& initiator)
    : io_(io),
      timers_(std::make_unique<Timers>()),
      log_(std::make_unique<LockLog>()),
      locks_(
          [&initiator, log = log_.get()](aoe::TargetAddress target, aoe::ConfigCommand cmd,
                                         std::string value, ConfigQueryDone done) {
            initiator.query_config(target, cmd, value,
                                   [done = std::move(done), target, cmd, value, log](
                                       std::error_code ec, const aoe::ConfigReply& r) {
                                     log->log(target, cmd, value, ec, r.config_storage);
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
