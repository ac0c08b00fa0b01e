#include "aoefs/daemon/segment_watch.hpp"

#include <string>

#include "aoefs/util/human_size.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {

SegmentWatch::SegmentWatch(boost::asio::io_context& io, aoe::Initiator& initiator,
                           std::chrono::milliseconds interval)
    : timer_(io), initiator_(initiator), interval_(interval) {}

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

}  // namespace aoefs
