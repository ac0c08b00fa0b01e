// The stats file's text (stats_report) read back by `aoefs stat`'s parser
// (prometheus_parse) and table (stat_command).
#include <catch2/catch.hpp>

#include <sstream>

#include "aoefs/cli/stat_table.hpp"
#include "aoefs/stats/metric_families.hpp"
#include "aoefs/stats/prometheus_parse.hpp"
#include "aoefs/stats/refused_answers.hpp"
#include "aoefs/stats/stats_report.hpp"
#include "aoefs/util/wire_text.hpp"

using namespace aoefs;

namespace {

TargetReport sample_target() {
  TargetReport t;
  t.name = "e1.0";
  t.info.address = {1, 0};
  t.info.up = true;
  t.info.capacity_sectors = 131072;
  t.info.model = "Coraid \"EtherDrive\" vblade";
  t.info.firmware = "V25";
  t.info.firmware_version = 0x4019;
  t.info.config_string = "aoefs-lock/1 host=a\\b\nx";
  t.info.paths = {{"aoe0", *aoe::MacAddress::parse("02:00:00:00:00:01"), {}}};
  t.stats.requests = 7;
  t.stats.bytes_read = 4096;
  t.stats.bytes_written = 1024;
  t.stats.retransmits = 3;
  t.stats.srtt = std::chrono::microseconds(250);
  t.stats.window = 16;
  t.lock_holder = "aoefs-lock/1 host=a";
  return t;
}

std::vector<MetricSample> parsed(const std::string& text) {
  auto p = parse_prometheus_text(text);
  REQUIRE(p);
  return *p;
}

}  // namespace

TEST_CASE("stats text round-trips through the parser, labels escaped") {
  aoe::LinkStats link;
  link.frames_received = 100;
  link.malformed = 2;
  link.unmatched = 5;
  cache::CacheStats cs;
  cs.hits = 11;
  const auto samples = parsed(render_stats({sample_target()}, link, cs));
  const std::map<std::string, std::string> e10{{"target", "e1.0"}};
  CHECK(find_sample(samples, "aoefs_target_up", e10) == 1);
  CHECK(find_sample(samples, "aoefs_target_capacity_bytes", e10) == 131072.0 * 512);
  CHECK(find_sample(samples, "aoefs_target_requests_total", e10) == 7);
  CHECK(find_sample(samples, "aoefs_target_read_bytes_total", e10) == 4096);
  CHECK(find_sample(samples, "aoefs_target_written_bytes_total", e10) == 1024);
  CHECK(find_sample(samples, "aoefs_target_retransmits_total", e10) == 3);
  CHECK(find_sample(samples, "aoefs_target_srtt_seconds", e10) == Approx(0.000250));
  CHECK(find_sample(samples, "aoefs_link_frames_malformed_total") == 2);
  CHECK(find_sample(samples, "aoefs_link_frames_unmatched_total") == 5);
  CHECK(find_sample(samples, "aoefs_cache_hits_total") == 11);
  CHECK(find_sample(samples, "aoefs_target_info",
                    {{"target", "e1.0"},
                     {"model", "Coraid \"EtherDrive\" vblade"},
                     {"paths", "aoe0/02:00:00:00:00:01"}}) == 1);
  // The IDENTIFY string under its old name and its new one; Query Config's number.
  CHECK(find_sample(samples, "aoefs_target_info",
                    {{"target", "e1.0"},
                     {"firmware", "V25"},
                     {"firmware_revision", "V25"},
                     {"firmware_version", "0x4019"}}) == 1);
  CHECK(find_sample(samples, "aoefs_target_config_info",
                    {{"target", "e1.0"}, {"config", "aoefs-lock/1 host=a\\\\b\\x0ax"}}) == 1);
  CHECK(find_sample(samples, "aoefs_target_lock_held",
                    {{"target", "e1.0"}, {"holder", "aoefs-lock/1 host=a"}}) == 1);
  CHECK_FALSE(find_sample(samples, "aoefs_target_up", {{"target", "e9.9"}}));
}

