// The protocol core of the initiator, without sockets, threads or timers.
//
// Engine holds every target's session — discovery facts, the window, the tag
// table, the RTT estimator, retransmission deadlines, the stale-write guard,
// queued and running operations — and is driven from outside:
//   on_frames(link, frames, now) a receive batch arrived on links[link]
//                                (one recvmmsg); on_frame(link, bytes, now)
//                                is a batch of one. Decisions that depend
//                                on the batch as a whole (fast retransmit)
//                                are made before it returns, so no state
//                                is left between calls
//   on_timer(now)                time passed; do whatever is due
//   read()/write()/... (now)     start an operation
// and it acts only through Link::send_frame() and the `defer` callback,
// which must run the given completion later, never inline (initiator.cpp
// posts it to the io_context; tests queue it). Later also means after the
// handler that finished the operation has returned: a write's data goes to
// the link uncopied (Link::Data::in_place), and the link may read it until
// then. next_wakeup() says when on_timer() is due next (it may be called
// earlier; never later, or retransmissions are late). Every call passes
// `now`, so unit tests drive it with a manual clock.
//
// Not thread-safe: one thread at a time calls it. initiator.cpp wraps it
// with Asio and a mutex (requests may enter on their callers' threads,
// InitiatorOptions::submit_inline; frames and timers on the io thread).
//
// Where things are: engine.cpp carves operations into frames and keeps
// them in flight (window, retransmission, deadlines); engine_answers.cpp
// matches an answer to its frame and does what every answer does (timing,
// reordering, spurious retransmissions); engine_ops.cpp is one entry per
// kind of operation (what its frames carry, what an answer means to it:
// the only place that knows read from write from Query Config);
// engine_flush.cpp, engine_trim.cpp the two kinds with rules of their own;
// engine_frame_size.cpp the frame size per path; engine_discovery.cpp
// targets, IDENTIFY and probes, with path_set.hpp keeping each target's
// ports; engine_refresh.cpp announcements. engine_state.hpp holds the state
// they share.
//
// Per-target rules (see also rtt_estimator.hpp, congestion_window.hpp,
// tag_table.hpp, write_guard.hpp):
//  * Operations queue in FIFO order; frames are carved from the head
//    operation while fewer than window() frames are in flight. Reads and
//    writes go in frames of at most the target's sectors per frame (min of
//    its Query Config sector count and what each path's MTU carries).
//  * A frame unanswered after its timeout (with exponential backoff) is sent
//    again with a fresh tag on the next healthy path, and the window halves (AIMD). The timeout of
//    a frame is the RTO plus the target's service time per frame for every frame in flight ahead of
//    it, and every answer pushes the timeouts of the frames still in flight to at least that from
//    now: a target working slowly through a full window (synchronous writes, 3 ms each, 20 buffers)
//    is waiting, not losing. The service time is measured from the gaps between answers
//    (engine_answers.cpp, on_answer_timing); as a tag names one copy, every
//    answer is an exact RTT sample, retransmitted frames included.
//  * Ports (anyone on the segment may answer for any address): the first
//    port that answers discovery defines the target, by the IDENTIFY sent
//    on it. Any later port claiming the address is a candidate until an
//    IDENTIFY sent on that port answers with the same serial, model,
//    firmware and capacity; then it is a path. One that answers another
//    identity is a conflict (two disks with one shelf.slot): never used,
//    counted, listed in TargetInfo::conflicts. Candidates' Query Config
//    answers change nothing of the target's. While the target has no
//    identity (its first port never answered IDENTIFY: a forger won the
//    discovery race), candidates are probed after 500 ms, and the first
//    that answers defines the target instead. Paths + candidates are at
//    most max_paths, targets at most max_targets (the rest counted). A
//    path that misses kPathMisses times is avoided by new frames and
//    retransmissions while another is healthy, probed with IDENTIFY at
//    250 ms doubling up to the discovery interval (a probe answer earns it
//    one trial frame: answering IDENTIFY is not serving I/O), and dropped
//    after path_timeout without an I/O answer while another path has
//    answered I/O within it (an idle target keeps its paths); a dropped
//    port is ignored for path_timeout. A candidate that never answers its
//    IDENTIFY is dropped after path_timeout too.
//  * Phantoms: a Query Config answer of a new address (asked for or not)
//    puts it in the table, unidentified; it is a target — listed, counted
//    against max_targets, told to the listener — only once an IDENTIFY on
//    one of its ports answered. An address not identified within
//    kIdentifyPatience leaves the table (LinkStats::addresses_evicted); at
//    most kMaxUnidentified wait, a new one evicting the oldest. Only
//    answers to our own discovery broadcast set a known target's buffer
//    count, sector count and config string (an unsolicited one, which
//    anyone can forge with the target's MAC, only the first time).
//  * Fast retransmit: when reorder_threshold frames sent after a frame on
//    the same path were answered while it was not, it is taken as lost and
//    sent again at the end of the receive batch (as TCP does on three
//    duplicate ACKs) — if its answer was not further down the same batch,
//    as it often is from a target that reorders (and unless a spurious
//    retransmission proven in the batch raised the threshold past its
//    passes). Targets like vblade serve requests in order, so on a LAN
//    this finds a loss within a few frame times instead of an RTO
//    (>= 10 ms) — under 5 % loss that is the difference between a few MB/s
//    and near line rate. The threshold starts
//    at kFastRetransmitAnswers; with fewer frames in flight than that it
//    drops to what is possible (RFC 5827 style), unless the target is known
//    to reorder.
//  * Spurious retransmissions: every copy of a frame has its own tag, and
//    the copies of one frame take consecutive generations of its slot
//    (tag_table.hpp), so an answer to any earlier copy is recognised in
//    O(1). It proves the frame was not lost after that copy: it completes
//    the frame (the data is the same), the retransmissions since count in
//    stats.retransmits_spurious, a window cut any of them made is undone
//    once (Eifel), and, when the first of them was a fast retransmission
//    (the answered copy was taken for lost), the target's reorder
//    threshold rises past the reordering seen (the answers between the
//    frame being first passed and its answer), at most to the window limit.
//    An answer to a copy after a later one was answered is a duplicate.
//    A raised threshold steps back by one every kReorderDecayAnswers answers
//    without a spurious retransmission. stats.retransmits_timeout and
//    retransmits_fast tell the two kinds apart. A target serving from
//    several threads (5 % of answers after 3-6 later ones) costs a few
//    retransmissions instead of one per reordered answer.
//  * Frame size: reads and writes go in frames of TargetInfo::
//    sectors_per_frame, the least any path carries now. A path on which
//    kBlackHoleTimeouts frames too big for a 1500-byte MTU time out in a
//    row (none answered between) is taken for a jumbo black hole (a switch
//    with a smaller MTU, or the link's MTU shrunk): it falls back to frames
//    that fit 1500 bytes (2 sectors), every big frame still in flight is
//    re-split into such frames at once with fresh tags (as is any frame
//    bigger than the size in use when it times out). When a small frame is
//    then answered the hole is confirmed: the listener hears the new size,
//    and stats.frame_size_fallbacks counts it; when small frames time out
//    too (kBlackHoleTimeouts of them) the path is dead, not a hole, and
//    goes back to full size without a word. The caller sees
//    nothing but the delay. Every kFrameSizeProbeInterval one full-size
//    frame is sent on that path; answered, the path is back to full size
//    (stats.frame_size_restores); lost, it is re-split and the next probe
//    waits another interval. A target that stalls for longer than the RTO
//    looks like a hole at first; its queued answers to the full-size frames
//    sent before the fallback then come late, and any such answer (to a
//    copy re-split at the fallback, from that path's port) brings the path
//    back to full size at once — counted as a restore and told
//    only when a small answer had already confirmed the hole.
//  * A control command is one frame: a mask edit or reserve list (or a
//    config string) whose frame is larger than what every path of the
//    target carries now (the link's MTU; 1500 bytes on a path fallen back
//    to small frames), or with more than 255 entries (the count is a
//    byte), fails at once with InitiatorErrc::too_large, nothing sent. At
//    MTU 1500 a mask edit carries at most 185 directives, a reserve list
//    185 MACs. A send the link refuses as too large (message_size) also
//    fails the operation with too_large at once: it is never taken for a
//    lost frame.
//  * Discovery after start() is repeated after 250 ms, 1 s and 3 s (then
//    every discovery_interval), so one lost broadcast does not hide a target
//    for a whole interval. A new round releases the previous broadcast's
//    tag; answers to that one that come after (a slow target, or rounds
//    close together: start() and the daemon's first wait_discovery) are
//    taken as answers to our broadcast, not counted as duplicates (those
//    are answers to I/O frames already answered) nor as unmatched.
//  * An operation fails with InitiatorErrc::timeout when dead_timeout passed
//    since it was started without completing; at once on an AoE error answer
//    or an ATA error (status ERR/DF; for flushes see below). A dead_timeout
//    of 0 means for ever (as the Linux driver's aoe_deadsecs=0): no
//    operation fails for time, no target is marked down, frames are sent
//    again at the largest RTO until answered or the operation is cancelled
//    (shutdown). Control commands keep their own patience.
//  * While operations wait on a target that has answered nothing since the
//    oldest of them was submitted, stats() tells how long (unanswered_for)
//    and how many (waiting): what the daemon logs during an outage.
//  * Flush: a flush waits until every write frame in flight before it is
//    acknowledged (it covers them), then acts by TargetInfo::flush_mode,
//    set from IDENTIFY words 82-87: a write cache reported absent or
//    disabled (word 82 bit 5 / word 85 bit 5; a word 82 of 0 or FFFFh
//    reports nothing) is `none (no write cache)`: no frame, the writes'
//    acknowledgements are the durability. Else FLUSH CACHE EXT when word
//    83/86 bit 13 says so (`ext`), else FLUSH CACHE E7h (`28`) — also when
//    no flush is advertised: it is tried. EXT aborted (ABRT, as vblade does)
//    is retried as E7h and the target remembered as `28`. E7h aborted on a
//    target that does not advertise it (word 83/86 bit 12) means it has none:
//    success, and `none (write cache on: data at risk)` from then on, with no
//    frame. A flush answer with ERR clear is success whatever the status and
//    the error register (ATA defines that register only with ERR; vblade
//    leaves it uninitialised, a target echoing EAh sets BSY/DF;
//    stats.flush_odd_status counts such answers; the first with BSY/DF set
//    is kept in TargetInfo::flush_odd_status and told to the listener once);
//    ERR is an error. A mode change reaches the target listener once.
//    Probe: while an answer could still change the mode (`ext`, or `28`
//    without FLUSH CACHE advertised), the first IDENTIFY is followed by one
//    flush of the engine's own (engine_flush.cpp, probe_flush), so the
//    mode is known before the first fsync; its answer only sets the mode,
//    its failure (a timeout) changes and counts nothing. identifying()
//    counts it, so a discovery round waits for it.
//  * Control commands (IDENTIFY, Query Config, MAC Mask, Reserve/Release)
//    queue apart and go at once, at most kControlInFlight per target, beside
//    the data window: they take no window slot, and a silent one is sent
//    again on its RTO back-off without cutting the window, counting a path
//    miss or being fast-retransmitted. Each must complete within
//    control_patience (16 RTOs, 1 to 3 s, at most dead_timeout), else it
//    fails — a target may simply not implement it: a MAC Mask or Reserve
//    that times out while the target answered anything else since it was
//    submitted (an otherwise idle target is asked its Query Config beside
//    it) marks the command unsupported (TargetInfo::mask_unsupported,
//    reserve_unsupported; the listener hears it once), fails with
//    not_supported, and so does every later one, at once, without a frame.
//  * A target is marked down when it has not answered anything for
//    dead_timeout since the oldest operation submitted after its last answer
//    (or since we first sent to it: I/O, or a discovery broadcast on one of
//    its interfaces). Then every operation queued or in flight fails at once
//    with target_down (none was acknowledged: those completed), so a write
//    and the flush after it cost one dead timeout, not two; new operations
//    on a down target fail with target_down; any answer brings it back
//    (re-IDENTIFY).
//  * Trim: DATA SET MANAGEMENT (06h, feature 1, LBA48 form) when IDENTIFY
//    word 169 bit 0 says the target has it, else not_supported without a
//    frame. Each frame carries up to min(sectors per frame, word 105) blocks
//    of 64 ranges (48-bit LBA + 16-bit length, at most 65535 sectors each),
//    so one frame covers up to blocks * 64 * 65535 sectors; the sector count
//    field is the number of payload blocks. Trim frames are ordered with
//    writes (they wait for overlapping ones and are quarantined like them),
//    and a flush covers them.
//  * Live resize: a target is IDENTIFIed again when it comes back, when it
//    announces itself (the version-0 Query Config answer vblade broadcasts
//    at start; LinkStats::announcements counts them), and at a discovery
//    answer once options.identify_interval passed since its last IDENTIFY.
//    A changed capacity reaches the target listener once; from then on
//    operations past the new end fail with out_of_range without a frame.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/request_stages.hpp"
#include "protocol/answer_check.hpp"
#include "protocol/clock.hpp"
#include "protocol/congestion_window.hpp"
#include "protocol/content_check.hpp"
#include "protocol/codec/frame.hpp"
#include "protocol/initiator_types.hpp"
#include "protocol/codec/identify.hpp"
#include "protocol/link.hpp"
#include "protocol/path_set.hpp"
#include "protocol/rtt_estimator.hpp"
#include "protocol/tag_table.hpp"
#include "protocol/write_guard.hpp"

