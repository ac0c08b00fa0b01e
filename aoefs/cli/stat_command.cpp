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
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <variant>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/stat_watch.hpp"
#include "aoefs/stats/refused_answers.hpp"
#include "aoefs/util/human_size.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

std::string cell(double v) { return std::to_string(static_cast<unsigned long long>(v)); }

std::string micros(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0fus", seconds * 1e6);
  return buf;
}

std::string row(const std::vector<std::string>& cells, const std::vector<int>& widths) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string c = cells[i];
    if (i + 1 < cells.size() && c.size() < static_cast<std::size_t>(widths[i]))
      c.append(static_cast<std::size_t>(widths[i]) - c.size(), ' ');
    out += c;
    if (i + 1 < cells.size()) out += ' ';
  }
  return out + "\n";
}

// " (F from other initiators, R refused: lba 18, port 2)": what of the
// unmatched frames were other initiators' answers (normal when another
// initiator shares the segment or NIC) and what was refused; "" for the
// .stats of a daemon that does not count them.
std::string unmatched_detail(const std::vector<MetricSample>& samples) {
  const auto foreign = find_sample(samples, "aoefs_link_answers_foreign_total");
  if (!foreign) return "";
  RefusedCounts refused{};
  for (std::size_t i = 0; i < refused.size(); ++i)
    refused[i] = static_cast<std::uint64_t>(
        find_sample(samples, "aoefs_link_answers_refused_total", {{"reason", refused_reason(i)}})
            .value_or(0));
  std::string out = " (" + cell(*foreign) + " from other initiators, " +
                    std::to_string(refused_total(refused)) + " refused";
  if (refused_total(refused) > 0) out += ": " + refused_reasons_text(refused);
  return out + ")";
}

}  // namespace

std::string format_stat_table(const std::vector<MetricSample>& samples) {
  std::set<std::string> names;
  for (const auto& s : samples)
    if (s.name == "aoefs_target_up")
      names.insert(s.labels.count("target") ? s.labels.at("target") : "");
  auto value = [&](const std::string& metric, const std::string& target) {
    return find_sample(samples, metric, {{"target", target}}).value_or(0);
  };
  auto label = [&](const std::string& metric, const std::string& target, const std::string& key) {
    for (const auto& s : samples)
      if (s.name == metric && s.labels.count("target") && s.labels.at("target") == target &&
          s.labels.count(key))
        return s.labels.at(key);
    return std::string();
  };
  // .stats made wire strings printable once; sanitized() guards the rest.
  auto text = [&](const std::string& metric, const std::string& target, const std::string& key) {
    return sanitized(label(metric, target, key));
  };
  std::vector<std::vector<std::string>> rows = {{"target", "state", "size", "requests", "read",
                                                 "written", "rexmit", "dup", "errors", "srtt",
                                                 "window", "out", "lock", "conflicts", "paths"}};
  for (const auto& t : names) {
    std::string lock = value("aoefs_target_lock_held", t) > 0 ? "held" : "-";
    rows.push_back(
        {sanitized(t),
         label("aoefs_target_state", t, "state").empty()
             ? (value("aoefs_target_up", t) > 0 ? "up" : "down")
             : text("aoefs_target_state", t, "state"),
         human_size(static_cast<std::uint64_t>(value("aoefs_target_capacity_bytes", t))),
         cell(value("aoefs_target_requests_total", t)),
         human_size(static_cast<std::uint64_t>(value("aoefs_target_read_bytes_total", t))),
         human_size(static_cast<std::uint64_t>(value("aoefs_target_written_bytes_total", t))),
         cell(value("aoefs_target_retransmits_total", t)),
         cell(value("aoefs_target_duplicates_total", t)),
         cell(value("aoefs_target_errors_total", t)), micros(value("aoefs_target_srtt_seconds", t)),
         cell(value("aoefs_target_window_frames", t)),
         cell(value("aoefs_target_outstanding_frames", t)), lock,
         cell(value("aoefs_target_conflicts_total", t)), text("aoefs_target_info", t, "paths")});
  }
  std::vector<int> widths(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i)
      widths[i] = std::max(widths[i], static_cast<int>(r[i].size()));
  std::string out;
  for (const auto& r : rows) out += row(r, widths);
  for (const auto& t : names) {
    const std::string config = text("aoefs_target_config_info", t, "config");
    if (!config.empty()) out += sanitized(t) + " config string: \"" + config + "\"\n";
    for (const auto& s : samples) {
      if (s.name != "aoefs_target_conflict_info" || !s.labels.count("target") ||
          s.labels.at("target") != t)
        continue;
      auto get = [&](const char* key) {
        return s.labels.count(key) ? sanitized(s.labels.at(key)) : std::string("?");
      };
      const bool same_identity = s.labels.count("reason") && s.labels.at("reason") == "content";
      out += sanitized(t) + " CONFLICT: " + get("interface") + " " + get("mac") +
             (same_identity ? " has the same identity but other sectors"
                            : " is another disk with the same address") +
             " (model \"" + get("model") + "\", serial \"" + get("serial") + "\"); not used\n";
    }
  }
  const double refused = find_sample(samples, "aoefs_link_targets_refused_total").value_or(0);
  if (refused > 0) out += "targets refused (max_targets reached): " + cell(refused) + "\n";
  const double evicted = find_sample(samples, "aoefs_link_addresses_evicted_total").value_or(0);
  if (evicted > 0)
    out += "addresses forgotten (answered discovery, never IDENTIFY): " + cell(evicted) + "\n";
  auto total = [&](const char* metric) { return cell(find_sample(samples, metric).value_or(0)); };
  out += "link: " + total("aoefs_link_frames_received_total") + " frames received, " +
         total("aoefs_link_frames_malformed_total") + " malformed, " +
         total("aoefs_link_frames_unmatched_total") + " unmatched" + unmatched_detail(samples) +
         "\n";
  if (find_sample(samples, "aoefs_cache_hits_total")) {
    out += "cache: " + total("aoefs_cache_hits_total") + " hits, " +
           total("aoefs_cache_misses_total") + " misses, read-ahead " +
           total("aoefs_cache_read_ahead_used_total") + " used of " +
           total("aoefs_cache_read_ahead_issued_total") + " issued, " +
           total("aoefs_cache_evictions_total") + " evictions, " +
           human_size(static_cast<std::uint64_t>(
               find_sample(samples, "aoefs_cache_held_bytes").value_or(0))) +
           " held\n";
  } else {
    out += "cache: off\n";
  }
  return out;
}

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