TEST_CASE("stats text without a cache has no cache families; every family has HELP and TYPE") {
  const std::string text = render_stats({sample_target()}, {}, std::nullopt);
  CHECK(text.find("aoefs_cache_") == std::string::npos);
  for (const auto& s : parsed(text)) {
    INFO(s.name);
    // A histogram's samples carry _bucket/_sum/_count after the family name.
    std::string family = s.name;
    if (text.find("# TYPE " + family + " ") == std::string::npos)
      for (const std::string suffix : {"_bucket", "_sum", "_count"})
        if (family.ends_with(suffix)) family.resize(family.size() - suffix.size());
    CHECK(text.find("# TYPE " + family + " ") != std::string::npos);
    CHECK(text.find("# HELP " + family + " ") != std::string::npos);
  }
}

TEST_CASE("other initiators' answers and refused answers: .stats and aoefs stat's link line") {
  aoe::LinkStats link;
  link.frames_received = 1000;
  link.unmatched = 125;
  link.foreign = 100;
  link.refused[static_cast<std::size_t>(aoe::RefusedAnswer::port)] = 2;
  link.refused[static_cast<std::size_t>(aoe::RefusedAnswer::lba)] = 18;
  const auto samples = parsed(render_stats({sample_target()}, link, std::nullopt));
  CHECK(find_sample(samples, "aoefs_link_frames_unmatched_total") == 125);
  CHECK(find_sample(samples, "aoefs_link_answers_foreign_total") == 100);
  // A sample for every reason, 0 included.
  std::size_t reasons = 0;
  for (const auto& s : samples)
    if (s.name == "aoefs_link_answers_refused_total") ++reasons;
  CHECK(reasons == aoe::kRefusedAnswerReasons);
  for (std::size_t i = 0; i < aoe::kRefusedAnswerReasons; ++i) {
    const std::string reason = refused_reason(i);
    INFO(reason);
    CHECK(find_sample(samples, "aoefs_link_answers_refused_total", {{"reason", reason}}) ==
          static_cast<double>(link.refused[i]));
  }
  CHECK(format_stat_table(samples).find(
            "\nlink: 1000 frames received, 0 malformed, 125 unmatched (100 from other "
            "initiators, 20 refused: lba 18, port 2)\n") != std::string::npos);
  aoe::LinkStats quiet;
  quiet.unmatched = quiet.foreign = 3;
  CHECK(("\n" + format_stat_table(parsed(render_stats({}, quiet, std::nullopt))))
            .find("\nlink: 0 frames received, 0 malformed, 3 unmatched (3 from other "
                  "initiators, 0 refused)\n") != std::string::npos);
  // The .stats of a daemon that does not count them: the line as it was.
  CHECK(("\n" + format_stat_table(parsed("aoefs_link_frames_unmatched_total 4\n")))
            .find("\nlink: 0 frames received, 0 malformed, 4 unmatched\n") != std::string::npos);
}

TEST_CASE("the parser names the bad line") {
  for (const char* bad : {"x{a=\"1\" 2\n", "x{a=1} 2\n", "x 1\n{bad} 2\n", "x\n", "x abc\n",
                          "x{a=\"unterminated} 1\n", "9x 1\n"}) {
    INFO(bad);
    auto p = parse_prometheus_text(bad);
    REQUIRE_FALSE(p);
    CHECK(p.error().message.rfind("line ", 0) == 0);
  }
  auto two = parse_prometheus_text("# HELP x y\n\nx 1\ny{a=\"\"} 2 1700000000\n");
  REQUIRE(two);
  CHECK(two->size() == 2);
}

