// Tags of frames in flight, without allocation on the hot path.
//
// A tag is 0x80000000 | ((generation << 12 | slot) ^ salt): bit 31 is always
// set (the Linux aoe driver uses tags with bit 31 clear and drops answers
// with it set, so both can share a target), the low 12 bits of the unsalted
// value index a fixed table of kSlots entries, and the 19-bit generation
// counts uses of that slot. Every transmission — also every retransmission
// of the same frame — takes a fresh generation, so a tag is unique among
// outstanding frames and an answer to an older copy is recognisable: its
// slot is live or free, but its generation is behind. Such answers
// (duplicates, late answers to retransmitted frames) are told apart from
// tags we never issued (`classify`) and counted.
//
// Other initiators hear our answers and we hear theirs (daemons on one NIC
// share its MAC). So that two initiators do not draw the same tags in the
// same order, each table is built from a seed the caller draws at random
// (initiator.cpp: getrandom): the salt (31 bits) and every slot's first
// generation come from it. Two tables with different seeds still collide
// now and then — a tag of another initiator's equals one of our live tags
// with probability about in_use() / 2^31 per answer — which is why answers
// are also checked against what their tag was sent with (answer_check.hpp).
// Seed 0 gives salt 0 and generation 0 everywhere: the fixed layout unit
// tests rely on.
#pragma once

#include <cstdint>
#include <vector>

namespace aoe {

template <class Entry>
class TagTable {
 public:
  static constexpr unsigned kSlotBits = 12;
  static constexpr unsigned kSlots = 1u << kSlotBits;
  static constexpr std::uint32_t kGenerationMask = (1u << (31 - kSlotBits)) - 1;
  // An answer whose generation is at most this far behind its slot's is
  // "ours, but stale"; further back it is treated as unknown.
  static constexpr std::uint32_t kRecentGenerations = 1024;

  enum class Match { current, stale, unknown };

  explicit TagTable(std::uint64_t seed = 0) : slots_(kSlots) {
    if (seed != 0) {
      std::uint64_t state = seed;
      salt_ = static_cast<std::uint32_t>(mix(state)) & 0x7fffffffu;
      for (Slot& slot : slots_)
        slot.generation = static_cast<std::uint32_t>(mix(state)) & kGenerationMask;
    }
    free_.reserve(kSlots);
    for (unsigned i = kSlots; i-- > 0;) free_.push_back(static_cast<std::uint16_t>(i));
  }

  bool full() const { return free_.empty(); }
  std::size_t in_use() const { return kSlots - free_.size(); }

  // Takes a free slot and gives it a fresh tag. REQUIRES: !full().
  std::uint16_t acquire() {
    const std::uint16_t s = free_.back();
    free_.pop_back();
    Slot& slot = slots_[s];
    slot.live = true;
    slot.entry = Entry{};
    retag(s);
    return s;
  }
  // A fresh tag for the same slot (retransmission).
  std::uint32_t retag(std::uint16_t s) {
    Slot& slot = slots_[s];
    slot.generation = (slot.generation + 1) & kGenerationMask;
    slot.tag = make_tag(slot.generation, s);
    return slot.tag;
  }
  void release(std::uint16_t s) {
    Slot& slot = slots_[s];
    if (!slot.live) return;
    slot.live = false;
    // Advance the generation so any answer to the released tag reads "stale".
    slot.generation = (slot.generation + 1) & kGenerationMask;
    slot.tag = 0;
    free_.push_back(s);
  }

  std::uint32_t tag(std::uint16_t s) const { return slots_[s].tag; }
  Entry& entry(std::uint16_t s) { return slots_[s].entry; }
  const Entry& entry(std::uint16_t s) const { return slots_[s].entry; }
  bool live(std::uint16_t s) const { return slots_[s].live; }

  // How many tags slot `s` took since `tag` was its own: 0 for its tag now,
  // n for the copy sent n transmissions before (every transmission of a
  // frame retags its slot, so a frame's copies are consecutive generations
  // and an earlier copy is found without keeping its tag). Meaningful for a
  // tag that names `s` (slot_of) and is not unknown.
  std::uint32_t retags_since(std::uint16_t s, std::uint32_t tag) const {
    const std::uint32_t gen = (unsalted(tag) >> kSlotBits) & kGenerationMask;
    return (slots_[s].generation - gen) & kGenerationMask;
  }
  // The tag slot `s` had `n` retags ago (retags_since's inverse).
  std::uint32_t tag_before(std::uint16_t s, std::uint32_t n) const {
    return make_tag((slots_[s].generation - n) & kGenerationMask, s);
  }

  // The slot a tag of this table names (meaningful when classify() is not unknown).
  std::uint16_t slot_of(std::uint32_t tag) const {
    return static_cast<std::uint16_t>(unsalted(tag) & (kSlots - 1));
  }

  Match classify(std::uint32_t tag) const {
    if (!(tag & 0x80000000u)) return Match::unknown;
    const Slot& slot = slots_[slot_of(tag)];
    if (slot.live && slot.tag == tag) return Match::current;
    const std::uint32_t gen = (unsalted(tag) >> kSlotBits) & kGenerationMask;
    const std::uint32_t behind = (slot.generation - gen) & kGenerationMask;
    if (behind >= 1 && behind <= kRecentGenerations) return Match::stale;
    return Match::unknown;
  }

 private:
  struct Slot {
    Entry entry{};
    std::uint32_t tag = 0;
    std::uint32_t generation = 0;
    bool live = false;
  };
  // splitmix64: spreads one seed over the salt and the first generations.
  static std::uint64_t mix(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint32_t make_tag(std::uint32_t generation, std::uint16_t s) const {
    return 0x80000000u | (((generation << kSlotBits) | s) ^ salt_);
  }
  std::uint32_t unsalted(std::uint32_t tag) const { return (tag & 0x7fffffffu) ^ salt_; }

  std::vector<Slot> slots_;
  std::vector<std::uint16_t> free_;
  std::uint32_t salt_ = 0;
};

}  // namespace aoe
