// The ports of one target: which carry I/O (paths), which claimed its
// address and wait to be compared (candidates), which were dropped for
// silence (benched), and each path's health.
//
// Pure bookkeeping: no frames, no tags, no links (a port is a link index
// and a MAC). The engine sends the probes it is told are due and reports
// what came back (engine_discovery.cpp); engine.hpp, "Ports", states the
// rules this implements:
//  * a path that misses kMisses times in a row is avoided by new frames and
//    retransmissions while another is healthy, and probed with back-off
//    (250 ms doubling, at most the discovery interval) until it answers;
//  * a candidate is probed the same way; before the target has an identity,
//    only once its defining port had 500 ms to answer its own IDENTIFY;
//  * a candidate silent for path_timeout since it was first seen (a
//    conflict: since last heard) is dropped; so is a path without an I/O
//    answer for path_timeout while another path answered I/O within it (an
//    idle target keeps its paths); a dropped path is benched for
//    path_timeout, and a benched port is not taken as a candidate again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/clock.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/initiator_types.hpp"

namespace aoe {

struct Path {
  std::size_t link;
  MacAddress mac;
  unsigned misses = 0;            // retransmissions since this path last delivered an answer
  std::uint64_t frames_sent = 0;  // copies sent on it, since it became a path
  std::uint64_t answers = 0;      // answers that came on it
  // Jumbo black hole (engine_frame_size.cpp): timeouts of frames too big
  // for a 1500-byte MTU since such a frame was last answered here; after
  // Engine::kBlackHoleTimeouts the path falls back to small frames and
  // tries one full-size frame again at probe_at.
  unsigned big_timeouts = 0;
  bool small = false;
  // Tags of the full-size copies re-split at the fallback: a late answer
  // to one proves the path carries them (a stall, not a hole).
  std::vector<std::uint32_t> fallback_tags{};
  bool confirmed = false;       // small frames were answered since: a black hole, not a dead path
  unsigned small_timeouts = 0;  // while not confirmed
  bool probing = false;         // a full-size probe frame is in flight
  TimePoint probe_at{};
  TimePoint last_answer{};  // confirmation, or the last I/O answer that came on it
  bool served = false;      // it has answered I/O (an IDENTIFY probe does not count)
  TimePoint next_probe{};   // while it misses: the next IDENTIFY probe
  unsigned probes = 0;      // probes since it last answered (back-off)
};

// A port that claimed the target's address but is not (yet) a path.
struct Candidate {
  std::size_t link = 0;
  MacAddress mac;
  TimePoint first_seen{}, last_heard{}, next_probe{};
  unsigned probes = 0;
  bool conflict = false;  // its IDENTIFY described another disk
  TargetConflict seen;    // what that IDENTIFY said
};

// A port as the engine addresses it.
struct Port {
  std::size_t link = 0;
  MacAddress mac;
};

class PathSet {
 public:
  static constexpr unsigned kMisses = 3;

  std::vector<Path> paths;            // confirmed: the only ports used for I/O
  std::vector<Candidate> candidates;  // unconfirmed and conflicting ports
  // Ports dropped for silence, ignored until the given time (a port that
  // answers IDENTIFY but no I/O would otherwise be confirmed again at once).
  std::vector<std::pair<Path, TimePoint>> benched;

  bool empty() const { return paths.empty(); }
  // The path a frame's index names, or nullptr when there is none. Indexes
  // wrap, so one taken before a path was dropped still names a path.
  Path* at(unsigned index) { return paths.empty() ? nullptr : &paths[index % paths.size()]; }
  const Path* at(unsigned index) const {
    return paths.empty() ? nullptr : &paths[index % paths.size()];
  }
  bool is_path(std::size_t link, const MacAddress& mac) const;
  std::size_t healthy() const;
  static bool is_healthy(const Path& p) { return p.misses < kMisses; }

  // The path for a new frame: the next healthy one in turn, else the next.
  unsigned choose();
  // The path a retransmission moves to from `after`.
  unsigned next_healthy(unsigned after) const;
  // An I/O answer came from `src`: credits the path it came on, else the
  // one at `sent_on`. The answer to an earlier copy (sent before a
  // retransmission moved the frame) credits the path it came on, not the
  // one the copy went to, or a slow path's answers would leave it avoided
  // for good.
  void credit(unsigned sent_on, const MacAddress& src, TimePoint now);

  enum class Claim { known, benched, full, added };
  // A port claimed the address: a new candidate unless it is known,
  // benched, or paths + candidates would exceed max_paths.
  Claim claim(Port port, TimePoint now, std::size_t max_paths);

  // What upkeep() asks of the engine.
  struct Upkeep {
    std::vector<Port> probe;  // ports to send an IDENTIFY probe now
    unsigned dropped = 0;     // candidates and paths dropped for silence
    bool changed = false;     // paths or conflicts changed: re-derive info, limits
    TimePoint wake = TimePoint::max();
  };
  struct Timing {
    Duration path_timeout{};
    Duration backoff_cap{};       // the discovery interval, at least 250 ms
    std::size_t max_benched = 0;  // max_paths
    bool identified = false;      // the target has an identity
  };
  Upkeep upkeep(TimePoint now, const Timing& timing);

  // A candidate whose IDENTIFY showed the target's disk becomes a path.
  void promote(std::size_t candidate, TimePoint now);
  // The target's identity comes from `port` (a candidate) instead of its
  // paths, which become candidates. False if `port` is no candidate.
  bool adopt(Port port, TimePoint now);
  // `port` showed another disk (by its IDENTIFY, or by the sectors read
  // through it): a candidate becomes a conflict, remembering `seen`; a path
  // becomes a conflicting candidate unless it is the last path (the target
  // would have none; the caller keeps using it). False when nothing
  // changed: no such port, already a conflict, or the last path.
  bool mark_conflict(Port port, TargetConflict seen, TimePoint now);

 private:
  void upkeep_candidates(TimePoint now, const Timing& timing, Upkeep& out);
  void upkeep_paths(TimePoint now, const Timing& timing, Upkeep& out);
  unsigned rotor_ = 0;
};

// Back-off of probes to one port: 250 ms, doubling, at most `cap`.
Duration probe_backoff(unsigned probes, Duration cap);

}  // namespace aoe