TEST_CASE("aoefs stat's table has a row per target and the totals") {
  auto down = sample_target();
  down.name = "e2.1";
  down.info.up = false;
  down.lock_holder.reset();
  const std::string table =
      format_stat_table(parsed(render_stats({sample_target(), down}, {}, std::nullopt)));
  CHECK(table.rfind("TARGET ", 0) == 0);
  CHECK(table.find("\ne1.0 ") != std::string::npos);
  CHECK(table.find("\ne2.1 ") != std::string::npos);
  CHECK(table.find(" up ") != std::string::npos);
  CHECK(table.find(" down ") != std::string::npos);
  CHECK(table.find("64.0 MiB") != std::string::npos);
  CHECK(table.find(" 0.250 ") != std::string::npos);  // SRTT_MS
  CHECK(table.find("held") != std::string::npos);
  CHECK(table.find("cache: off") != std::string::npos);
  StatView paths;
  paths.format.columns = "TARGET,PATH_LIST";
  CHECK(format_stat_table(parsed(render_stats({sample_target()}, {}, std::nullopt)), paths)
            .find("aoe0/02:00:00:00:00:01") != std::string::npos);
}

TEST_CASE("strings off the wire reach neither .stats nor aoefs stat raw; conflicts are shown") {
  auto t = sample_target();
  t.info.config_string = "\x1b]0;owned\a\x1b[31mred";
  t.info.model = "m\x1b[2J";
  t.info.serial = "S\x07";
  t.info.conflicts = {{"aoe0", *aoe::MacAddress::parse("02:00:00:00:00:99"), "other\x1b[1m",
                       "OTHER\x07", "F9", 2048}};
  t.stats.conflicts = 1;
  t.stats.candidates = 2;
  t.stats.paths_refused = 5;
  aoe::LinkStats link;
  link.targets_refused = 9;
  const std::string text = render_stats({t}, link, std::nullopt);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  const auto samples = parsed(text);
  const std::map<std::string, std::string> e10{{"target", "e1.0"}};
  CHECK(find_sample(samples, "aoefs_target_conflicts_total", e10) == 1);
  CHECK(find_sample(samples, "aoefs_target_candidate_paths", e10) == 2);
  CHECK(find_sample(samples, "aoefs_target_paths_refused_total", e10) == 5);
  CHECK(find_sample(samples, "aoefs_link_targets_refused_total") == 9);
  CHECK(find_sample(samples, "aoefs_target_conflict_info",
                    {{"target", "e1.0"}, {"mac", "02:00:00:00:00:99"}, {"serial", "OTHER\\x07"}}) ==
        1);
  const std::string table = format_stat_table(samples);
  CHECK(table.find('\x1b') == std::string::npos);
  CHECK(table.find('\x07') == std::string::npos);
  CHECK(table.find("config string: \"\\x1b]0;owned\\x07\\x1b[31mred\"") != std::string::npos);
  CHECK(table.find("CONFLICT: aoe0 02:00:00:00:00:99") != std::string::npos);
  CHECK(table.find("targets refused (max_targets reached): 9") != std::string::npos);
  // Hostile bytes that reached .stats some other way are escaped by the table too.
  auto raw = samples;
  for (auto& s : raw)
    if (s.name == "aoefs_target_config_info") s.labels["config"] = "\x1b[31m";
  CHECK(format_stat_table(raw).find('\x1b') == std::string::npos);
}

TEST_CASE("a conflict says why: another identity, or the same identity with other sectors") {
  auto t = sample_target();
  const auto mac = *aoe::MacAddress::parse("02:00:00:00:00:98");
  t.info.conflicts = {
      {"aoe0", *aoe::MacAddress::parse("02:00:00:00:00:99"), "other", "OTHER", "F9", 2048},
      {"aoe1", mac, t.info.model, t.info.serial, "F1", 2048, true}};
  const auto samples = parsed(render_stats({t}, aoe::LinkStats{}, std::nullopt));
  CHECK(find_sample(samples, "aoefs_target_conflict_info",
                    {{"mac", "02:00:00:00:00:99"}, {"reason", "identity"}}) == 1);
  CHECK(find_sample(samples, "aoefs_target_conflict_info",
                    {{"mac", "02:00:00:00:00:98"}, {"reason", "content"}}) == 1);
  const std::string table = format_stat_table(samples);
  CHECK(table.find("CONFLICT: aoe0 02:00:00:00:00:99 is another disk") != std::string::npos);
  CHECK(table.find("CONFLICT: aoe1 02:00:00:00:00:98 has the same identity but other sectors") !=
        std::string::npos);
}

