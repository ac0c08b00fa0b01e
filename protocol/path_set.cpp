// PathSet: the ports of one target (path_set.hpp).
#include "protocol/path_set.hpp"

#include <algorithm>

namespace aoe {

namespace {

// A port just heard of: probed at once, timed from now.
Candidate new_candidate(Port port, TimePoint now) {
  Candidate c;
  c.link = port.link;
  c.mac = port.mac;
  c.first_seen = c.last_heard = c.next_probe = now;
  return c;
}

}  // namespace

Duration probe_backoff(unsigned probes, Duration cap) {
  Duration d = std::chrono::milliseconds(250);
  for (unsigned i = 0; i < probes && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

bool PathSet::is_path(std::size_t link, const MacAddress& mac) const {
  return std::any_of(paths.begin(), paths.end(),
                     [&](const Path& p) { return p.link == link && p.mac == mac; });
}

std::size_t PathSet::healthy() const {
  return static_cast<std::size_t>(std::count_if(paths.begin(), paths.end(), is_healthy));
}

unsigned PathSet::choose() {
  unsigned chosen = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    chosen = static_cast<unsigned>(rotor_++ % paths.size());
    if (is_healthy(paths[chosen])) break;
  }
  return chosen;
}

unsigned PathSet::next_healthy(unsigned after) const {
  const std::size_t n = paths.size();
  if (n == 0) return 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const auto p = static_cast<unsigned>((after + i) % n);
    if (is_healthy(paths[p])) return p;
  }
  return static_cast<unsigned>((after + 1) % n);  // none healthy: plain rotation
}

void PathSet::credit(unsigned sent_on, const MacAddress& src, TimePoint now) {
  if (paths.empty()) return;
  std::size_t on = sent_on % paths.size();
  for (std::size_t i = 0; i < paths.size(); ++i)
    if (paths[i].mac == src) on = i;
  Path& p = paths[on];
  ++p.answers;
  p.misses = 0;
  p.probes = 0;
  p.last_answer = now;
  p.served = true;
}

PathSet::Claim PathSet::claim(Port port, TimePoint now, std::size_t max_paths) {
  for (Candidate& c : candidates) {
    if (c.link == port.link && c.mac == port.mac) {
      c.last_heard = now;
      return Claim::known;
    }
  }
  for (const auto& [p, until] : benched)
    if (p.link == port.link && p.mac == port.mac && now < until) return Claim::benched;
  if (paths.size() + candidates.size() >= max_paths) return Claim::full;
  candidates.push_back(new_candidate(port, now));
  return Claim::added;
}

void PathSet::promote(std::size_t candidate, TimePoint now) {
  const Candidate& c = candidates[candidate];
  Path p{c.link, c.mac};
  p.last_answer = now;
  paths.push_back(p);
  candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(candidate));
}

bool PathSet::adopt(Port port, TimePoint now) {
  auto it = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
    return c.link == port.link && c.mac == port.mac && !c.conflict;
  });
  if (it == candidates.end()) return false;
  candidates.erase(it);
  for (const Path& old : paths) candidates.push_back(new_candidate({old.link, old.mac}, now));
  Path p{port.link, port.mac};
  p.last_answer = now;
  paths.assign(1, p);
  return true;
}

bool PathSet::mark_conflict(Port port, TargetConflict seen, TimePoint now) {
  const auto same_port = [&](const auto& p) { return p.link == port.link && p.mac == port.mac; };
  auto candidate = std::find_if(candidates.begin(), candidates.end(), same_port);
  if (candidate == candidates.end()) {
    const auto path = std::find_if(paths.begin(), paths.end(), same_port);
    if (path == paths.end() || paths.size() < 2) return false;
    paths.erase(path);
    candidates.push_back(new_candidate(port, now));
    candidate = std::prev(candidates.end());
  }
  if (candidate->conflict) return false;
  candidate->conflict = true;
  candidate->seen = std::move(seen);
  return true;
}

PathSet::Upkeep PathSet::upkeep(TimePoint now, const Timing& timing) {
  Upkeep out;
  upkeep_candidates(now, timing, out);
  upkeep_paths(now, timing, out);
  return out;
}

void PathSet::upkeep_candidates(TimePoint now, const Timing& timing, Upkeep& out) {
  for (std::size_t i = 0; i < candidates.size();) {
    Candidate& c = candidates[i];
    const TimePoint since = c.conflict ? c.last_heard : c.first_seen;
    if (now - since >= timing.path_timeout) {
      ++out.dropped;
      out.changed = out.changed || c.conflict;
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    out.wake = std::min(out.wake, since + timing.path_timeout);
    if (!c.conflict) {
      const TimePoint earliest =
          timing.identified ? c.next_probe
                            : std::max(c.next_probe, c.first_seen + std::chrono::milliseconds(500));
      if (now >= earliest) {
        out.probe.push_back({c.link, c.mac});
        c.next_probe = now + probe_backoff(c.probes++, timing.backoff_cap);
        out.wake = std::min(out.wake, c.next_probe);
      } else {
        out.wake = std::min(out.wake, earliest);
      }
    }
    ++i;
  }
}

void PathSet::upkeep_paths(TimePoint now, const Timing& timing, Upkeep& out) {
  const std::size_t healthy_now = healthy();
  const bool another_answers = std::any_of(paths.begin(), paths.end(), [&](const Path& p) {
    return p.served && now - p.last_answer < timing.path_timeout;
  });
  std::erase_if(benched, [&](const auto& b) { return now >= b.second; });
  for (std::size_t i = 0; i < paths.size();) {
    Path& p = paths[i];
    if (another_answers && paths.size() > 1 && now - p.last_answer >= timing.path_timeout) {
      ++out.dropped;
      if (benched.size() < timing.max_benched) benched.push_back({p, now + timing.path_timeout});
      paths.erase(paths.begin() + static_cast<std::ptrdiff_t>(i));
      out.changed = true;
      continue;
    }
    if (!is_healthy(p) && healthy_now > 0) {
      // Frames avoid it; only probes tell when it is back.
      if (now >= p.next_probe) {
        out.probe.push_back({p.link, p.mac});
        p.next_probe = now + probe_backoff(p.probes++, timing.backoff_cap);
      }
      out.wake = std::min(out.wake, p.next_probe);
    }
    if (another_answers) out.wake = std::min(out.wake, p.last_answer + timing.path_timeout);
    ++i;
  }
}

}  // namespace aoe