namespace aoe {

struct EngineConfig {
  InitiatorOptions options;
  RttLimits rtt;
  // Off only in the test that shows what the guard prevents.
  bool stale_write_guard = true;
  // Off only in the test that shows what adapting to reordering prevents.
  bool adapt_reordering = true;
  // Seeds this engine's tags (tag_table.hpp). Initiators sharing a segment
  // must draw different seeds: the Initiator takes one from getrandom().
  // 0 gives the fixed layout unit tests rely on.
  std::uint64_t tag_seed = 0;
  // Where the engine records the queued and wire stages of reads and writes
  // (request_stages.hpp); null: not recorded. Outlives the engine.
  RequestStages* stages = nullptr;
};

class Engine {
 public:
  static constexpr unsigned kFastRetransmitAnswers = 3;
  // Jumbo black hole: timeouts in a row of frames too big for a 1500-byte
  // MTU before a path falls back to frames that fit one; how often it then
  // tries a full-size frame again.
  static constexpr unsigned kBlackHoleTimeouts = 3;
  static constexpr unsigned kSmallFrameMtu = 1500;
  static constexpr Duration kFrameSizeProbeInterval = std::chrono::seconds(30);
  // A raised reorder threshold steps back by one after this many answers
  // without a spurious retransmission.
  static constexpr std::uint64_t kReorderDecayAnswers = 2048;
  // Frames avoid a path after this many misses in a row while another path
  // is healthy (a pulled cable would otherwise cost every other frame an
  // RTO); IDENTIFY probes tell when it is back (engine_discovery.cpp).
  static constexpr unsigned kPathMisses = PathSet::kMisses;
  // Phantoms: an address waits at most this long for its first IDENTIFY
  // answer (never longer than dead_timeout), and at most this many wait.
  static constexpr Duration kIdentifyPatience = std::chrono::seconds(3);
  static constexpr std::size_t kMaxUnidentified = 64;
  // Control commands: at most this many in flight per target, beside the
  // window; each must be answered within 16 RTOs, clamped to these bounds
  // (and never beyond dead_timeout).
  static constexpr std::size_t kControlInFlight = 2;
  static constexpr Duration kControlPatienceMin = std::chrono::seconds(1);
  static constexpr Duration kControlPatienceMax = std::chrono::seconds(3);

