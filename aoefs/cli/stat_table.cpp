#include "aoefs/cli/stat_table.hpp"

#include <cstdio>

#include "aoefs/stats/refused_answers.hpp"
#include "aoefs/stats/sample_index.hpp"
#include "aoefs/util/human_size.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

constexpr auto text = CellKind::text;
constexpr auto number = CellKind::number;
constexpr auto size = CellKind::size;

// The order of the cells of a row (stat_row) is the order of this table.
constexpr ColumnSpec kColumns[] = {
    {"TARGET", "the target, e<shelf>.<slot>", text, true},
    {"STATE",
     "up, waiting (requests unanswered, retrying) or down (no answer within dead_timeout), as "
     ".stats says (aoefs_target_state; else aoefs_target_up)",
     text, true, 0, true},
    {"SIZE", "capacity", size, true},
    {"READ", "bytes read since the mount", size, true},
    {"WRITTEN", "bytes written and acknowledged since the mount", size, true},
    {"REXMIT", "frames sent again, for any reason", number, true},
    {"ERRORS", "operations that failed", number, true},
    {"SRTT_MS", "smoothed round-trip time, milliseconds", number, true},
    {"PATHS", "paths in use (interface and target port)", number, true},
    {"LOCK", "held: this mount holds the target's flock lock", text, true},
    {"REQUESTS", "read, write and flush operations started", number},
    {"DUP", "late answers to frames already answered or sent again", number},
    {"RTTVAR_MS", "round-trip time deviation, milliseconds", number},
    {"WINDOW", "congestion window, frames", number},
    {"OUT", "frames in flight now", number},
    {"CONFLICTS", "ports claiming the address that are another disk (never used)", number},
    {"BUFFERS", "frames the target can buffer (Query Config)", number},
    {"SPF", "sectors per frame", number},
    {"FLUSH",
     "how fsync reaches the disk: ext = ATA FLUSH CACHE EXT (EAh), 28 = FLUSH CACHE (E7h, the "
     "28-bit command), none (why)",
     text, false, 0, true},
    {"MODEL", "model (IDENTIFY)", text, false, 0, true},
    {"SERIAL", "serial number (IDENTIFY)", text, false, 0, true},
    {"CONFIG", "the config string", text, false, 0, true},
    {"PATH_LIST", "the paths, interface/MAC", text, false, 0, false, true},
    {"REASON", "why the target is not up, as .stats says", text, false, 0, true},
};

std::string count_text(double v) { return std::to_string(static_cast<unsigned long long>(v)); }

std::string millis_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds * 1e3);
  return buf;
}

std::string size_text(double bytes, bool in_bytes) {
  const auto b = static_cast<std::uint64_t>(bytes);
  return in_bytes ? std::to_string(b) : human_size(b);
}

std::size_t words(const std::string& s) {
  std::size_t n = 0;
  bool in_word = false;
  for (const char c : s) {
    if (c != ' ' && !in_word) ++n;
    in_word = c != ' ';
  }
  return n;
}

std::vector<std::string> stat_row(const SampleIndex& index, const std::string& t, bool bytes) {
  auto value = [&](const char* metric) { return index.value(metric, {{"target", t}}).value_or(0); };
  auto label = [&](const char* metric, const char* key) {
    return sanitized(index.label(metric, t, key));
  };
  const std::string paths = label("aoefs_target_info", "paths");
  const std::string model = label("aoefs_target_info", "model");
  const std::string serial = label("aoefs_target_info", "serial");
  const std::string reason = label("aoefs_target_state", "reason");
  return {sanitized(t),
          target_state(index, t),
          size_text(value("aoefs_target_capacity_bytes"), bytes),
          size_text(value("aoefs_target_read_bytes_total"), bytes),
          size_text(value("aoefs_target_written_bytes_total"), bytes),
          count_text(value("aoefs_target_retransmits_total")),
          count_text(value("aoefs_target_errors_total")),
          millis_text(value("aoefs_target_srtt_seconds")),
          std::to_string(words(paths)),
          value("aoefs_target_lock_held") > 0 ? "held" : "-",
          count_text(value("aoefs_target_requests_total")),
          count_text(value("aoefs_target_duplicates_total")),
          millis_text(value("aoefs_target_rttvar_seconds")),
          count_text(value("aoefs_target_window_frames")),
          count_text(value("aoefs_target_outstanding_frames")),
          count_text(value("aoefs_target_conflicts_total")),
          count_text(value("aoefs_target_buffers")),
          count_text(value("aoefs_target_sectors_per_frame")),
          label("aoefs_target_flush_info", "flush"),
          model.empty() ? "-" : model,
          serial.empty() ? "-" : serial,
          label("aoefs_target_config_info", "config"),
          paths.empty() ? "-" : paths,
          reason.empty() ? "-" : reason};
}

