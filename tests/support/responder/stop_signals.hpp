// The signals the target-side tools take: SIGTERM and SIGINT ask a tool to
// stop, so that it prints its counters on the way out instead of dying
// with them; SIGUSR1, in the tools that take it, asks for the counters now
// (quirk_target, aoe-relay). The handlers only set flags, which the tools'
// main loops read; a blocking wait sees EINTR (no SA_RESTART).
#pragma once

namespace aoetest {

void catch_stop_signals();
bool stop_requested();

void catch_counters_signal();
// True once for each SIGUSR1 since the last call.
bool take_counters_request();

}  // namespace aoetest