  using Defer = std::function<void(std::function<void()>)>;

  // `links` must outlive the engine; their receivers are wired by the caller.
  Engine(std::vector<Link*> links, EngineConfig config, Defer defer);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void set_target_listener(TargetListener listener) { listener_ = std::move(listener); }

  void start(TimePoint now);         // first discovery round, then periodic
  void discover_now(TimePoint now);  // a discovery round now
  // One receive batch of links[link] (Link::Receiver): fast retransmissions
  // are decided after its last frame. on_frame() is a batch of one.
  void on_frames(std::size_t link, Link::Batch frames, TimePoint now);
  void on_frame(std::size_t link, std::span<const std::uint8_t> frame, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_wakeup() const { return wakeup_; }

  void read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
            std::span<std::uint8_t> buffer, Handler done, TimePoint now);
  void write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
             std::span<const std::uint8_t> buffer, Handler done, TimePoint now);
  void flush(TargetAddress target, Handler done, TimePoint now);
  // DATA SET MANAGEMENT TRIM of [lba, lba+sectors) (see "Trim").
  void trim(TargetAddress target, std::uint64_t lba, std::uint32_t sectors, Handler done,
            TimePoint now);
  void query_config(TargetAddress target, ConfigCommand command, std::string config,
                    ConfigHandler done, TimePoint now);
  void mac_mask(TargetAddress target, MacMaskMessage request, MaskHandler done, TimePoint now);
  void reserve(TargetAddress target, ReserveMessage request, ReserveHandler done, TimePoint now);

