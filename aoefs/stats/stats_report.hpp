// The live statistics of a mount as Prometheus text exposition format
// (version 0.0.4): what MOUNTPOINT/.stats reads and `aoefs stat` prints.
//
// Families (label target="e<shelf>.<slot>" on the per-target ones):
//   aoefs_target_info{target,model,serial,firmware,paths}  1
//   aoefs_target_up, _capacity_bytes, _buffers, _sectors_per_frame
//   aoefs_target_requests_total, _frames_sent_total, _frames_received_total,
//     _read_bytes_total, _written_bytes_total, _retransmits_total,
//     _retransmits_timeout_total, _retransmits_fast_total,
//     _retransmits_spurious_total, _frame_size_fallbacks_total,
//     _frame_size_restores_total, _flushes_without_frame_total,
//     _flush_odd_status_total, _duplicates_total, _errors_total  (counters)
//   aoefs_target_reorder_threshold                            (gauge)
//   aoefs_target_srtt_seconds, _rttvar_seconds, _window_frames,
//     _outstanding_frames                                     (gauges)
//   aoefs_target_conflicts_total, _paths_dropped_total, _paths_refused_total
//     (counters), aoefs_target_candidate_paths (gauge)
//   aoefs_target_conflict_info{target,interface,mac,model,serial,capacity_bytes}  1
//                                            per port that is another disk
//   aoefs_target_latency_seconds{target,op=read|write|flush}  histogram,
//     buckets 25µs … 5s (protocol/latency_histogram.hpp)
//   aoefs_target_config_info{target,config}  1   the config string as last seen
//   aoefs_target_lock_held{target,holder}    1 while this mount holds the
//                                            target's flock (holder = our string)
//   aoefs_target_flush_info{target,flush}    1   flush_mode_text()
//   aoefs_path_frames_sent_total, aoefs_path_answers_total
//     {target,interface,mac}                 counters, per path in use
//   aoefs_link_frames_received_total, _malformed_total, _unmatched_total,
//     aoefs_link_announcements_total, aoefs_link_targets_refused_total,
//     aoefs_link_answers_foreign_total                        (counters)
//   aoefs_link_answers_refused_total{reason}  counter, a sample for every
//     aoe::RefusedAnswer (refused_answer_text), 0 included
//   aoefs_fuse_write_bytes_total{path=in_place|copied}
//   aoefs_cache_* (cache/stats_text.hpp) when the block cache is on
// Label values are escaped as the format requires (\\, \", \n); strings
// that came off the wire (model, serial, firmware, config) are first made
// printable ASCII (aoefs/util/wire_text.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cache/cache_config.hpp"
#include "protocol/initiator_types.hpp"

namespace aoefs {

struct TargetReport {
  std::string name;  // e<shelf>.<slot>
  aoe::TargetInfo info;
  aoe::TargetStats stats;
  std::optional<std::string> lock_holder;  // our lock string, while we hold it
};

// How the payloads of FUSE writes reached the frames (fuse_ops.cpp).
struct WritePathStats {
  std::uint64_t in_place_bytes = 0;  // sent from the request buffer the kernel filled
  std::uint64_t copied_bytes = 0;    // copied into a pooled buffer first (small writes)
};

// Pure: renders the given snapshots.
std::string render_stats(const std::vector<TargetReport>& targets, const aoe::LinkStats& link,
                         const std::optional<cache::CacheStats>& cache,
                         const WritePathStats& writes = {});

}  // namespace aoefs
