#include "support/responder/stop_signals.hpp"

#include <signal.h>

namespace aoetest {
namespace {

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_counters = 0;

void on_signal(int signal, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigaction(signal, &sa, nullptr);
}

}  // namespace

void catch_stop_signals() {
  on_signal(SIGTERM, [](int) { g_stop = 1; });
  on_signal(SIGINT, [](int) { g_stop = 1; });
}

bool stop_requested() { return g_stop != 0; }

void catch_counters_signal() {
  on_signal(SIGUSR1, [](int) { g_counters = 1; });
}

bool take_counters_request() {
  if (!g_counters) return false;
  g_counters = 0;
  return true;
}

}  // namespace aoetest
