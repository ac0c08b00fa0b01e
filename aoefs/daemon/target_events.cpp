#include "aoefs/daemon/target_events.hpp"

#include <algorithm>
#include <string>

#include "aoefs/util/human_size.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

void tell_durability_and_frames(TargetEvents::Told& told, const std::string& name,
                                const aoe::TargetInfo& info) {
  if (told.flush != info.flush_mode) {
    const std::string mode(aoe::flush_mode_text(info.flush_mode));
    if (info.flush_mode == aoe::FlushMode::none_no_cache)
      log_message(LogLevel::info,
                  "%s flush: %s: the target has no write cache; fsync completes once every "
                  "write was acknowledged",
                  name.c_str(), mode.c_str());
    else if (info.flush_mode == aoe::FlushMode::none_at_risk)
      log_message(LogLevel::warning,
                  "%s flush: %s: the target neither advertises nor accepts FLUSH CACHE; fsync "
                  "completes once every write was acknowledged, which is all it promises",
                  name.c_str(), mode.c_str());
    else if (told.flush)
      log_message(LogLevel::info, "%s flush: %s", name.c_str(), mode.c_str());
    told.flush = info.flush_mode;
  }
  if (info.flush_odd_status != 0 && !told.flush_odd_status) {
    log_message(LogLevel::warning,
                "%s: FLUSH CACHE answered with status 0x%02X (%s): this target may not flush "
                "its cache; fsync completes on that answer, which may not mean the data is "
                "stored",
                name.c_str(), info.flush_odd_status,
                info.flush_odd_status == info.flush_odd_command ? "the command echoed"
                                                                : "BSY/DF set, ERR clear");
    told.flush_odd_status = true;
  }
  const unsigned spf = info.sectors_per_frame;
  if (spf == 0 || spf == told.sectors_per_frame) return;
  if (told.sectors_per_frame != 0 && spf < told.largest_sectors_per_frame)
    log_message(LogLevel::warning,
                "%s: frames of %u sectors now (were %u): full-size frames are lost on the way "
                "(a jumbo black hole or a smaller MTU); going on with small frames, trying the "
                "large size again later",
                name.c_str(), spf, told.sectors_per_frame);
  else if (told.sectors_per_frame != 0)
    log_message(LogLevel::info, "%s: frames of %u sectors again", name.c_str(), spf);
  told.sectors_per_frame = spf;
  told.largest_sectors_per_frame = std::max(told.largest_sectors_per_frame, spf);
}

}  // namespace

void on_target_event(TargetEvents& ev, const aoe::TargetInfo& info) {
  const bool usable = info.up && info.capacity_sectors > 0;
  const InodeNumber inode = inode_of(info.address);
  const std::string name = file_name_of(info.address);
  std::shared_ptr<blockdev::BlockDevice> device;
  if (usable) {
    auto& raw = ev.devices[info.address];
    if (!raw) {
      raw = std::make_shared<AoeBlockDevice>(ev.initiator, info.address, info.capacity_sectors);
      device = ev.block_cache.wrap(inode, raw);
    } else if (raw->size_sectors() != info.capacity_sectors) {
      // Told by SegmentWatch::resize_seen(), rate-limited.
      raw->set_capacity(info.capacity_sectors);
      device = ev.block_cache.wrap(inode, raw);
    }
  }
  if (usable) ev.devices[info.address]->set_can_discard(info.trim);
  const auto before = ev.table.by_inode(inode);
  if (!usable && !before) return;  // never usable: no file, no .stats entry
  ev.table.update(info.address, usable, device);
  if (device && before && before->device)
    if (FuseMount* mount = ev.mount.load()) mount->invalidate_inode(inode);
  if (usable) tell_durability_and_frames(ev.told[info.address], name, info);
  const bool was_present = before && before->present;
  if (was_present == usable) return;
  if (usable)
    log_message(LogLevel::info, "%s %s: %s, model \"%s\"", name.c_str(), before ? "back" : "found",
                human_size(info.capacity_sectors * 512).c_str(), printable(info.model).c_str());
  else
    log_message(LogLevel::warning,
                "%s down: no answer within the dead timeout; the file stays (its I/O fails with "
                "EIO) until the target answers again or is forgotten (setfattr -n "
                "user.aoe.forget)",
                name.c_str());
}

}  // namespace aoefs
