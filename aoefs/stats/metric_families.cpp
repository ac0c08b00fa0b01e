#include "aoefs/stats/metric_families.hpp"

#include <chrono>
#include <concepts>
#include <cstdio>
#include <string>
#include <utility>

#include "aoefs/stats/prometheus_text.hpp"
#include "aoefs/stats/refused_answers.hpp"
#include "aoefs/stats/stats_report.hpp"

namespace aoefs {
namespace {

constexpr auto counter = MetricType::counter;
constexpr auto gauge = MetricType::gauge;
constexpr auto histogram = MetricType::histogram;

std::string value_text(std::integral auto value) { return std::to_string(value); }
std::string value_text(bool value) { return value ? "1" : "0"; }
std::string value_text(std::chrono::microseconds value) { return seconds_text(value); }

std::string target_label(const TargetReport& t) {
  return "target=\"" + escape_label(t.name) + "\"";
}

std::string port_labels(const TargetReport& t, const std::string& interface,
                        const aoe::MacAddress& mac) {
  return target_label(t) + ",interface=\"" + escape_label(interface) + "\",mac=\"" +
         mac.to_string() + "\"";
}

std::string paths_text(const aoe::TargetInfo& info) {
  std::string out;
  for (const auto& p : info.paths) {
    if (!out.empty()) out += ' ';
    out += p.interface + "/" + p.mac.to_string();
  }
  return out;
}

// The samplers of the plain families: one field, one sample per target
// (TargetInfo or TargetStats), or one sample (LinkStats, CacheStats).
template <auto Field>
void target_info_field(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets) out.sample(target_label(t), value_text(t.info.*Field));
}

template <auto Field>
void target_stats_field(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets) out.sample(target_label(t), value_text(t.stats.*Field));
}

template <auto Field>
void path_stats_field(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets)
    for (const auto& p : t.stats.paths) out.sample(port_labels(t, p.interface, p.mac), p.*Field);
}

template <auto Field>
void link_field(FamilyWriter& out, const StatsSnapshot& s) {
  out.sample("", s.link.*Field);
}

template <auto Field>
void cache_field(FamilyWriter& out, const StatsSnapshot& s) {
  out.sample("", s.cache->*Field);
}

// The families with labels of their own.
// `firmware` is the old name of `firmware_revision` (the IDENTIFY string);
// `firmware_version` is Query Config's number (user.aoe.firmware_version).
void target_info(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets) {
    char version[8];
    std::snprintf(version, sizeof version, "0x%04x", t.info.firmware_version);
    const std::string revision = wire_label(t.info.firmware);
    out.sample(target_label(t) + ",model=\"" + wire_label(t.info.model) + "\",serial=\"" +
                   wire_label(t.info.serial) + "\",firmware=\"" + revision +
                   "\",firmware_revision=\"" + revision + "\",firmware_version=\"" + version +
                   "\",paths=\"" + escape_label(paths_text(t.info)) + "\"",
               1);
  }
}

void request_stages(FamilyWriter& out, const StatsSnapshot& s) {
  for (std::size_t i = 0; i < aoe::kRequestStages; ++i)
    out.histogram(
        "stage=\"" + std::string(aoe::request_stage_name(static_cast<aoe::RequestStage>(i))) + "\"",
        s.link.stages[i]);
}

// Why a target does not serve now, for `aoefs stat`: up; waiting (requests
// it has left unanswered for kWaitingAfter or longer: an outage the dead
// timeout has not ended, or never ends with dead_timeout=0); down (nothing
// answered within the dead timeout: its file stays, its I/O gets EIO).
constexpr std::chrono::seconds kWaitingAfter{1};
void target_state(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets) {
    const bool waiting = t.info.up && t.stats.unanswered_for >= kWaitingAfter;
    const char* state = !t.info.up ? "down" : waiting ? "waiting" : "up";
    const char* reason = !t.info.up ? "no answer within the dead timeout"
                         : waiting  ? "no answer, retrying"
                                    : "";
    out.sample(target_label(t) + ",state=\"" + state + "\",reason=\"" + reason + "\"", 1);
  }
}

