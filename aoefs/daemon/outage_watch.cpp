#include "aoefs/daemon/outage_watch.hpp"

#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/io/interfaces.hpp"

namespace aoefs {
namespace {

constexpr std::chrono::seconds kPollInterval{1};

std::string link_state_text(const std::string& name) {
  const auto facts = aoe::interface_facts(name);
  if (!facts) return "gone";
  if (!facts->up) return "down";
  return "up, mtu " + std::to_string(facts->mtu);
}

}  // namespace

std::string link_states_text(const std::vector<std::string>& interfaces) {
  std::string text;
  for (const auto& name : interfaces)
    text += (text.empty() ? "" : ", ") + printable(name) + " (" + link_state_text(name) + ")";
  return text;
}

OutageWatch::OutageWatch(boost::asio::io_context& io, aoe::Initiator& initiator, TargetTable& table,
                         Options options)
    : timer_(io),
      initiator_(initiator),
      table_(table),
      options_(std::move(options)),
      log_(outage_log_after(options_.dead_timeout), kOutageLogRepeat) {}

void OutageWatch::start() {
  for (const auto& name : options_.interfaces) {
    const auto facts = aoe::interface_facts(name);
    link_up_[name] = facts && facts->up;
  }
  arm();
}

void OutageWatch::stop() {
  stopped_ = true;
  timer_.cancel();
}

void OutageWatch::arm() {
  if (stopped_) return;
  timer_.expires_after(kPollInterval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    poll();
    arm();
  });
}

void OutageWatch::poll() {
  const auto now = std::chrono::steady_clock::now();
  for (const auto& info : initiator_.targets()) {
    const auto stats = initiator_.stats(info.address);
    if (!stats) continue;
    if (auto note = log_.observe(file_name_of(info.address), info.up, stats->waiting,
                                 stats->unanswered_for, now))
      log_message(note->level, "%s", note->text.c_str());
  }
  poll_links();
  if (options_.forget_after.count() == 0) return;
  for (const auto& f : table_.forget_down_since(options_.forget_after, now))
    log_message(
        LogLevel::info, "%s forgotten: down for longer than forget_after (%lld s)", f.name.c_str(),
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::seconds>(options_.forget_after).count()));
}

void OutageWatch::poll_links() {
  for (auto& [name, was_up] : link_up_) {
    const auto facts = aoe::interface_facts(name);
    const bool up = facts && facts->up;
    if (up == was_up) continue;
    was_up = up;
    if (up)
      log_message(LogLevel::info, "interface %s is up again (%s)", printable(name).c_str(),
                  link_state_text(name).c_str());
    else
      log_message(LogLevel::warning,
                  "interface %s is %s: targets reached only through it stop answering",
                  printable(name).c_str(), facts ? "down" : "gone");
  }
}

}  // namespace aoefs