  // Every pending operation completes with `cancelled`; later calls too.
  void shutdown();
  bool is_shut_down() const { return shut_down_; }
  bool is_started() const { return started_; }

  // Targets that answered discovery but whose IDENTIFY has not completed,
  // or whose flush probe ("Flush") has not: what a discovery round waits
  // for, so that it shows the flush mode as it is.
  std::size_t identifying() const;
  // Whether that target is one of them.
  bool identifying(TargetAddress address) const;

  std::vector<TargetInfo> targets() const;
  std::optional<TargetInfo> target(TargetAddress address) const;
  // `now` (default: the latest time passed in) dates unanswered_for.
  std::optional<TargetStats> stats(TargetAddress address,
                                   std::optional<TimePoint> now = std::nullopt) const;
  LinkStats link_stats() const { return link_stats_; }
  std::vector<MacAddress> local_macs() const;

 private:
  enum class OpKind : std::uint8_t { read, write, flush, identify, config, mask, reserve, trim };
  struct ReadOp;
  struct WriteOp;
  struct FlushOp;
  struct IdentifyOp;
  struct ConfigOp;
  struct MaskOp;
  struct ReserveOp;
  struct TrimOp;
  static constexpr bool is_control_kind(OpKind k) {
    return k == OpKind::identify || k == OpKind::config || k == OpKind::mask ||
           k == OpKind::reserve;
  }
  struct FrameFields;
  struct Op;
  struct Target;
  struct PendingFrame {
    bool discovery = false;
    bool probe = false;  // an IDENTIFY checking one port (engine_discovery.cpp)
    // A probe that reads one sector for a content check (content_check.hpp):
    // the check's id (0: an IDENTIFY probe), the side, the sector's index.
    std::uint32_t check_id = 0;
    std::uint8_t check_side = 0;
    std::uint16_t check_index = 0;
    MacAddress probe_mac;  // probe: the port's MAC
    std::size_t link = 0;  // discovery: the link broadcast on; probe: the port's link
    Target* target = nullptr;
    Op* op = nullptr;
    std::uint64_t lba = 0;
    std::uint32_t offset = 0;  // sectors into the operation's buffer (trim: sectors its
                               // ranges cover, from lba)
    std::uint8_t sectors = 0;
    std::uint8_t ata_cmd = 0;
    std::uint8_t command = 0;     // AoE command
    std::uint8_t subcommand = 0;  // Query Config / MAC Mask / Reserve: the sub-command sent
    std::optional<OpKind> kind;   // I/O frames: their operation's (op may finish first)
    unsigned path = 0;
    // Copies sent, the current one being copy `sends` (copy 1 is the first
    // transmission). Copy c's tag is the one the slot had sends - c retags
    // ago (TagTable::retags_since): every earlier copy's answer is known.
    unsigned sends = 0;
    std::uint64_t seq = 0;        // target-wide send order of the current copy
    unsigned later_answers = 0;   // answers to copies sent after this one
    std::uint64_t passed_at = 0;  // Target::answers when the first of those came
    // Bit c - 1: copy c was a fast retransmission / sending it cut the window
    // (copies past the 32nd are not kept: a frame sent that often is timing
    // out against a dead target, not being reordered).
    std::uint32_t fast_copies = 0;
    std::uint32_t cut_copies = 0;
    // Copies whose answers were refused for what the target was learned to
    // return, and the last such copy's tag (AnswerEcho::kDoubtAfter).
    std::uint32_t refused_tag = 0;
    unsigned refused_copies = 0;
    bool size_probe = false;  // full-size frame on a path fallen back to small ones
    TimePoint first_sent{}, last_sent{}, retransmit_at{};
    // When the last kTimedCopies copies were sent: copy c at
    // sent_at[(c - 1) % kTimedCopies]. An answer to an older one is still
    // spurious, only no RTT sample.
    static constexpr unsigned kTimedCopies = 4;
    std::array<TimePoint, kTimedCopies> sent_at{};
    std::optional<TimePoint> copy_sent(unsigned copy) const {
      if (copy == 0 || copy > sends || sends - copy >= kTimedCopies) return std::nullopt;
      return sent_at[(copy - 1) % kTimedCopies];
    }
    // Writes and trims change the media: ordered, quarantined, covered by flushes.
    bool changes_media() const { return kind == OpKind::write || kind == OpKind::trim; }
    bool carries_data() const { return kind == OpKind::read || kind == OpKind::write; }
    bool control() const { return kind && is_control_kind(*kind); }
    std::uint32_t media_sectors() const { return kind == OpKind::trim ? offset : sectors; }
  };

