#include "aoefs/daemon/segment_watch.hpp"

#include <string>

#include "aoefs/util/human_size.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {

SegmentWatch::SegmentWatch(boost::asio::io_context& io, aoe::Initiator& initiator,
                           std::chrono::milliseconds interval)
    : timer_(io), initiator_(initiator), interval_(interval), resize_timer_(io) {}

SegmentTotals SegmentWatch::totals() const {
  SegmentTotals t;
  const auto link = initiator_.link_stats();
  t.unmatched = link.unmatched;
  t.foreign = link.foreign;
  t.refused = link.refused;
  t.malformed = link.malformed;
  t.targets_refused = link.targets_refused;
  t.addresses_evicted = link.addresses_evicted;
  for (const auto& info : initiator_.targets()) {
    if (auto s = initiator_.stats(info.address)) {
      t.paths_refused += s->paths_refused;
      t.paths_dropped += s->paths_dropped;
    }
  }
  return t;
}

void SegmentWatch::start() {
  last_ = totals();
  arm();
}

void SegmentWatch::stop() {
  stopped_ = true;
  timer_.cancel();
  resize_timer_.cancel();  // else a held-back line would keep the io thread up to an interval
}

void SegmentWatch::arm() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    const SegmentTotals now = totals();
    if (auto note = summarize_segment(last_, now, interval_))
      log_message(note->level, "%s", note->text.c_str());
    last_ = now;
    arm();
  });
}

void SegmentWatch::conflict_seen(const aoe::TargetInfo& info) {
  for (const auto& c : info.conflicts) {
    if (!logged_.insert({info.address, c.mac}).second) continue;
    if (c.content_differs) {
      log_message(LogLevel::error,
                  "%s: CONFLICT: %s on %s answers IDENTIFY as this target (serial %s, %s) but "
                  "serves other sectors: a twin exporting the same shelf.slot, or a copied "
                  "identity; it is never used. Two targets must not share a shelf.slot",
                  file_name_of(info.address).c_str(), c.mac.to_string().c_str(),
                  c.interface.c_str(), quoted(c.serial).c_str(),
                  human_size(c.capacity_sectors * 512).c_str());
      continue;
    }
    log_message(LogLevel::error,
                "%s: CONFLICT: %s on %s claims this address but is another disk (model %s, "
                "serial %s, %s; this target's serial %s); it is never used. Two targets must "
                "not share a shelf.slot",
                file_name_of(info.address).c_str(), c.mac.to_string().c_str(), c.interface.c_str(),
                quoted(c.model).c_str(), quoted(c.serial).c_str(),
                human_size(c.capacity_sectors * 512).c_str(), quoted(info.serial).c_str());
  }
}

void SegmentWatch::resize_seen(const aoe::TargetInfo& info) {
  if (!info.up || info.capacity_sectors == 0) return;
  auto [it, first] = capacity_.try_emplace(info.address, info.capacity_sectors);
  if (first || it->second == info.capacity_sectors) return;
  const std::uint64_t from = it->second;
  it->second = info.capacity_sectors;
  if (auto note = resizes_.resized(file_name_of(info.address), from * 512,
                                   info.capacity_sectors * 512, std::chrono::steady_clock::now()))
    log_message(note->level, "%s", note->text.c_str());
  arm_resize_timer();
}

// One wait at a time, for the earliest line due when it was armed; a line
// that falls due before that waits for it (at most one interval more).
void SegmentWatch::arm_resize_timer() {
  if (stopped_ || resize_timer_armed_) return;
  const auto next = resizes_.next_due();
  if (!next) return;
  resize_timer_armed_ = true;
  resize_timer_.expires_at(*next);
  resize_timer_.async_wait([this](const boost::system::error_code& ec) {
    resize_timer_armed_ = false;
    if (ec || stopped_) return;
    for (const auto& note : resizes_.due(std::chrono::steady_clock::now()))
      log_message(note.level, "%s", note.text.c_str());
    arm_resize_timer();
  });
}

void SegmentWatch::unsupported_seen(const aoe::TargetInfo& info) {
  const struct {
    bool unsupported;
    int command;
    const char* what;
    const char* attribute;
  } optional[] = {
      {info.mask_unsupported, 2, "MAC Mask List", "user.aoe.mask"},
      {info.reserve_unsupported, 3, "Reserve/Release", "user.aoe.reserve"},
  };
  for (const auto& o : optional) {
    if (!o.unsupported || !unsupported_logged_.insert({info.address, o.command}).second) continue;
    log_message(LogLevel::warning,
                "%s: the target does not answer %s (AoE command %d) though it answers others: "
                "taken as not implemented; %s gives EOPNOTSUPP at once from now on",
                file_name_of(info.address).c_str(), o.what, o.command, o.attribute);
  }
}

}  // namespace aoefs