TEST_CASE("wire text: printable, quoted, sanitized") {
  CHECK(printable("plain text 1.0") == "plain text 1.0");
  CHECK(printable("a\\b\x1b[0m\xff") == "a\\\\b\\x1b[0m\\xff");
  CHECK(quoted("say \"hi\"\n") == "\"say \\\"hi\\\"\\x0a\"");
  CHECK(sanitized("already \\x1b escaped\x1b") == "already \\x1b escaped\\x1b");
}

TEST_CASE("stats text: the families of the one table, in its order; the cache's while it is on") {
  cache::CacheStats cs;
  cs.hits = 12;
  cs.read_ahead_wasted = 3;
  cs.bytes_held = 65536;
  const std::string text = render_stats({sample_target()}, {}, cs);
  CHECK(text.find("# TYPE aoefs_cache_hits_total counter\naoefs_cache_hits_total 12\n") !=
        std::string::npos);
  CHECK(text.find("aoefs_cache_read_ahead_wasted_total 3\n") != std::string::npos);
  CHECK(text.find("# TYPE aoefs_cache_held_bytes gauge\naoefs_cache_held_bytes 65536\n") !=
        std::string::npos);
  CHECK(text.find("aoefs_cache_misses_total 0\n") != std::string::npos);
  CHECK(text.back() == '\n');
  // Every HELP line names the next family of the table, and none is missing.
  std::vector<std::string> helped;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("# HELP ", 0) == 0) helped.push_back(line.substr(7, line.find(' ', 7) - 7));
  std::vector<std::string> table;
  for (const MetricFamily& f : metric_families()) {
    table.emplace_back(f.name);
    INFO(f.name);
    CHECK(text.find("# HELP " + std::string(f.name) + " " + std::string(f.help) + "\n# TYPE " +
                    std::string(f.name) + " " + std::string(metric_type_text(f.type)) + "\n") !=
          std::string::npos);
  }
  CHECK(helped == table);
  // Without the cache, exactly the others.
  const std::string off = render_stats({sample_target()}, {}, std::nullopt);
  for (const MetricFamily& f : metric_families()) {
    INFO(f.name);
    CHECK((off.find("# HELP " + std::string(f.name) + " ") != std::string::npos) ==
          (f.scope != MetricScope::cache));
  }
}

TEST_CASE("target state: up, waiting with how long and how many, down with why", "[outage]") {
  auto up = sample_target();
  auto waiting = sample_target();
  waiting.name = "e1.1";
  waiting.stats.waiting = 12;
  waiting.stats.unanswered_for = std::chrono::milliseconds(5500);
  auto down = sample_target();
  down.name = "e1.2";
  down.info.up = false;
  const auto text = render_stats({up, waiting, down}, {}, std::nullopt);
  for (const char* line :
       {"aoefs_target_state{target=\"e1.0\",state=\"up\",reason=\"\"} 1\n",
        "aoefs_target_state{target=\"e1.1\",state=\"waiting\",reason=\"no answer, retrying\"} 1\n",
        "aoefs_target_state{target=\"e1.2\",state=\"down\",reason=\"no answer within the dead "
        "timeout\"} 1\n",
        "aoefs_target_unanswered_seconds{target=\"e1.1\"} 5.500000\n",
        "aoefs_target_waiting_requests{target=\"e1.1\"} 12\n"}) {
    INFO(line);
    CHECK(text.find(line) != std::string::npos);
  }
  const auto table = format_stat_table(parsed(text));
  CHECK(table.find("\ne1.1   waiting ") != std::string::npos);
  CHECK(table.find("\ne1.2   down ") != std::string::npos);
}
