#include "aoefs/cli/stat_command.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/stat_table.hpp"
#include "aoefs/cli/stat_watch.hpp"
#include "aoefs/cli/stats_reading.hpp"
#include "aoefs/stats/sample_index.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

// Sleeps `seconds` unless SIGINT/SIGTERM comes first; false when it did.
bool pause_for(double seconds) {
  auto left = std::chrono::duration<double>(seconds);
  const auto until = std::chrono::steady_clock::now() + left;
  while (!g_stop) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(until - now).count();
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    ::nanosleep(&ts, nullptr);  // EINTR on the signal: the loop sees g_stop
  }
  return false;
}

std::string clock_text() {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Until SIGINT or SIGTERM (exit 0), or the stats file goes away (exit 1).
// Each snapshot is parsed and indexed once, and serves as "after" of one
// interval and "before" of the next.
int watch(const std::string& mountpoint, double seconds, const StatView& view) {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the sleep returns at once
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  auto first = read_stats(mountpoint);
  if (!first) {
    std::fprintf(stderr, "aoefs stat: %s\n", first.error().message.c_str());
    return 1;
  }
  auto before = std::make_unique<std::vector<MetricSample>>(std::move(*first));
  auto before_index = std::make_unique<SampleIndex>(*before);
  auto taken = std::chrono::steady_clock::now();
  while (pause_for(seconds)) {
    auto next = read_stats(mountpoint);
    if (!next) {
      if (g_stop) break;
      std::fprintf(stderr, "aoefs stat: %s\n", next.error().message.c_str());
      return 1;
    }
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::max(1e-3, std::chrono::duration<double>(now - taken).count());
    auto after = std::make_unique<std::vector<MetricSample>>(std::move(*next));
    auto after_index = std::make_unique<SampleIndex>(*after);
    print(format_watch_interval(compute_watch_interval(*before_index, *after_index, elapsed),
                                clock_text(), view));
    before = std::move(after);
    before_index = std::move(after_index);
    taken = now;
  }
  return 0;
}

// SECONDS: a decimal number from 0.1 to 86400.
std::optional<double> parse_interval(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0.1 || v > 86400)
    return std::nullopt;
  return v;
}

}  // namespace

int run_stat_command(int argc, char** argv) {
  std::optional<double> interval;
  std::optional<std::string> mountpoint_operand;
  StatView view;
  std::vector<CliOption> options = {{0, "watch", "SECONDS", true,
                                     "per target every SECONDS (0.1 to 86400, default 1):\n"
                                     "IOPS, MB/s, p50/p99 latency (ms), retransmits",
                                     [&interval](std::optional<std::string_view> value) {
                                       interval = value ? parse_interval(std::string(*value)) : 1.0;
                                       if (!interval)
                                         return "--watch wants SECONDS from 0.1 to 86400, not '" +
                                                printable(*value) + "'";
                                       return std::string();
                                     }},
                                    {'a', "active", "", false,
                                     "only targets with I/O: requests since the mount, or\n"
                                     "with --watch, completed or in flight in the interval",
                                     [&view](std::optional<std::string_view>) {
                                       view.active_only = true;
                                       return std::string();
                                     }}};
  for (auto& o : table_options(view.format)) options.push_back(std::move(o));
  const CliCommand command{
      "stat", "[OPTIONS] MOUNTPOINT [TARGET...]",
      "  prints the mount's statistics (MOUNTPOINT/.stats) as a table, a line per\n"
      "  target; with --watch, what happened every SECONDS until Ctrl-C.\n"
      "  TARGET: names or extended regular expressions matching whole names\n"
      "  (e1.0, 'e1\\..*'); only the targets they match are shown.\n"
      "  Exit status: 0 printed, 1 MOUNTPOINT/.stats unreadable, 2 usage.",
      std::move(options), [&mountpoint_operand, &view](std::string_view operand) {
        if (!mountpoint_operand) {
          mountpoint_operand = std::string(operand);
          return std::string();
        }
        if (auto added = view.filter.add(operand); !added) return added.error().message;
        return std::string();
      }};
  if (auto done = parse_cli(command, argc, argv)) return *done;
  const auto columns = interval ? watch_columns() : stat_columns();
  if (auto done = settle_columns(command, columns, view.format)) return *done;
  if (!mountpoint_operand) return cli_usage_error(command, "which mount point?");
  const std::string& mountpoint = *mountpoint_operand;
  if (interval) return watch(mountpoint, *interval, view);
  auto parsed = read_stats(mountpoint);
  if (!parsed) return cli_failure(command, parsed.error().message);
  print(format_stat_table(*parsed, view));
  return 0;
}

}  // namespace aoefs