  // ---- engine.cpp: operations, frames in flight, time -------------------
  Target* find(TargetAddress address);
  const Target* find(TargetAddress address) const;
  // Validates and enqueues; completes at once (deferred) when it cannot start.
  void submit(TargetAddress address, std::unique_ptr<Op> op, TimePoint now);
  // Carves frames from the head of the queue while the window allows.
  void pump(Target& t, TimePoint now);
  bool pump_data(Target& t, Op& op, TimePoint now);
  bool pump_flush(Target& t, Op& op, TimePoint now);
  void pump_control(Target& t, TimePoint now);
  // A control command's deadline from its start (see "Control commands").
  Duration control_patience(const Target& t) const;
  std::error_code expiry_error(Target& t, const Op& op);
  bool write_in_flight(const Target& t) const;
  bool overlaps_write_in_flight(const Target& t, std::uint64_t lba, std::uint32_t sectors) const;
  void issue(Target& t, Op& op, std::uint64_t lba, std::uint32_t offset, std::uint8_t sectors,
             TimePoint now, std::optional<unsigned> probe_path = std::nullopt);
  void transmit(std::uint16_t slot);
  void retransmit(std::uint16_t slot, bool fast, TimePoint now);
  void retransmit_control(std::uint16_t slot, TimePoint now);
  void send_copy(std::uint16_t slot, TimePoint now);
  // When a first transmission sent now times out: the RTO plus the service
  // time of the frames queued ahead of it at the target.
  TimePoint first_timeout(const Target& t, const Op& op, TimePoint now) const;
  void finish(Target& t, Op& op, std::error_code ec);
  void complete(std::unique_ptr<Op> op, std::error_code ec);
  void retire_frame(Target& t, std::uint16_t slot, bool answered);
  void want_wakeup(TimePoint t) {
    if (t < wakeup_) wakeup_ = t;
  }