void unanswered_seconds(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets)
    out.sample(target_label(t), seconds_text(std::chrono::duration_cast<std::chrono::microseconds>(
                                    t.stats.unanswered_for)));
}

void capacity_bytes(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets) out.sample(target_label(t), t.info.capacity_sectors * 512);
}

void latency(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets) {
    const std::pair<const char*, const aoe::LatencyHistogram*> ops[] = {
        {"read", &t.stats.latency.read},
        {"write", &t.stats.latency.write},
        {"flush", &t.stats.latency.flush}};
    for (const auto& [op, h] : ops) out.histogram(target_label(t) + ",op=\"" + op + "\"", *h);
  }
}

void config_info(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets)
    out.sample(target_label(t) + ",config=\"" + wire_label(t.info.config_string) + "\"", 1);
}

void conflict_info(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets)
    for (const auto& c : t.info.conflicts)
      out.sample(port_labels(t, c.interface, c.mac) + ",model=\"" + wire_label(c.model) +
                     "\",serial=\"" + wire_label(c.serial) + "\",capacity_bytes=\"" +
                     std::to_string(c.capacity_sectors * 512) + "\",reason=\"" +
                     (c.content_differs ? "content" : "identity") + "\"",
                 1);
}

void flush_info(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets)
    out.sample(target_label(t) + ",flush=\"" +
                   escape_label(aoe::flush_mode_text(t.info.flush_mode)) + "\"",
               1);
}

void lock_held(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& t : s.targets)
    out.sample(target_label(t) + ",holder=\"" + escape_label(t.lock_holder.value_or("")) + "\"",
               t.lock_holder ? 1 : 0);
}

// Every reason gets a sample, 0 included, so a rate() over it exists before
// the first refusal.
void answers_refused(FamilyWriter& out, const StatsSnapshot& s) {
  for (std::size_t i = 0; i < aoe::kRefusedAnswerReasons; ++i)
    out.sample("reason=\"" + refused_reason(i) + "\"", s.link.refused[i]);
}

void mount_info(FamilyWriter& out, const StatsSnapshot& s) {
  std::string interfaces;
  for (const auto& i : s.mount.interfaces) interfaces += (interfaces.empty() ? "" : ":") + i;
  out.sample("mount=\"" + escape_label(s.mount.mount_point) + "\",interfaces=\"" +
                 escape_label(interfaces) + "\",version=\"" + escape_label(s.mount.version) +
                 "\",pid=\"" + std::to_string(s.mount.pid) + "\"",
             1);
}

void settings(FamilyWriter& out, const StatsSnapshot& s) {
  for (const auto& [name, value] : s.mount.settings)
    out.sample("name=\"" + escape_label(name) + "\",value=\"" + escape_label(value) + "\"", 1);
}

void fuse_write_bytes(FamilyWriter& out, const StatsSnapshot& s) {
  out.sample("path=\"in_place\"", s.writes.in_place_bytes);
  out.sample("path=\"copied\"", s.writes.copied_bytes);
}

using aoe::LinkStats;
using aoe::PathStats;
using aoe::TargetInfo;
using aoe::TargetStats;
using cache::CacheStats;
constexpr auto target = MetricScope::target;
constexpr auto path = MetricScope::path;
constexpr auto link = MetricScope::link;

