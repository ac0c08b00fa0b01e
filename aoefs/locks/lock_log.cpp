#include "aoefs/locks/lock_log.hpp"

#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"
#include "protocol/codec/error.hpp"

namespace aoefs {

std::optional<LockLogLine> LockLog::line(aoe::TargetAddress target, aoe::ConfigCommand cmd,
                                         const std::string& value, const std::error_code& ec,
                                         const std::string& current) {
  const std::string name = file_name_of(target);
  const bool clear = cmd == aoe::ConfigCommand::force_set && value.empty();
  std::lock_guard g(mutex_);
  if (cmd == aoe::ConfigCommand::set_if_empty) {
    if (!ec && current == value) {
      last_holder_.erase(target);
      return LockLogLine{LogLevel::info,
                         name + ": locked (config string '" + printable(current) + "')"};
    }
    const bool refused = ec == aoe::AoeErrc::config_string_present;
    if (ec && !refused)
      return LockLogLine{LogLevel::warning, name + ": lock claim failed: " + ec.message()};
    // vblade refuses with error 4 and no string; a target that answers
    // with the string it keeps tells who holds it.
    const std::string holder = refused ? "the target refused set-if-empty: its config string is set"
                                       : "config string '" + printable(current) + "'";
    auto [it, fresh] = last_holder_.try_emplace(target, holder);
    const bool repeat = !fresh && it->second == holder;
    it->second = holder;
    return LockLogLine{repeat ? LogLevel::debug : LogLevel::info,
                       name + ": lock held by another host (" + holder + ")"};
  }
  if (clear) {
    last_holder_.erase(target);
    if (ec) return LockLogLine{LogLevel::warning, name + ": lock release failed: " + ec.message()};
    if (!current.empty())
      return LockLogLine{LogLevel::warning, name + ": lock release failed: the config string is '" +
                                                printable(current) + "' after clearing it"};
    return LockLogLine{LogLevel::info, name + ": lock released"};
  }
  if (ec) return LockLogLine{LogLevel::warning, name + ": lock query failed: " + ec.message()};
  return std::nullopt;
}

void LockLog::log(aoe::TargetAddress target, aoe::ConfigCommand cmd, const std::string& value,
                  const std::error_code& ec, const std::string& current) {
  if (auto l = line(target, cmd, value, ec, current)) log_message(l->level, "%s", l->text.c_str());
}

}  // namespace aoefs