  // ---- engine_answers.cpp: which frame an answer is for; what every answer does
  // decode(), counting a frame that fails it as malformed.
  std::optional<Frame> decode_counted(std::span<const std::uint8_t> bytes);
  void on_one_frame(std::size_t link, std::span<const std::uint8_t> bytes, TimePoint now);
  void on_current_answer(std::size_t link, std::uint16_t slot, const Header& h,
                         std::span<const std::uint8_t> bytes, TimePoint now);
  void on_stale_answer(std::size_t link, std::uint16_t slot, const Header& h,
                       std::span<const std::uint8_t> bytes, TimePoint now);
  void on_unknown_answer(std::size_t link, const Header& h, std::span<const std::uint8_t> bytes,
                         TimePoint now);
  // Answers to I/O frames (not discovery, not probes): checked against what
  // the tag was sent with (answer_check.hpp) before they complete anything.
  // `copy`: which copy the tag named (PendingFrame::sends: the current one).
  void on_io_answer(std::uint16_t slot, std::span<const std::uint8_t> bytes, unsigned copy,
                    TimePoint now);
  SentFrame sent_frame(const PendingFrame& f) const;
  void refuse(RefusedAnswer reason);
  void handle_answer(std::uint16_t slot, const Frame& frame, unsigned copy, TimePoint now);
  // A frame an answer of this batch passed to the reorder threshold: the
  // copy passed, the threshold then and the target's reorder_threshold then.
  struct Passed {
    std::uint16_t slot;
    std::uint32_t tag;
    unsigned threshold;
    unsigned reorder_threshold;
  };
  void pass_frames_before(Target& t, std::uint16_t slot, const PendingFrame& f, bool earlier_copy);
  void retransmit_passed(TimePoint now);
  void decay_reorder_threshold(Target& t);
  void on_answer_timing(Target& t, const PendingFrame& f, unsigned copy, TimePoint now);
  void on_spurious(Target& t, const PendingFrame& f, unsigned copy);