// MOUNTPOINT/.stats parsed, or a message for stderr.
Expected<std::vector<MetricSample>> read_stats(const std::string& mountpoint) {
  const std::string path = mountpoint + "/.stats";
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error{"cannot read " + path + ": " + std::strerror(errno) + " (is " + mountpoint +
                 " an aoefs mount?)"};
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_prometheus_text(text.str());
  if (!parsed) return Error{path + ": " + parsed.error().message};
  return std::move(*parsed);
}

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

// Until SIGINT or SIGTERM (exit 0), or the stats file goes away (exit 1).
int watch(const std::string& mountpoint, double seconds) {
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
  auto before = std::move(*first);
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
    auto& after = *next;
    const std::string text =
        format_watch_interval(compute_watch_interval(before, after, elapsed), clock_text());
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    before = std::move(after);
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
  const CliCommand command{"stat",
                           "[--watch [SECONDS]] MOUNTPOINT",
                           "  prints the mount's statistics (MOUNTPOINT/.stats) as a table; with\n"
                           "  --watch, what happened every SECONDS (default 1) until Ctrl-C",
                           {{0, "watch", "SECONDS", true,
                             "per target every SECONDS (0.1 to 86400, default 1):\n"
                             "IOPS, MB/s, p50/p99 latency, retransmits, window",
                             [&interval](std::optional<std::string_view> value) {
                               interval = value ? parse_interval(std::string(*value)) : 1.0;
                               if (!interval)
                                 return "--watch wants SECONDS from 0.1 to 86400, not '" +
                                        printable(*value) + "'";
                               return std::string();
                             }}},
                           [&mountpoint_operand](std::string_view operand) {
                             if (mountpoint_operand) return unknown_argument(operand);
                             mountpoint_operand = std::string(operand);
                             return std::string();
                           }};
  if (auto done = parse_cli(command, argc, argv)) return *done;
  if (!mountpoint_operand) return cli_usage_error(command, "which mount point?");
  const std::string& mountpoint = *mountpoint_operand;
  if (interval) return watch(mountpoint, *interval);
  auto parsed = read_stats(mountpoint);
  if (!parsed) {
    std::fprintf(stderr, "aoefs stat: %s\n", parsed.error().message.c_str());
    return 1;
  }
  const std::string table = format_stat_table(*parsed);
  std::fwrite(table.data(), 1, table.size(), stdout);
  return 0;
}

}  // namespace aoefs
