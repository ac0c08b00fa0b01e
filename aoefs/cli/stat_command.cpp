#include "aoefs/cli/stat_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

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

}  // namespace

std::string format_stat_table(const std::vector<MetricSample>& samples) {
  std::set<std::string> names;
  for (const auto& s : samples)
    if (s.name == "aoefs_target_up") names.insert(s.labels.count("target") ? s.labels.at("target") : "");
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
    rows.push_back({sanitized(t), value("aoefs_target_up", t) > 0 ? "up" : "down",
                    human_size(static_cast<std::uint64_t>(value("aoefs_target_capacity_bytes", t))),
                    cell(value("aoefs_target_requests_total", t)),
                    human_size(static_cast<std::uint64_t>(value("aoefs_target_read_bytes_total", t))),
                    human_size(static_cast<std::uint64_t>(value("aoefs_target_written_bytes_total", t))),
                    cell(value("aoefs_target_retransmits_total", t)),
                    cell(value("aoefs_target_duplicates_total", t)),
                    cell(value("aoefs_target_errors_total", t)),
                    micros(value("aoefs_target_srtt_seconds", t)),
                    cell(value("aoefs_target_window_frames", t)),
                    cell(value("aoefs_target_outstanding_frames", t)), lock,
                    cell(value("aoefs_target_conflicts_total", t)),
                    text("aoefs_target_info", t, "paths")});
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
      out += sanitized(t) + " CONFLICT: " + get("interface") + " " + get("mac") +
             " is another disk with the same address (model \"" + get("model") + "\", serial \"" +
             get("serial") + "\"); not used\n";
    }
  }
  const double refused = find_sample(samples, "aoefs_link_targets_refused_total").value_or(0);
  if (refused > 0) out += "targets refused (max_targets reached): " + cell(refused) + "\n";
  auto total = [&](const char* metric) { return cell(find_sample(samples, metric).value_or(0)); };
  out += "link: " + total("aoefs_link_frames_received_total") + " frames received, " +
         total("aoefs_link_frames_malformed_total") + " malformed, " +
         total("aoefs_link_frames_unmatched_total") + " unmatched\n";
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

int run_stat_command(int argc, char** argv) {
  if (argc != 2 || std::string_view(argv[1]).starts_with("-")) {
    const bool help = argc == 2 && (std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help");
    std::fputs("usage: aoefs stat MOUNTPOINT\n", help ? stdout : stderr);
    return help ? 0 : 2;
  }
  const std::string path = std::string(argv[1]) + "/.stats";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "aoefs stat: cannot read %s: %s (is %s an aoefs mount?)\n", path.c_str(),
                 std::strerror(errno), argv[1]);
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_prometheus_text(text.str());
  if (!parsed) {
    std::fprintf(stderr, "aoefs stat: %s: %s\n", path.c_str(), parsed.error().message.c_str());
    return 1;
  }
  const std::string table = format_stat_table(*parsed);
  std::fwrite(table.data(), 1, table.size(), stdout);
  return 0;
}

}  // namespace aoefs
