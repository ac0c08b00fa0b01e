#include "aoefs/stats/stats_report.hpp"

#include <cstdio>
#include <utility>

#include "aoefs/stats/refused_answers.hpp"
#include "aoefs/util/wire_text.hpp"
#include "cache/stats_text.hpp"

namespace aoefs {
namespace {

// Strings off the wire go through printable() first: `cat .stats` must not
// hand a forged config string's escape sequences to a terminal.
std::string wire_label(const std::string& value);

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string wire_label(const std::string& value) { return escape_label(printable(value)); }

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
  void sample(const std::string& labels, std::uint64_t value) {
    sample(labels, std::to_string(value));
  }

 private:
  std::string& out_;
  const char* name_;
};

// The _bucket (one per bound, then +Inf), _sum and _count lines of one
// labelled histogram; the family's HELP/TYPE lines come first from Family.
void histogram_samples(std::string& out, const std::string& labels,
                       const aoe::LatencyHistogram& h) {
  const std::string name = "aoefs_target_latency_seconds";
  for (std::size_t i = 0; i < aoe::LatencyHistogram::kBuckets; ++i)
    out += name + "_bucket{" + labels + ",le=\"" +
           seconds_text(std::chrono::microseconds(aoe::LatencyHistogram::kBoundsMicros[i])) +
           "\"} " + std::to_string(h.cumulative(i)) + "\n";
  out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count()) + "\n";
  out += name + "_sum{" + labels + "} " + seconds_text(std::chrono::microseconds(h.sum_micros())) +
         "\n";
  out += name + "_count{" + labels + "} " + std::to_string(h.count()) + "\n";
}

std::string target_label(const TargetReport& t) {
  return "target=\"" + escape_label(t.name) + "\"";
}

}  // namespace

