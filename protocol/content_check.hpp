// A content check: do two ports serve the same disk? (engine.hpp, "Ports")
//
// An IDENTIFY can be copied — two vblades exporting one shelf.slot of the
// same size on one host even answer the same serial — so a port whose
// IDENTIFY matches is confirmed as a path only after the same sectors read
// through it and through a confirmed path (the reference) compare equal:
// LBA 0, the last sector, and kRandomSectors chosen at random when the
// check starts. Paths are checked again every kRecheckInterval, since a
// twin that matched while both were empty differs once either is written.
//
// A difference is a conflict — unless the target's media changed while the
// check ran (a write or trim sent since it started), which makes it
// inconclusive: it is dropped and tried again. A read that fails or times
// out drops the check as well. Pure bookkeeping: the engine sends the
// reads and reports the answers (engine_content_check.cpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "protocol/clock.hpp"
#include "protocol/codec/ata.hpp"
#include "protocol/path_set.hpp"

namespace aoe {

class ContentCheck {
 public:
  static constexpr unsigned kRandomSectors = 2;
  static constexpr Duration kRecheckInterval = std::chrono::seconds(60);

  enum class Side : std::uint8_t { subject, reference };
  enum class Verdict { pending, same, differs, inconclusive };

  // REQUIRES: capacity_sectors > 0. `random` gives uniformly drawn 64-bit
  // values (the engine's seeded generator).
  template <class Random>
  ContentCheck(std::uint32_t id, Port subject, Port reference, std::uint64_t capacity_sectors,
               std::uint64_t media_changes, Random&& random)
      : id_(id), subject_(subject), reference_(reference), media_changes_(media_changes) {
    lbas_.push_back(0);
    if (capacity_sectors > 1) lbas_.push_back(capacity_sectors - 1);
    for (unsigned i = 0; i < kRandomSectors && capacity_sectors > 2; ++i)
      lbas_.push_back(1 + random() % (capacity_sectors - 2));
    data_[0].assign(lbas_.size() * kSectorSize, 0);
    data_[1].assign(lbas_.size() * kSectorSize, 0);
    got_[0].assign(lbas_.size(), false);
    got_[1].assign(lbas_.size(), false);
  }

  std::uint32_t id() const { return id_; }
  const Port& subject() const { return subject_; }
  const Port& reference() const { return reference_; }
  const std::vector<std::uint64_t>& lbas() const { return lbas_; }
  const Port& port(Side side) const { return side == Side::subject ? subject_ : reference_; }

  // One sector read through `side`. REQUIRES: index < lbas().size(),
  // sector.size() >= kSectorSize.
  void answered(Side side, std::size_t index, const std::uint8_t* sector) {
    const auto s = static_cast<std::size_t>(side);
    std::memcpy(data_[s].data() + index * kSectorSize, sector, kSectorSize);
    got_[s][index] = true;
  }

  bool has(Side side, std::size_t index) const {
    return got_[static_cast<std::size_t>(side)][index];
  }

  // `media_changes`: the target's count of media-changing frames sent.
  Verdict verdict(std::uint64_t media_changes) const {
    for (const auto& side : got_)
      for (bool g : side)
        if (!g) return Verdict::pending;
    if (data_[0] == data_[1]) return Verdict::same;
    return media_changes == media_changes_ ? Verdict::differs : Verdict::inconclusive;
  }

 private:
  std::uint32_t id_;
  Port subject_, reference_;
  std::uint64_t media_changes_;
  std::vector<std::uint64_t> lbas_;
  std::vector<std::uint8_t> data_[2];
  std::vector<bool> got_[2];
};

}  // namespace aoe