  // ---- engine_ops.cpp: helpers of the per-kind entries (engine_state.hpp)
  const AtaMessage* ata_answer(Target& t, Op& op, const Frame& frame, bool check_status);
  void on_sectors_answered(Target& t, Op& op, std::uint32_t sectors);
  template <class Reply, class Handler>
  void reply_once(Target& t, Op& op, Handler& done, Reply reply);

  // ---- engine_flush.cpp ------------------------------------------------
  enum class FlushStart { wait, send, done };
  FlushStart start_flush(Target& t, Op& op, FlushOp& flush);
  void handle_flush_answer(Target& t, Op& op, const PendingFrame& f, const AtaMessage& ata);
  void set_flush_mode(Target& t, FlushMode mode);
  // After the first IDENTIFY: one flush, when an answer could still change
  // the mode, whose answer only sets it.
  void probe_flush(Target& t, TimePoint now);

  // ---- engine_trim.cpp ---------------------------------------------------
  bool pump_trim(Target& t, Op& op, TimePoint now);
  std::span<const std::uint8_t> trim_payload(const PendingFrame& f);

  // ---- engine_frame_size.cpp: frame size per path, jumbo black holes -----
  void update_frame_size(Target& t);
  std::optional<unsigned> probe_due(Target& t, TimePoint now);
  unsigned frame_sectors(const Target& t, const Path& p) const;
  // The largest frame every path of `t` carries now (0: no paths).
  std::size_t largest_frame(const Target& t) const;
  // Whether control operation `op` fits one frame that every path carries.
  bool fits_one_frame(const Target& t, const Op& op) const;
  // True when it found a black hole and re-split every big frame in flight.
  bool on_big_frame_timeout(Target& t, const PendingFrame& f, TimePoint now);
  // Big-frame answers before on_path_answer: a full-size answer on a path
  // fallen back restores it, and is no confirmation of the hole.
  void on_big_frame_answer(Target& t, const PendingFrame& f);
  void on_late_answer(Target& t, std::size_t link, const MacAddress& src, std::uint32_t tag);
  void restore_full_size(Target& t, Path& path);
  void on_small_frame_timeout(Target& t, const PendingFrame& f);
  void on_path_answer(Target& t, const PendingFrame& f);
  void resplit(std::uint16_t slot, TimePoint now);
  static bool big_frame(const PendingFrame& f);

