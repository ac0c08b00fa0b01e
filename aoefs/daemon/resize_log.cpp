#include "aoefs/daemon/resize_log.hpp"

#include <algorithm>
#include <cmath>

#include "aoefs/util/human_size.hpp"

namespace aoefs {
namespace {

std::string resize_line(const std::string& name, std::uint64_t from, std::uint64_t to) {
  return name + " resized: " + human_size(from) + " -> " + human_size(to);
}

}  // namespace

std::optional<SegmentNote> ResizeLog::resized(const std::string& name, std::uint64_t from_bytes,
                                              std::uint64_t to_bytes, TimePoint now) {
  auto [it, fresh] = targets_.try_emplace(name);
  Target& t = it->second;
  if (t.held == 0) t.held_from = from_bytes;
  t.held_to = to_bytes;
  if (fresh || (t.held == 0 && now - t.told_at >= interval_)) {
    t.told_at = now;
    return SegmentNote{LogLevel::info, resize_line(name, from_bytes, to_bytes)};
  }
  ++t.held;
  if (now - t.told_at < interval_) return std::nullopt;
  // Due already (due() was not called in time): this one is told with them.
  SegmentNote note = held_note(name, t, now);
  t = Target{now};
  return note;
}

std::vector<SegmentNote> ResizeLog::due(TimePoint now) {
  std::vector<SegmentNote> notes;
  for (auto it = targets_.begin(); it != targets_.end();) {
    Target& t = it->second;
    if (now - t.told_at < interval_) {
      ++it;
    } else if (t.held == 0) {
      it = targets_.erase(it);  // quiet for an interval: its next resize is told at once
    } else {
      notes.push_back(held_note(it->first, t, now));
      t = Target{now};
      ++it;
    }
  }
  return notes;
}

std::optional<ResizeLog::TimePoint> ResizeLog::next_due() const {
  std::optional<TimePoint> next;
  for (const auto& [name, t] : targets_)
    if (t.held != 0 && (!next || t.told_at + interval_ < *next)) next = t.told_at + interval_;
  return next;
}

SegmentNote ResizeLog::held_note(const std::string& name, const Target& t, TimePoint now) const {
  if (t.held == 1) return {LogLevel::info, resize_line(name, t.held_from, t.held_to)};
  const auto seconds = std::chrono::duration<double>(now - t.told_at).count();
  return {LogLevel::warning, name + ": resized " + std::to_string(t.held) +
                                 " more times in the last " +
                                 std::to_string(std::lround(std::max(seconds, 1.0))) + " s; now " +
                                 human_size(t.held_to)};
}

}  // namespace aoefs
