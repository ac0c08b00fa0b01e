// The pieces behind the CLI's tables: the sample index, libsmartcols
// output (columns, JSON, raw, terminal width), target patterns, the
// mountinfo reader, `aoefs list`'s rows, the settings as text, and the
// stray-argument check of the mount command line.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <set>

#include "aoefs/cli/list_command.hpp"
#include "aoefs/cli/mount_list.hpp"
#include "aoefs/cli/stat_table.hpp"
#include "aoefs/cli/stat_watch.hpp"
#include "aoefs/cli/table_output.hpp"
#include "aoefs/cli/target_filter.hpp"
#include "aoefs/settings/setting_keys.hpp"
#include "aoefs/settings/setting_text.hpp"
#include "aoefs/stats/sample_index.hpp"
#include "aoefs/stats/stats_report.hpp"
#include "command_line_args.hpp"

using namespace aoefs;

namespace {

std::vector<TargetReport> targets(int n) {
  std::vector<TargetReport> out;
  for (int i = 0; i < n; ++i) {
    TargetReport t;
    t.name = "e" + std::to_string(i / 10) + "." + std::to_string(i % 10);
    t.info.up = i % 3 != 0;
    t.info.capacity_sectors = 2048;
    t.stats.requests = static_cast<std::uint64_t>(i);
    t.stats.bytes_read = 1000u * static_cast<std::uint64_t>(i);
    out.push_back(t);
  }
  return out;
}

std::vector<MetricSample> parsed(const std::string& text) {
  auto p = parse_prometheus_text(text);
  REQUIRE(p);
  return *p;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("sample index: the same answers as a scan, per family and target", "[tables]") {
  const auto samples = parsed(render_stats(targets(30), {}, std::nullopt));
  const SampleIndex index(samples);
  REQUIRE(index.targets().size() == 30);
  CHECK(index.targets()[0] == "e0.0");
  CHECK(index.targets()[29] == "e2.9");
  for (const auto& t : index.targets()) {
    INFO(t);
    CHECK(index.value("aoefs_target_read_bytes_total", {{"target", t}}) ==
          find_sample(samples, "aoefs_target_read_bytes_total", {{"target", t}}));
    CHECK(index.value("aoefs_target_latency_seconds_bucket",
                      {{"target", t}, {"op", "write"}, {"le", "+Inf"}}) ==
          find_sample(samples, "aoefs_target_latency_seconds_bucket",
                      {{"target", t}, {"op", "write"}, {"le", "+Inf"}}));
  }
  CHECK(index.of_target("aoefs_target_latency_seconds_bucket", "e1.3").size() == 3 * 18);
  CHECK(index.family("aoefs_target_up").size() == 30);
  CHECK_FALSE(index.value("aoefs_target_up", {{"target", "e9.9"}}));
  CHECK_FALSE(index.value("no_such_family"));
  CHECK(index.label("aoefs_target_flush_info", "e0.1", "flush") == "28");
}

TEST_CASE("stat's STATE: the daemon's state label where .stats has one", "[tables]") {
  const auto samples = parsed(
      "aoefs_target_up{target=\"e1.0\"} 1\n"
      "aoefs_target_up{target=\"e1.1\"} 0\n"
      "aoefs_target_up{target=\"e1.2\"} 1\n"
      "aoefs_target_state{target=\"e1.2\",state=\"waiting\",reason=\"no answer, retrying\"} 1\n");
  const SampleIndex index(samples);
  CHECK(target_state(index, "e1.0") == "up");
  CHECK(target_state(index, "e1.1") == "down");
  CHECK(target_state(index, "e1.2") == "waiting");
  StatView view;
  view.format.columns = "TARGET,STATE,REASON";
  CHECK(format_stat_table(samples, view).find("e1.2   waiting no answer, retrying") !=
        std::string::npos);
}

TEST_CASE("stat table: a row per target, -o, --json, --raw, patterns, --active", "[tables]") {
  const auto samples = parsed(render_stats(targets(12), {}, std::nullopt));
  StatView view;
  const auto plain = lines(format_stat_table(samples, view));
  CHECK(plain[0].starts_with("TARGET "));
  CHECK(plain[1].starts_with("e0.0 "));
  CHECK(plain[12].starts_with("e1.1 "));
  CHECK(plain[13].starts_with("link: "));

  view.format.columns = "TARGET,STATE,READ";
  view.format.bytes = true;
  const auto picked = lines(format_stat_table(samples, view));
  CHECK(picked[0] == "TARGET STATE  READ");
  CHECK(picked[2] == "e0.1   up     1000");
  CHECK(picked[1] == "e0.0   down      0");

  view.format.raw = true;
  view.format.noheadings = true;
  REQUIRE(view.filter.add("e1\\..*"));
  const auto raw = lines(format_stat_table(samples, view));
  REQUIRE(raw.size() == 2);  // e1.0 and e1.1, no header, no notes
  CHECK(raw[0] == "e1.0 up 10000");

  StatView json;
  json.format.json = true;
  json.format.columns = "TARGET,REQUESTS,SIZE";
  REQUIRE(json.filter.add("e0.1"));
  REQUIRE(json.filter.add("e0.2"));
  json.active_only = true;
  const std::string text = format_stat_table(samples, json);
  CHECK(text.find("\"targets\": [") != std::string::npos);
  CHECK(text.find("\"target\": \"e0.1\"") != std::string::npos);
  CHECK(text.find("\"requests\": 1") != std::string::npos);
  CHECK(text.find("\"size\": \"1.0 MiB\"") != std::string::npos);  // not --bytes: a string
  CHECK(text.find("link:") == std::string::npos);

  json.active_only = false;
  json.filter = TargetFilter();
  REQUIRE(json.filter.add("e0\\.0"));
  CHECK(format_stat_table(samples, json).find("\"requests\": 0") != std::string::npos);
  json.active_only = true;  // e0.0 never had a request
  CHECK(format_stat_table(samples, json).find("e0.0") == std::string::npos);
}

TEST_CASE("table options: columns chosen, unknown ones refused, listed", "[tables]") {
  const auto columns = stat_columns();
  auto defaults = choose_columns(columns, std::nullopt);
  REQUIRE(defaults);
  CHECK(defaults->size() == 10);
  auto more = choose_columns(columns, std::string("+model,Serial"));
  REQUIRE(more);
  CHECK(more->size() == 12);
  auto bad = choose_columns(columns, std::string("TARGET,NOPE"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "unknown column 'NOPE' (--list-columns lists them)");
  CHECK_FALSE(choose_columns(columns, std::string(",")));
  const std::string help = columns_help(columns);
  CHECK(help.find("* TARGET ") != std::string::npos);
  CHECK(help.find("  PATH_LIST ") != std::string::npos);
  CHECK(help.find("28 = FLUSH CACHE (E7h") != std::string::npos);
}

TEST_CASE("tables fit a terminal: default columns within 80, watch widths fixed", "[tables]") {
  auto many = targets(3);
  many[1].info.model = std::string(200, 'm');
  const auto samples = parsed(render_stats(many, {}, std::nullopt));
  StatView view;
  view.format.terminal_width = 80;
  for (const auto& line : lines(format_stat_table(samples, view))) {
    if (line.starts_with("link:") || line.starts_with("cache:")) continue;
    CHECK(line.size() <= 80);
  }
  // A long column chosen is cut at the terminal's width.
  view.format.columns = "+MODEL";
  for (const auto& line : lines(format_stat_table(samples, view)))
    if (line.starts_with("e0.1")) CHECK(line.size() <= 80);

  // --watch: the same widths whatever the numbers, 80 characters at most.
  WatchInterval quiet, busy;
  WatchRow r;
  r.target = "e1.0";
  quiet.targets.push_back(r);
  r.read_iops = 123456.7;
  r.read_mb_per_s = 9876.54;
  r.read_p50 = 0.000883;
  r.read_p99 = 4.9;
  r.outstanding = 16;
  busy.targets.push_back(r);
  const auto a = lines(format_watch_interval(quiet, "t"));
  const auto b = lines(format_watch_interval(busy, "t"));
  REQUIRE(a.size() == b.size());
  CHECK(a[1] == b[1]);  // the header
  CHECK(a[2].size() == b[2].size());
  CHECK(b[2].size() <= 80);
  CHECK(b[2].find(" 0.883 ") != std::string::npos);  // ms, one unit per column
  CHECK(b[2].find(" 4900.0 ") != std::string::npos);
  StatView active;
  active.active_only = true;
  CHECK(lines(format_watch_interval(quiet, "t", active)).size() == 3);  // time, cache, blank
}

TEST_CASE("target patterns: whole names, extended regular expressions", "[tables]") {
  TargetFilter all;
  CHECK(all.accepts("e1.0"));
  TargetFilter f;
  REQUIRE(f.add("e1\\.[0-3]"));
  REQUIRE(f.add("e7.7"));
  CHECK(f.accepts("e1.2"));
  CHECK_FALSE(f.accepts("e1.4"));
  CHECK_FALSE(f.accepts("e11.2"));  // whole names only
  CHECK(f.accepts("e7.7"));
  CHECK_FALSE(f.accepts("xe7.7"));
  auto bad = f.add("e1.(");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.starts_with("'e1.(' is not a regular expression: "));
}

TEST_CASE("mountinfo: the fuse.aoefs mounts, escapes undone", "[tables]") {
  const std::string info =
      "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
      "90 30 0:50 / /mnt/aoe rw,nosuid,nodev,relatime shared:80 - fuse.aoefs aoefs "
      "rw,user_id=0,group_id=0\n"
      "91 30 0:51 / /tmp/with\\040space rw master:1 shared:2 - fuse.aoefs aoefs rw\n"
      "92 30 0:52 / /mnt/other rw - fuse.sshfs host: rw\n"
      "broken line\n";
  const auto points = aoefs_mount_points(info);
  REQUIRE(points.size() == 2);
  CHECK(points[0] == "/mnt/aoe");
  CHECK(points[1] == "/tmp/with space");
}

TEST_CASE("aoefs list: live mounts from .stats, dead ones with why", "[tables]") {
  Settings s;
  s.dead_timeout = std::chrono::milliseconds(7500);
  MountReport report{"/mnt/a", {"aoe0", "aoe1"}, "0.1.0", 4242, setting_texts(s)};
  const std::string stats = render_stats(targets(4), {}, std::nullopt, {}, report);
  std::vector<MountSnapshot> mounts{{"/mnt/a", stats},
                                    {"/mnt/b", Error{"Transport endpoint is not connected"}}};
  TableFormat format;
  const auto out = lines(format_mount_list(mounts, format));
  REQUIRE(out.size() == 3);
  CHECK(out[0].starts_with("MOUNT "));
  CHECK(out[1].find(" live ") != std::string::npos);
  CHECK(out[1].find(" 4242 ") != std::string::npos);
  CHECK(out[1].find(" aoe0:aoe1 ") != std::string::npos);
  CHECK(out[1].find(" 2 ") != std::string::npos);  // up: e0.1, e0.2
  CHECK(out[1].find(" 7.5 ") != std::string::npos);
  CHECK(out[1].find(" 64M ") != std::string::npos);
  CHECK(out[2].starts_with("/mnt/b "));
  CHECK(out[2].find(" dead ") != std::string::npos);
  format.columns = "MOUNT,ERROR";
  CHECK(format_mount_list(mounts, format).find("Transport endpoint is not connected") !=
        std::string::npos);
  format.columns = "MOUNT,SETTINGS";
  CHECK(format_mount_list(mounts, format).find("dead_timeout=7.5") != std::string::npos);
  TableFormat json;
  json.json = true;
  CHECK(format_mount_list({}, json).find("\"mounts\": [") != std::string::npos);
  CHECK(format_mount_list({}, format).empty());
}

TEST_CASE("settings as text: every key, each value read back the same", "[tables]") {
  Settings s;
  s.interfaces = {"eth1", "eth2"};
  s.dead_timeout = std::chrono::milliseconds(2500);
  s.cache_size = 3ull << 30;
  s.cache_block_size = 4096 + 512;
  s.umask = 022;
  s.uid = 1000;
  s.read_only = true;
  s.log_level = LogLevel::warning;
  s.metrics_listen = ListenAddress{"::1", 9101};
  const auto texts = setting_texts(s);
  std::set<std::string> names;
  Settings back;
  back.cache_size = 0;  // what the text sets, and only that
  for (const auto& [name, value] : texts) {
    INFO(name << "=" << value);
    names.insert(name);
    CHECK(value != "?");
    if (value.empty()) continue;  // left to its default
    const KeyInfo* key = find_key(name);
    REQUIRE(key);
    CHECK(key->apply(back, value));
  }
  CHECK(names.size() == all_keys().size());
  back.gid = s.gid;  // "" (the mounting user's group): not applied
  CHECK(back == s);
  const std::map<std::string, std::string> by_name(texts.begin(), texts.end());
  CHECK(by_name.at("dead_timeout") == "2.5");
  CHECK(by_name.at("cache_size") == "3G");
  CHECK(by_name.at("cache_block_size") == "4608");
  CHECK(by_name.at("umask") == "0022");
  CHECK(by_name.at("interfaces") == "eth1:eth2");
  CHECK(by_name.at("metrics_listen") == "[::1]:9101");
  CHECK(by_name.at("gid").empty());
}

TEST_CASE("mount command line: a stray argument after the mount point is named", "[tables]") {
  char dir[] = "/tmp/aoefs-stray.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  auto r = parse_args({"-f", dir, "e1.0"});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("unexpected argument 'e1.0' after the mount point") !=
        std::string::npos);
  auto fstab = parse_args({"aoefs", dir});  // SOURCE MOUNTPOINT, as mount.fuse3 passes them
  REQUIRE(fstab);
  CHECK(fstab->mountpoint == dir);
  ::rmdir(dir);
}
