// Reading a mount's MOUNTPOINT/.stats: `aoefs stat` reads its own mount,
// `aoefs list` every aoefs mount of the host, where a daemon that is stopped
// or gone must not hang the command.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "aoefs/stats/prometheus_parse.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

// MOUNTPOINT/.stats parsed, or a message for stderr (naming the file and
// asking whether it is an aoefs mount).
Expected<std::vector<MetricSample>> read_stats(const std::string& mountpoint);

// The text of MOUNTPOINT/.stats read by a child process, which is killed
// when it takes longer than `limit` (a daemon stopped by SIGSTOP or
// swamped: a FUSE read would wait for it). The error is strerror's text
// (ENOTCONN: "Transport endpoint is not connected") or "no answer within N ms".
Expected<std::string> read_stats_text_within(const std::string& mountpoint,
                                             std::chrono::milliseconds limit);

}  // namespace aoefs
