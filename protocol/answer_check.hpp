// Does an answer answer the frame its tag was sent with?
//
// Every initiator on a segment hears answers meant for others (daemons on
// one NIC share its MAC and receive every answer to it), and tags of two
// initiators can collide (tag_table.hpp). So an answer completes a frame
// only if it carries what the target returns for that frame:
//   * the shelf.slot and the AoE command sent;
//   * Query Config, MAC Mask, Reserve/Release: the sub-command sent (r11
//     returns the request's; a lock's "set if empty" must not be completed
//     by an answer to someone's "read");
//   * ATA reads and writes: the LBA, as this target returns it — the
//     request's (vblade: "echo") or the one after the last sector moved
//     ("advanced", the ATA register after a transfer); the sector count as
//     this target returns it, per direction — the request's ("echo") or what
//     is left ("remaining", 0: vblade); the ATA W flag once the target was
//     seen to return it; a read's sectors in full. An ATA error answer may
//     name any LBA of the frame's range (where it failed) and any count; an
//     AoE error answer (not executed) returns the LBA as a success would,
//     and one cut short before the ATA header is taken only while the
//     target's LBA is not learned (one that returns it returns the header).
// What a target returns is learned from the answers that passed
// (learn_echo): until then a field is not checked — a target that never
// returns the LBA is still served, checked by everything else. The LBA is
// learned only from a frame at a nonzero LBA, so a target that leaves zeros
// there is not taken for one that echoes; IDENTIFY, whose LBA means nothing
// to the target, is sent with kIdentifyLbaMark there, so an echoing target
// is checked as one from its first read or write. Copies of one frame
// answered otherwise than learned make the engine forget and learn anew
// (kDoubtAfter). The ATA command byte
// cannot be checked: an answer carries the status register in its place.
// The port an answer came from is the engine's to check (it knows paths).
#pragma once

#include <cstdint>
#include <optional>

#include "protocol/codec/frame.hpp"
#include "protocol/initiator_types.hpp"

namespace aoe {

// The LBA field of IDENTIFY DEVICE frames (ATA ignores it there): nonzero,
// so an answer that returns it shows the target echoes the LBA.
inline constexpr std::uint64_t kIdentifyLbaMark = 0x414f45;  // "AOE"

// What a frame was sent with, as far as an answer can show it.
struct SentFrame {
  enum class Data : std::uint8_t { none, read, write, identify };
  TargetAddress target;
  std::uint8_t command = 0;     // AoE command
  std::uint8_t subcommand = 0;  // Query Config / MAC Mask / Reserve: the sub-command
  Data data = Data::none;       // READ or WRITE SECTORS (EXT), or IDENTIFY
  std::uint64_t lba = 0;        // data frames; IDENTIFY: kIdentifyLbaMark
  std::uint8_t sectors = 0;     // data frames
};

// What one target's answers were seen to return (learned per target).
struct AnswerEcho {
  // `identify`: IDENTIFY returned kIdentifyLbaMark, so the LBA is checked as
  // echoed until a data answer confirms it (`echo`) — or kDoubtAfter answers
  // in a row are refused, and the hint is not taken again.
  enum class Lba : std::uint8_t { unknown, identify, echo, advanced };
  enum class Count : std::uint8_t { unknown, echo, remaining };
  // Copies of one frame — each with its own fresh tag — whose answers were
  // refused for a learned field (LBA, count, W flag, header) before what was
  // learned is forgotten: a target that answers otherwise than it did
  // (another implementation behind the same address, or IDENTIFY misleading)
  // is learned anew instead of refused for good. Answers of other
  // initiators cannot make such a run: it takes answers carrying each new
  // tag of the frame's, and they do not know our tags (tag_table.hpp).
  static constexpr unsigned kDoubtAfter = 3;
  Lba lba = Lba::unknown;
  Count read_count = Count::unknown;
  Count write_count = Count::unknown;
  bool write_flag = false;       // a write answer returned the W flag
  bool identify_misled = false;  // IDENTIFY's echo was no guide to data answers
};

// Why `answer` does not answer `sent`, or nullopt when it does.
std::optional<RefusedAnswer> check_answer(const SentFrame& sent, const Frame& answer,
                                          const AnswerEcho& echo);

// Learns from an answer that passed check_answer() what this target returns.
void learn_echo(AnswerEcho& echo, const SentFrame& sent, const Frame& answer);

// Whether `reason` concerns what was learned of the target (and so a run of
// it may mean the learning was wrong: forget_echo).
bool learned_field(RefusedAnswer reason);

// Forgets what was learned, to learn it anew from the next answers.
void forget_echo(AnswerEcho& echo);

}  // namespace aoe