// " (F from other initiators, R refused: lba 18, port 2)": what of the
// unmatched frames were other initiators' answers (normal when another
// initiator shares the segment or NIC) and what was refused; "" for the
// .stats of a daemon that does not count them.
std::string unmatched_detail(const SampleIndex& index) {
  const auto foreign = index.value("aoefs_link_answers_foreign_total");
  if (!foreign) return "";
  RefusedCounts refused{};
  for (std::size_t i = 0; i < refused.size(); ++i)
    refused[i] = static_cast<std::uint64_t>(
        index.value("aoefs_link_answers_refused_total", {{"reason", refused_reason(i)}})
            .value_or(0));
  std::string out = " (" + count_text(*foreign) + " from other initiators, " +
                    std::to_string(refused_total(refused)) + " refused";
  if (refused_total(refused) > 0) out += ": " + refused_reasons_text(refused);
  return out + ")";
}

// The lines under the text table: what a target's row cannot hold.
std::string target_notes(const SampleIndex& index, const std::string& t) {
  std::string out;
  const std::string config = sanitized(index.label("aoefs_target_config_info", t, "config"));
  if (!config.empty()) out += sanitized(t) + " config string: \"" + config + "\"\n";
  for (const MetricSample* s : index.of_target("aoefs_target_conflict_info", t)) {
    auto get = [&](const char* key) {
      return s->labels.count(key) ? sanitized(s->labels.at(key)) : std::string("?");
    };
    const bool same_identity = s->labels.count("reason") && s->labels.at("reason") == "content";
    out += sanitized(t) + " CONFLICT: " + get("interface") + " " + get("mac") +
           (same_identity ? " has the same identity but other sectors"
                          : " is another disk with the same address") +
           " (model \"" + get("model") + "\", serial \"" + get("serial") + "\"); not used\n";
  }
  return out;
}

std::string mount_notes(const SampleIndex& index) {
  std::string out;
  const double refused = index.value("aoefs_link_targets_refused_total").value_or(0);
  if (refused > 0) out += "targets refused (max_targets reached): " + count_text(refused) + "\n";
  const double evicted = index.value("aoefs_link_addresses_evicted_total").value_or(0);
  if (evicted > 0)
    out +=
        "addresses forgotten (answered discovery, never IDENTIFY): " + count_text(evicted) + "\n";
  auto total = [&](const char* metric) { return count_text(index.value(metric).value_or(0)); };
  out += "link: " + total("aoefs_link_frames_received_total") + " frames received, " +
         total("aoefs_link_frames_malformed_total") + " malformed, " +
         total("aoefs_link_frames_unmatched_total") + " unmatched" + unmatched_detail(index) + "\n";
  if (index.value("aoefs_cache_hits_total")) {
    out +=
        "cache: " + total("aoefs_cache_hits_total") + " hits, " +
        total("aoefs_cache_misses_total") + " misses, read-ahead " +
        total("aoefs_cache_read_ahead_used_total") + " used of " +
        total("aoefs_cache_read_ahead_issued_total") + " issued, " +
        total("aoefs_cache_evictions_total") + " evictions, " +
        human_size(static_cast<std::uint64_t>(index.value("aoefs_cache_held_bytes").value_or(0))) +
        " held\n";
  } else {
    out += "cache: off\n";
  }
  return out;
}

}  // namespace

std::span<const ColumnSpec> stat_columns() { return kColumns; }

std::string target_state(const SampleIndex& index, const std::string& target) {
  // The daemon's word where it gives one (up, waiting, down; the REASON
  // column has its why); a daemon without that family: its up gauge.
  const std::string state = index.label("aoefs_target_state", target, "state");
  if (!state.empty()) return sanitized(state);
  const MetricSample* up = index.find("aoefs_target_up", {{"target", target}});
  return up && up->value > 0 ? "up" : "down";
}

std::string format_stat_table(const std::vector<MetricSample>& samples, const StatView& view) {
  const SampleIndex index(samples);
  auto chosen = choose_columns(kColumns, view.format.columns);
  Table table("targets", kColumns, chosen ? *chosen : std::vector<std::size_t>{0}, view.format);
  std::vector<std::string> shown;
  for (const auto& t : index.targets()) {
    if (!view.filter.accepts(t)) continue;
    if (view.active_only &&
        index.value("aoefs_target_requests_total", {{"target", t}}).value_or(0) <= 0)
      continue;
    table.add_row(stat_row(index, t, view.format.bytes));
    shown.push_back(t);
  }
  std::string out = table.render();
  if (view.format.json || view.format.raw) return out;
  for (const auto& t : shown) out += target_notes(index, t);
  return out + mount_notes(index);
}

}  // namespace aoefs