constexpr MetricFamily kFamilies[] = {
    {"aoefs_mount_info", gauge,
     "The mount (value 1): its mount point, the interfaces in use, aoefs's version, the "
     "daemon's pid.",
     MetricScope::mount, mount_info},
    {"aoefs_setting", gauge,
     "Every setting in effect (value 1): its name and value as -o takes them (\"\": the "
     "default without a value of its own).",
     MetricScope::mount, settings},
    {"aoefs_target_info", gauge,
     "Target identity (value 1): model, serial, firmware_revision from IDENTIFY (firmware: its "
     "old name), firmware_version from Query Config.",
     target, target_info},
    {"aoefs_target_up", gauge, "1 while the target answers, 0 after the dead timeout.", target,
     target_info_field<&TargetInfo::up>},
    {"aoefs_target_state", gauge,
     "Value 1, with state=up|waiting|down and the reason: waiting while requests have had no "
     "answer for 1 s or more, down after the dead timeout (the file stays; I/O gets EIO).",
     target, target_state},
    {"aoefs_target_unanswered_seconds", gauge,
     "While requests wait: how long the target has answered nothing (0 while it answers).", target,
     unanswered_seconds},
    {"aoefs_target_waiting_requests", gauge, "Read, write, flush and trim operations not done.",
     target, target_stats_field<&TargetStats::waiting>},
    {"aoefs_target_capacity_bytes", gauge, "Capacity of the target.", target, capacity_bytes},
    {"aoefs_target_buffers", gauge, "Frames the target can buffer (Query Config).", target,
     target_info_field<&TargetInfo::buffer_count>},
    {"aoefs_target_sectors_per_frame", gauge, "Sectors carried per frame.", target,
     target_info_field<&TargetInfo::sectors_per_frame>},
    {"aoefs_target_requests_total", counter, "Read, write and flush operations started.", target,
     target_stats_field<&TargetStats::requests>},
    {"aoefs_target_frames_sent_total", counter, "Frames sent, retransmissions included.", target,
     target_stats_field<&TargetStats::frames_sent>},
    {"aoefs_target_frames_received_total", counter, "Answers received and matched.", target,
     target_stats_field<&TargetStats::frames_received>},
    {"aoefs_target_read_bytes_total", counter, "Bytes read from the target.", target,
     target_stats_field<&TargetStats::bytes_read>},
    {"aoefs_target_written_bytes_total", counter, "Bytes written and acknowledged.", target,
     target_stats_field<&TargetStats::bytes_written>},
    {"aoefs_target_retransmits_total", counter, "Frames sent again, for any reason.", target,
     target_stats_field<&TargetStats::retransmits>},
    {"aoefs_target_retransmits_timeout_total", counter, "Frames sent again after their timeout.",
     target, target_stats_field<&TargetStats::retransmits_timeout>},
    {"aoefs_target_retransmits_fast_total", counter,
     "Frames sent again because later frames were answered (reorder suspicion).", target,
     target_stats_field<&TargetStats::retransmits_fast>},
    {"aoefs_target_retransmits_spurious_total", counter,
     "Retransmissions later proven unneeded: the earlier copy was answered.", target,
     target_stats_field<&TargetStats::retransmits_spurious>},
    {"aoefs_target_reorder_threshold", gauge,
     "Later answers after which an unanswered frame is taken as lost.", target,
     target_stats_field<&TargetStats::reorder_threshold>},
    {"aoefs_target_frame_size_fallbacks_total", counter,
     "Times a path lost full-size frames (jumbo black hole) and fell back to small ones.", target,
     target_stats_field<&TargetStats::frame_size_fallbacks>},
    {"aoefs_target_frame_size_restores_total", counter,
     "Times a probe found full-size frames carried again.", target,
     target_stats_field<&TargetStats::frame_size_restores>},
    {"aoefs_target_flushes_without_frame_total", counter,
     "Flushes completed on write acknowledgements alone (flush mode none).", target,
     target_stats_field<&TargetStats::flushes_without_frame>},
    {"aoefs_target_flush_odd_status_total", counter,
     "Flush answers taken as success despite a nonsense status (ERR clear; BSY/DF set or error "
     "register non-zero); the first with BSY/DF set is logged.",
     target, target_stats_field<&TargetStats::flush_odd_status>},
    {"aoefs_target_duplicates_total", counter,
     "Late answers to I/O frames already answered or sent again (not late answers to a "
     "discovery broadcast).",
     target, target_stats_field<&TargetStats::duplicates>},
    {"aoefs_target_errors_total", counter, "Operations that failed.", target,
     target_stats_field<&TargetStats::errors>},
    {"aoefs_target_srtt_seconds", gauge, "Smoothed round-trip time.", target,
     target_stats_field<&TargetStats::srtt>},
    {"aoefs_target_rttvar_seconds", gauge, "Round-trip time deviation.", target,
     target_stats_field<&TargetStats::rttvar>},
    {"aoefs_target_window_frames", gauge, "Congestion window: frames allowed in flight.", target,
     target_stats_field<&TargetStats::window>},
    {"aoefs_target_outstanding_frames", gauge, "Frames in flight now.", target,
     target_stats_field<&TargetStats::outstanding>},
    {"aoefs_target_conflicts_total", counter,
     "Ports that claimed this address but whose IDENTIFY is another disk (never used).", target,
     target_stats_field<&TargetStats::conflicts>},
    {"aoefs_target_candidate_paths", gauge, "Ports not yet confirmed by IDENTIFY (no I/O).", target,
     target_stats_field<&TargetStats::candidates>},
    {"aoefs_target_paths_dropped_total", counter,
     "Paths and candidates dropped after path_timeout without an answer.", target,
     target_stats_field<&TargetStats::paths_dropped>},
    {"aoefs_target_paths_refused_total", counter, "New ports ignored: max_paths reached.", target,
     target_stats_field<&TargetStats::paths_refused>},
    {"aoefs_target_latency_seconds", histogram,
     "Time from start to successful completion of reads, writes and flushes.", target, latency},
    {"aoefs_target_config_info", gauge, "The target's config string as last seen (value 1).",
     target, config_info},
    {"aoefs_target_conflict_info", gauge,
     "A port claiming the target's address that is another disk (value 1): reason "
     "\"identity\" (its IDENTIFY differs) or \"content\" (the IDENTIFY matches, sectors "
     "read through it differ).",
     target, conflict_info},
    {"aoefs_path_frames_sent_total", counter,
     "Frames sent on one path of the target (since it became a path).", path,
     path_stats_field<&PathStats::frames_sent>},
    {"aoefs_path_answers_total", counter,
     "Answers that came on one path of the target (since it became a path).", path,
     path_stats_field<&PathStats::answers>},
    {"aoefs_target_flush_info", gauge,
     "How the target makes acknowledged writes durable (value 1).", target, flush_info},
    {"aoefs_target_lock_held", gauge, "1 while this mount holds the target's lock.", target,
     lock_held},
    {"aoefs_link_frames_received_total", counter, "AoE frames received on every interface.", link,
     link_field<&LinkStats::frames_received>},
    {"aoefs_link_frames_malformed_total", counter, "Frames that failed to decode.", link,
     link_field<&LinkStats::malformed>},
    {"aoefs_link_announcements_total", counter,
     "Targets announcing their start (version-0 Query Config answers, as vblade sends).", link,
     link_field<&LinkStats::announcements>},
    {"aoefs_link_frames_unmatched_total", counter,
     "Well-formed frames that completed no request and told nothing: answers to foreign "
     "tags and refused answers included.",
     link, link_field<&LinkStats::unmatched>},
    {"aoefs_link_answers_foreign_total", counter,
     "Answers to tags this initiator never issued: another initiator on the segment or on "
     "this NIC (another aoefs, aoetools, the Linux aoe driver), or forged.",
     link, link_field<&LinkStats::foreign>},
    {"aoefs_link_answers_refused_total", counter,
     "Answers carrying one of this initiator's tags that do not answer what was sent, by "
     "what differed; they never completed a request.",
     link, answers_refused},
    {"aoefs_link_targets_refused_total", counter,
     "Query Config answers of new targets ignored: max_targets reached.", link,
     link_field<&LinkStats::targets_refused>},
    {"aoefs_link_addresses_evicted_total", counter,
     "Addresses that answered Query Config but not IDENTIFY within 3 s (or were pushed out "
     "by newer ones): forged, or a target that does not work. Never shown as targets.",
     link, link_field<&LinkStats::addresses_evicted>},
    {"aoefs_request_stage_seconds", histogram,
     "Where the time of reads and writes went, per stage: request (the FUSE handler began "
     "until its reply was written: all of the daemon's time), submit (waiting to enter the "
     "engine), queued (in the engine before the first frame left), wire (first frame sent "
     "until the last answer), completion (until the completion handler ran).",
     link, request_stages},
    {"aoefs_fuse_write_bytes_total", counter,
     "Bytes of FUSE writes, by how they reached the frames: sent from the request buffer "
     "(in_place) or copied first (copied).",
     MetricScope::fuse, fuse_write_bytes},
    // The block cache (cache/): only while it is on.
    {"aoefs_cache_hits_total", counter, "Block reads answered from the cache.", MetricScope::cache,
     cache_field<&CacheStats::hits>},
    {"aoefs_cache_misses_total", counter, "Block reads that started a fill from the target.",
     MetricScope::cache, cache_field<&CacheStats::misses>},
    {"aoefs_cache_coalesced_total", counter, "Block reads that joined a fill already in flight.",
     MetricScope::cache, cache_field<&CacheStats::coalesced>},
    {"aoefs_cache_bypassed_total", counter,
     "Block reads sent straight to the target (budget full).", MetricScope::cache,
     cache_field<&CacheStats::bypassed>},
    {"aoefs_cache_uncached_total", counter,
     "Random block reads sent straight to the target, not cached.", MetricScope::cache,
     cache_field<&CacheStats::uncached>},
    {"aoefs_cache_read_ahead_issued_total", counter, "Blocks fetched ahead.", MetricScope::cache,
     cache_field<&CacheStats::read_ahead_issued>},
    {"aoefs_cache_read_ahead_used_total", counter, "Blocks fetched ahead and then read.",
     MetricScope::cache, cache_field<&CacheStats::read_ahead_used>},
    {"aoefs_cache_read_ahead_wasted_total", counter, "Blocks fetched ahead and dropped unread.",
     MetricScope::cache, cache_field<&CacheStats::read_ahead_wasted>},
    {"aoefs_cache_evictions_total", counter, "Blocks evicted for room.", MetricScope::cache,
     cache_field<&CacheStats::evictions>},
    {"aoefs_cache_expirations_total", counter, "Blocks dropped because they were too old.",
     MetricScope::cache, cache_field<&CacheStats::expirations>},
    {"aoefs_cache_invalidations_total", counter, "Blocks dropped or detached because of writes.",
     MetricScope::cache, cache_field<&CacheStats::invalidations>},
    {"aoefs_cache_fill_errors_total", counter, "Fills that failed.", MetricScope::cache,
     cache_field<&CacheStats::fill_errors>},
    {"aoefs_cache_held_bytes", gauge, "Bytes of filled blocks held.", MetricScope::cache,
     cache_field<&CacheStats::bytes_held>},
    {"aoefs_cache_in_flight_bytes", gauge, "Bytes reserved by fills in flight.", MetricScope::cache,
     cache_field<&CacheStats::bytes_in_flight>},
    {"aoefs_cache_spare_bytes", gauge, "Bytes of buffers kept for the next fills.",
     MetricScope::cache, cache_field<&CacheStats::bytes_spare>},
    {"aoefs_cache_buffers_reused_total", counter,
     "Fills that reused the buffer of a dropped block.", MetricScope::cache,
     cache_field<&CacheStats::buffers_reused>},
};

}  // namespace

std::string_view metric_type_text(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

std::span<const MetricFamily> metric_families() { return kFamilies; }

}  // namespace aoefs
