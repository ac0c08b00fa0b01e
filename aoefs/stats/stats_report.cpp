#include "aoefs/stats/stats_report.hpp"

#include <cstdio>

#include "cache/stats_text.hpp"

namespace aoefs {
namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string seconds_text(std::chrono::microseconds us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(us.count()) / 1e6);
  return buf;
}

std::string paths_text(const aoe::TargetInfo& info) {
  std::string out;
  for (const auto& p : info.paths) {
    if (!out.empty()) out += ' ';
    out += p.interface + "/" + p.mac.to_string();
  }
  return out;
}

// One metric family: its HELP and TYPE lines, then one sample per target.
class Family {
 public:
  Family(std::string& out, const char* name, const char* type, const char* help)
      : out_(out), name_(name) {
    out_ += std::string("# HELP ") + name + " " + help + "\n";
    out_ += std::string("# TYPE ") + name + " " + type + "\n";
  }
  void sample(const std::string& labels, const std::string& value) {
    out_ += name_;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += " " + value + "\n";
  }
  void sample(const std::string& labels, std::uint64_t value) { sample(labels, std::to_string(value)); }

 private:
  std::string& out_;
  const char* name_;
};

std::string target_label(const TargetReport& t) { return "target=\"" + escape_label(t.name) + "\""; }

}  // namespace

std::string render_stats(const std::vector<TargetReport>& targets, const aoe::LinkStats& link,
                         const std::optional<cache::CacheStats>& cache) {
  std::string out;
  {
    Family f(out, "aoefs_target_info", "gauge", "Target identity from IDENTIFY and discovery (value 1).");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",model=\"" + escape_label(t.info.model) + "\",serial=\"" +
                   escape_label(t.info.serial) + "\",firmware=\"" + escape_label(t.info.firmware) +
                   "\",paths=\"" + escape_label(paths_text(t.info)) + "\"",
               1);
  }
  struct Gauge {
    const char* name;
    const char* type;
    const char* help;
    std::string (*value)(const TargetReport&);
  };
  static const Gauge per_target[] = {
      {"aoefs_target_up", "gauge", "1 while the target answers, 0 after the dead timeout.",
       [](const TargetReport& t) { return std::to_string(t.info.up ? 1 : 0); }},
      {"aoefs_target_capacity_bytes", "gauge", "Capacity of the target.",
       [](const TargetReport& t) { return std::to_string(t.info.capacity_sectors * 512); }},
      {"aoefs_target_buffer_count", "gauge", "Frames the target can buffer (Query Config).",
       [](const TargetReport& t) { return std::to_string(t.info.buffer_count); }},
      {"aoefs_target_sectors_per_frame", "gauge", "Sectors carried per frame.",
       [](const TargetReport& t) { return std::to_string(t.info.sectors_per_frame); }},
      {"aoefs_target_requests_total", "counter", "Read, write and flush operations started.",
       [](const TargetReport& t) { return std::to_string(t.stats.requests); }},
      {"aoefs_target_frames_sent_total", "counter", "Frames sent, retransmissions included.",
       [](const TargetReport& t) { return std::to_string(t.stats.frames_sent); }},
      {"aoefs_target_frames_received_total", "counter", "Answers received and matched.",
       [](const TargetReport& t) { return std::to_string(t.stats.frames_received); }},
      {"aoefs_target_read_bytes_total", "counter", "Bytes read from the target.",
       [](const TargetReport& t) { return std::to_string(t.stats.bytes_read); }},
      {"aoefs_target_written_bytes_total", "counter", "Bytes written and acknowledged.",
       [](const TargetReport& t) { return std::to_string(t.stats.bytes_written); }},
      {"aoefs_target_retransmits_total", "counter", "Frames sent again after a timeout.",
       [](const TargetReport& t) { return std::to_string(t.stats.retransmits); }},
      {"aoefs_target_duplicates_total", "counter", "Answers to frames already answered or retransmitted.",
       [](const TargetReport& t) { return std::to_string(t.stats.duplicates); }},
      {"aoefs_target_errors_total", "counter", "Operations that failed.",
       [](const TargetReport& t) { return std::to_string(t.stats.errors); }},
      {"aoefs_target_srtt_seconds", "gauge", "Smoothed round-trip time.",
       [](const TargetReport& t) { return seconds_text(t.stats.srtt); }},
      {"aoefs_target_rttvar_seconds", "gauge", "Round-trip time deviation.",
       [](const TargetReport& t) { return seconds_text(t.stats.rttvar); }},
      {"aoefs_target_window_frames", "gauge", "Congestion window: frames allowed in flight.",
       [](const TargetReport& t) { return std::to_string(t.stats.window); }},
      {"aoefs_target_outstanding_frames", "gauge", "Frames in flight now.",
       [](const TargetReport& t) { return std::to_string(t.stats.outstanding); }},
  };
  for (const auto& g : per_target) {
    Family f(out, g.name, g.type, g.help);
    for (const auto& t : targets) f.sample(target_label(t), g.value(t));
  }
  {
    Family f(out, "aoefs_target_config_info", "gauge", "The target's config string as last seen (value 1).");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",config=\"" + escape_label(t.info.config_string) + "\"", 1);
  }
  {
    Family f(out, "aoefs_target_lock_held", "gauge", "1 while this mount holds the target's lock.");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",holder=\"" + escape_label(t.lock_holder.value_or("")) + "\"",
               t.lock_holder ? 1 : 0);
  }
  Family(out, "aoefs_link_frames_received_total", "counter", "AoE frames received on every interface.")
      .sample("", link.frames_received);
  Family(out, "aoefs_link_frames_malformed_total", "counter", "Frames that failed to decode.")
      .sample("", link.malformed);
  Family(out, "aoefs_link_announcements_total", "counter",
         "Targets announcing their start (version-0 Query Config answers, as vblade sends).")
      .sample("", link.announcements);
  Family(out, "aoefs_link_frames_unmatched_total", "counter",
         "Well-formed answers that matched no request (tag, MAC, address, command).")
      .sample("", link.unmatched);
  if (cache) out += cache::to_prometheus_text(*cache);
  return out;
}

}  // namespace aoefs