  // ---- engine_discovery.cpp: targets, up/down, IDENTIFY, ports -----------
  // How a Query Config answer came: to our broadcast, unasked (another
  // initiator's question, or forged), or as a start-up announcement.
  enum class Heard { solicited, unsolicited, announcement };
  void handle_discovery(std::size_t link, const Frame& frame, TimePoint now, Heard heard);
  Target* admit(TargetAddress address, TimePoint now);
  void evict(std::map<TargetAddress, std::unique_ptr<Target>>::iterator it);
  void evict_unidentified(TimePoint now);
  std::size_t identified_targets() const;
  void take_identity(Target& t, const IdentifyInfo& id);
  void heard_from(Target& t);
  void mark_down(Target& t);
  void queue_identify(Target& t, TimePoint now);
  void refresh_limits(Target& t);
  void notify(const Target& t);
  // A new port of a known target is a candidate until an IDENTIFY sent on
  // it answers with the target's identity; one that answers another
  // identity is a conflict, never used (path_set.hpp keeps the books).
  void add_port(Target& t, std::size_t link, MacAddress mac, TimePoint now);
  void maintain_ports(Target& t, TimePoint now);
  void send_probe(Target& t, std::size_t link, MacAddress mac, TimePoint now);
  // A one-sector ATA frame to one port outside the data window (an IDENTIFY
  // probe or a content read): open_probe takes a tag, lists it in t.probes
  // and arms its timeout; send_probe_frame sends it with the command and
  // address of its PendingFrame and one sector. REQUIRES: !tags_.full().
  std::uint16_t open_probe(Target& t, const Port& port, std::uint8_t ata_command, Duration timeout,
                           TimePoint now);
  void send_probe_frame(std::uint16_t slot, AtaMessage ata);
  bool probe_in_flight(const Target& t, std::size_t link, MacAddress mac) const;
  void handle_probe(std::uint16_t slot, const Frame& frame, TimePoint now);
  void release_probes(Target& t);

  // ---- engine_content_check.cpp: same identity, same sectors? -----------
  // Starts a check of `subject` against a healthy path; false when one is
  // running already (the caller tries again at its next probe).
  bool start_content_check(Target& t, Port subject, TimePoint now);
  void send_content_read(Target& t, ContentCheck::Side side, std::size_t index, TimePoint now);
  void handle_content_answer(Target& t, const PendingFrame& f, const Frame& frame, TimePoint now);
  void conclude_content_check(Target& t, TimePoint now);
  void recheck_paths(Target& t, TimePoint now);
  void content_conflict(Target& t, const Port& port, TimePoint now);
  std::uint64_t next_random();
  void sync_paths_info(Target& t);
  void adopt_identity(Target& t, std::size_t link, MacAddress mac, const IdentifyInfo& id,
                      TimePoint now);

  // ---- engine_refresh.cpp: announcements, periodic re-IDENTIFY -----------
  void handle_announcement(std::size_t link, std::span<const std::uint8_t> bytes, TimePoint now);
  bool identify_due(const Target& t, TimePoint now, bool announced) const;

  // "For ever" as a duration that TimePoint arithmetic cannot overflow.
  static constexpr Duration kForever = std::chrono::hours(24 * 365 * 100);
  Duration dead_timeout() const {
    const Duration d = config_.options.dead_timeout;
    return d.count() == 0 ? kForever : d;
  }

  std::vector<Link*> links_;
  EngineConfig config_;
  Defer defer_;
  TargetListener listener_;
  TagTable<PendingFrame> tags_;
  std::vector<Passed> passed_;  // this batch's (on_frames), empty between batches
  std::map<TargetAddress, std::unique_ptr<Target>> targets_;
  std::vector<std::optional<std::uint16_t>> discovery_slot_;  // per link
  // Per link, the tag of the broadcast before the current one: its answers
  // may still come (a slow target, rounds close together) and are late
  // discovery answers, not duplicates (engine_answers.cpp, on_stale_answer).
  std::vector<std::uint32_t> previous_discovery_tag_;
  std::vector<std::uint8_t> trim_scratch_;  // one frame's TRIM ranges
  std::uint64_t random_state_;              // content checks' sectors
  std::uint32_t next_check_id_ = 1;
  unsigned startup_rounds_ = 0;
  LinkStats link_stats_;
  TimePoint next_discovery_ = TimePoint::max();
  TimePoint wakeup_ = TimePoint::max();
  TimePoint now_{};  // the latest `now` passed in: when finish() runs, for latency
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace aoe
