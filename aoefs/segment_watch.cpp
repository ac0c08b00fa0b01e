#include "aoefs/segment_watch.hpp"

#include <string>

#include "aoefs/util/human_size.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {

SegmentWatch::SegmentWatch(boost::asio::io_context& io, aoe::Initiator& initiator,
                           std::chrono::milliseconds interval)
    : timer_(io), initiator_(initiator), interval_(interval) {}

SegmentWatch::Totals SegmentWatch::totals() const {
  Totals t;
  const auto link = initiator_.link_stats();
  t.unmatched = link.unmatched;
  t.malformed = link.malformed;
  t.targets_refused = link.targets_refused;
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
    const Totals now = totals();
    if (now.unmatched != last_.unmatched || now.malformed != last_.malformed ||
        now.targets_refused != last_.targets_refused || now.paths_refused != last_.paths_refused ||
        now.paths_dropped != last_.paths_dropped) {
      log_message(LogLevel::warning,
                  "segment: in the last %lld s: %llu unmatched and %llu malformed frames, %llu "
                  "answers of targets past max_targets, %llu ports past max_paths, %llu silent "
                  "ports dropped",
                  static_cast<long long>(interval_.count() / 1000),
                  static_cast<unsigned long long>(now.unmatched - last_.unmatched),
                  static_cast<unsigned long long>(now.malformed - last_.malformed),
                  static_cast<unsigned long long>(now.targets_refused - last_.targets_refused),
                  static_cast<unsigned long long>(now.paths_refused - last_.paths_refused),
                  static_cast<unsigned long long>(now.paths_dropped - last_.paths_dropped));
    }
    last_ = now;
    arm();
  });
}

void SegmentWatch::conflict_seen(const aoe::TargetInfo& info) {
  for (const auto& c : info.conflicts) {
    if (!logged_.insert({info.address, c.mac}).second) continue;
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