std::string render_stats(const std::vector<TargetReport>& targets, const aoe::LinkStats& link,
                         const std::optional<cache::CacheStats>& cache,
                         const WritePathStats& writes) {
  std::string out;
  {
    Family f(out, "aoefs_target_info", "gauge",
             "Target identity from IDENTIFY and discovery (value 1).");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",model=\"" + wire_label(t.info.model) + "\",serial=\"" +
                   wire_label(t.info.serial) + "\",firmware=\"" + wire_label(t.info.firmware) +
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
      {"aoefs_target_buffers", "gauge", "Frames the target can buffer (Query Config).",
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
      {"aoefs_target_retransmits_total", "counter", "Frames sent again, for any reason.",
       [](const TargetReport& t) { return std::to_string(t.stats.retransmits); }},
      {"aoefs_target_retransmits_timeout_total", "counter",
       "Frames sent again after their timeout.",
       [](const TargetReport& t) { return std::to_string(t.stats.retransmits_timeout); }},
      {"aoefs_target_retransmits_fast_total", "counter",
       "Frames sent again because later frames were answered (reorder suspicion).",
       [](const TargetReport& t) { return std::to_string(t.stats.retransmits_fast); }},
      {"aoefs_target_retransmits_spurious_total", "counter",
       "Retransmissions later proven unneeded: the earlier copy was answered.",
       [](const TargetReport& t) { return std::to_string(t.stats.retransmits_spurious); }},
      {"aoefs_target_reorder_threshold", "gauge",
       "Later answers after which an unanswered frame is taken as lost.",
       [](const TargetReport& t) { return std::to_string(t.stats.reorder_threshold); }},
      {"aoefs_target_frame_size_fallbacks_total", "counter",
       "Times a path lost full-size frames (jumbo black hole) and fell back to small ones.",
       [](const TargetReport& t) { return std::to_string(t.stats.frame_size_fallbacks); }},
      {"aoefs_target_frame_size_restores_total", "counter",
       "Times a probe found full-size frames carried again.",
       [](const TargetReport& t) { return std::to_string(t.stats.frame_size_restores); }},
      {"aoefs_target_flushes_without_frame_total", "counter",
       "Flushes completed on write acknowledgements alone (flush mode none).",
       [](const TargetReport& t) { return std::to_string(t.stats.flushes_without_frame); }},
      {"aoefs_target_flush_odd_status_total", "counter",
       "Flush answers taken as success despite a nonsense status (ERR clear, error 0).",
       [](const TargetReport& t) { return std::to_string(t.stats.flush_odd_status); }},
      {"aoefs_target_duplicates_total", "counter",
       "Answers to frames already answered or retransmitted.",
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
      {"aoefs_target_conflicts_total", "counter",
       "Ports that claimed this address but whose IDENTIFY is another disk (never used).",
       [](const TargetReport& t) { return std::to_string(t.stats.conflicts); }},
      {"aoefs_target_candidate_paths", "gauge", "Ports not yet confirmed by IDENTIFY (no I/O).",
       [](const TargetReport& t) { return std::to_string(t.stats.candidates); }},
      {"aoefs_target_paths_dropped_total", "counter",
       "Paths and candidates dropped after path_timeout without an answer.",
       [](const TargetReport& t) { return std::to_string(t.stats.paths_dropped); }},
      {"aoefs_target_paths_refused_total", "counter", "New ports ignored: max_paths reached.",
       [](const TargetReport& t) { return std::to_string(t.stats.paths_refused); }},
  };
  for (const auto& g : per_target) {
    Family f(out, g.name, g.type, g.help);
    for (const auto& t : targets) f.sample(target_label(t), g.value(t));
  }
  {
    Family f(out, "aoefs_target_latency_seconds", "histogram",
             "Time from start to successful completion of reads, writes and flushes.");
    for (const auto& t : targets) {
      const std::pair<const char*, const aoe::LatencyHistogram*> ops[] = {
          {"read", &t.stats.latency.read},
          {"write", &t.stats.latency.write},
          {"flush", &t.stats.latency.flush}};
      for (const auto& [op, h] : ops)
        histogram_samples(out, target_label(t) + ",op=\"" + op + "\"", *h);
    }
  }
  {
    Family f(out, "aoefs_target_config_info", "gauge",
             "The target's config string as last seen (value 1).");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",config=\"" + wire_label(t.info.config_string) + "\"", 1);
  }
  {
    Family f(out, "aoefs_target_conflict_info", "gauge",
             "A port claiming the target's address with another disk's IDENTIFY (value 1).");
    for (const auto& t : targets)
      for (const auto& c : t.info.conflicts)
        f.sample(target_label(t) + ",interface=\"" + escape_label(c.interface) + "\",mac=\"" +
                     c.mac.to_string() + "\",model=\"" + wire_label(c.model) + "\",serial=\"" +
                     wire_label(c.serial) + "\",capacity_bytes=\"" +
                     std::to_string(c.capacity_sectors * 512) + "\"",
                 1);
  }
  {
    Family sent(out, "aoefs_path_frames_sent_total", "counter",
                "Frames sent on one path of the target (since it became a path).");
    for (const auto& t : targets)
      for (const auto& p : t.stats.paths)
        sent.sample(target_label(t) + ",interface=\"" + escape_label(p.interface) + "\",mac=\"" +
                        p.mac.to_string() + "\"",
                    p.frames_sent);
  }
  {
    Family answered(out, "aoefs_path_answers_total", "counter",
                    "Answers that came on one path of the target (since it became a path).");
    for (const auto& t : targets)
      for (const auto& p : t.stats.paths)
        answered.sample(target_label(t) + ",interface=\"" + escape_label(p.interface) +
                            "\",mac=\"" + p.mac.to_string() + "\"",
                        p.answers);
  }
  {
    Family f(out, "aoefs_target_flush_info", "gauge",
             "How the target makes acknowledged writes durable (value 1).");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",flush=\"" +
                   escape_label(std::string(aoe::flush_mode_text(t.info.flush_mode))) + "\"",
               1);
  }
  {
    Family f(out, "aoefs_target_lock_held", "gauge", "1 while this mount holds the target's lock.");
    for (const auto& t : targets)
      f.sample(target_label(t) + ",holder=\"" + escape_label(t.lock_holder.value_or("")) + "\"",
               t.lock_holder ? 1 : 0);
  }
  Family(out, "aoefs_link_frames_received_total", "counter",
         "AoE frames received on every interface.")
      .sample("", link.frames_received);
  Family(out, "aoefs_link_frames_malformed_total", "counter", "Frames that failed to decode.")
      .sample("", link.malformed);
  Family(out, "aoefs_link_announcements_total", "counter",
         "Targets announcing their start (version-0 Query Config answers, as vblade sends).")
      .sample("", link.announcements);
  Family(out, "aoefs_link_frames_unmatched_total", "counter",
         "Well-formed frames that completed no request and told nothing: answers to foreign "
         "tags and refused answers included.")
      .sample("", link.unmatched);
  Family(out, "aoefs_link_answers_foreign_total", "counter",
         "Answers to tags this initiator never issued: another initiator on the segment or on "
         "this NIC (another aoefs, aoetools, the Linux aoe driver), or forged.")
      .sample("", link.foreign);
  {
    // Every reason gets a sample, 0 included, so a rate() over it exists
    // before the first refusal.
    Family f(out, "aoefs_link_answers_refused_total", "counter",
             "Answers carrying one of this initiator's tags that do not answer what was sent, by "
             "what differed; they never completed a request.");
    for (std::size_t i = 0; i < aoe::kRefusedAnswerReasons; ++i)
      f.sample("reason=\"" + refused_reason(i) + "\"", link.refused[i]);
  }
  Family(out, "aoefs_link_targets_refused_total", "counter",
         "Query Config answers of new targets ignored: max_targets reached.")
      .sample("", link.targets_refused);
  {
    Family f(out, "aoefs_fuse_write_bytes_total", "counter",
             "Bytes of FUSE writes, by how they reached the frames: sent from the request buffer "
             "(in_place) or copied first (copied).");
    f.sample("path=\"in_place\"", writes.in_place_bytes);
    f.sample("path=\"copied\"", writes.copied_bytes);
  }
  if (cache) out += cache::to_prometheus_text(*cache);
  return out;
}

}  // namespace aoefs
