#include "aoefs/cli/list_command.hpp"

#include <cstdio>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/mount_list.hpp"
#include "aoefs/cli/stats_reading.hpp"
#include "aoefs/stats/prometheus_parse.hpp"
#include "aoefs/stats/sample_index.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

constexpr auto text = CellKind::text;
constexpr auto number = CellKind::number;

// The order of the cells of a row (mount_row) is the order of this table.
constexpr ColumnSpec kColumns[] = {
    {"MOUNT", "the mount point", text, true, 0, true},
    {"STATE", "live, or dead (the daemon does not answer: why in ERROR)", text, true},
    {"PID", "the daemon's process id", number, true},
    {"INTERFACES", "the interfaces in use", text, true, 0, true},
    {"UP", "targets up", number, true},
    {"TARGETS", "targets known (up or down)", number, true},
    {"DEAD_TIMEOUT", "the dead_timeout setting, seconds", text, true},
    {"CACHE_SIZE", "the cache_size setting", text, true},
    {"RO", "the read_only setting", text, true},
    {"VERSION", "aoefs's version", text},
    {"SETTINGS", "every setting in effect, NAME=VALUE", text, false, 0, false, true},
    {"ERROR", "why a dead mount is dead", text, false, 0, true},
};

std::vector<std::string> dead_row(const MountSnapshot& m, const std::string& why) {
  std::vector<std::string> row(std::size(kColumns), "-");
  row[0] = printable(m.mount_point);
  row[1] = "dead";
  row[11] = why;
  return row;
}

std::vector<std::string> mount_row(const MountSnapshot& m) {
  if (!m.stats) return dead_row(m, m.stats.error().message);
  auto parsed = parse_prometheus_text(*m.stats);
  if (!parsed) return dead_row(m, ".stats: " + parsed.error().message);
  const SampleIndex index(*parsed);
  const MetricSample* info = index.find("aoefs_mount_info");
  auto info_label = [&](const char* key) {
    if (!info || !info->labels.count(key)) return std::string("-");
    return sanitized(info->labels.at(key));
  };
  std::string all;
  auto setting = [&](const std::string& name) {
    const MetricSample* s = index.find("aoefs_setting", {{"name", name}});
    return s && s->labels.count("value") ? sanitized(s->labels.at("value")) : std::string("-");
  };
  for (const MetricSample* s : index.family("aoefs_setting"))
    if (s->labels.count("name") && s->labels.count("value"))
      all += (all.empty() ? "" : " ") + sanitized(s->labels.at("name")) + "=" +
             sanitized(s->labels.at("value"));
  std::size_t up = 0;
  for (const MetricSample* s : index.family("aoefs_target_up"))
    if (s->value > 0) ++up;
  std::string interfaces = info_label("interfaces");
  if (interfaces.empty()) interfaces = "-";
  return {printable(m.mount_point), "live",
          info_label("pid"),        interfaces,
          std::to_string(up),       std::to_string(index.targets().size()),
          setting("dead_timeout"),  setting("cache_size"),
          setting("read_only"),     info_label("version"),
          all.empty() ? "-" : all,  "-"};
}

}  // namespace

std::span<const ColumnSpec> list_columns() { return kColumns; }

std::string format_mount_list(const std::vector<MountSnapshot>& mounts, const TableFormat& format) {
  auto chosen = choose_columns(kColumns, format.columns);
  Table table("mounts", kColumns, chosen ? *chosen : std::vector<std::size_t>{0}, format);
  for (const auto& m : mounts) table.add_row(mount_row(m));
  if (mounts.empty() && !format.json) return "";
  return table.render();
}

int run_list_command(int argc, char** argv) {
  TableFormat format;
  unsigned wait_ms = 1000;
  std::vector<CliOption> options{wait_option(wait_ms)};
  options[0].help =
      "milliseconds a mount's daemon may take to answer\n(default 1000; then it is dead)";
  for (auto& o : table_options(format)) options.push_back(std::move(o));
  const CliCommand command{
      "list",
      "[OPTIONS]",
      "  lists every aoefs mount of this host, a line each: mount point, state,\n"
      "  pid, interfaces, targets up and in all, key settings (-o SETTINGS: all).\n"
      "  Exit status: 0 listed (also none), 2 usage.",
      std::move(options),
      {}};
  if (auto done = parse_cli(command, argc, argv)) return *done;
  if (auto done = settle_columns(command, kColumns, format)) return *done;
  std::vector<MountSnapshot> mounts;
  for (auto& point : aoefs_mount_points())
    mounts.push_back({point, read_stats_text_within(point, std::chrono::milliseconds(wait_ms))});
  const std::string out = format_mount_list(mounts, format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace aoefs
