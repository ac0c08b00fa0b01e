// The daemon's log lines for the Query Config commands of config-string
// locks (config_lock.hpp), worded by what the answer means.
//
// Contract:
//  * A set-if-empty (claim) answered with our string: "locked"; answered
//    with another string, or refused with AoE error 4 (config string
//    present): "lock held by another host"; any other failure: a warning.
//    The forced set of the empty string (release): "lock released", or a
//    warning when it failed or the string did not clear. A read (the first
//    half of a release) logs only its failure.
//  * "Held by another host" is logged at info once per target and holder;
//    the retries of a blocking flock that find the same holder log at
//    debug, so a long wait does not fill the log. A lock taken or released
//    on the target forgets the holder.
//  * Config strings are printed through printable() (util/wire_text.hpp):
//    any host or target can set them, terminal escapes included.
//  * Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>

#include "aoefs/util/log.hpp"
#include "protocol/codec/header.hpp"
#include "protocol/codec/query_config.hpp"

namespace aoefs {

struct LockLogLine {
  LogLevel level;
  std::string text;
};

class LockLog {
 public:
  // The line for one completed command on `target` that sent `value`; ec
  // and `current` as the initiator answered. nullopt: nothing to say.
  std::optional<LockLogLine> line(aoe::TargetAddress target, aoe::ConfigCommand cmd,
                                  const std::string& value, const std::error_code& ec,
                                  const std::string& current);
  // line(), written to the daemon's log.
  void log(aoe::TargetAddress target, aoe::ConfigCommand cmd, const std::string& value,
           const std::error_code& ec, const std::string& current);

 private:
  std::mutex mutex_;
  std::map<aoe::TargetAddress, std::string> last_holder_;  // the last "held by" logged at info
};

}  // namespace aoefs
