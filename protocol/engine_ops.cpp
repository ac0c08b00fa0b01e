// Engine: one entry per kind of operation — what its frames carry and what
// an answer does to it (engine_state.hpp lists the contract). Everything
// else in the engine is the same for every kind.
#include <cstring>
#include <type_traits>
#include <variant>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"
#include "protocol/engine.hpp"
#include "protocol/engine_state.hpp"

namespace aoe {

namespace {

// The request fields every ATA frame shares: the command and the sectors
// it names.
AtaMessage ata_request(std::uint8_t ata_cmd, std::uint64_t lba, std::uint8_t sectors) {
  AtaMessage ata;
  ata.cmd_status = ata_cmd;
  ata.extended = ata_cmd == ata_cmd::read_sectors_ext || ata_cmd == ata_cmd::write_sectors_ext ||
                 ata_cmd == ata_cmd::flush_cache_ext;
  ata.lba = lba;
  ata.sector_count = sectors;
  return ata;
}

}  // namespace

// ---- the dispatchers ------------------------------------------------------

Engine::FrameFields Engine::Op::fields(const Target& t) const {
  return std::visit([&](const auto& b) { return b.fields(t); }, body);
}

std::span<const std::uint8_t> Engine::Op::encode(Engine& e, const PendingFrame& f,
                                                 Frame& frame) const {
  return std::visit([&](const auto& b) { return b.encode(e, f, frame); }, body);
}

void Engine::Op::on_answer(Engine& e, Target& t, const PendingFrame& f, const Frame& frame) {
  std::visit([&](auto& b) { b.on_answer(e, t, *this, f, frame); }, body);
}

void Engine::Op::fail(std::error_code ec) {
  std::visit([ec](auto& b) { b.fail(ec); }, body);
}

// The ATA answer of an I/O frame, or nullptr once the operation is finished
// with what is wrong with it: not an ATA answer, or (check_status) ERR/DF.
const AtaMessage* Engine::ata_answer(Target& t, Op& op, const Frame& frame, bool check_status) {
  const auto* ata = std::get_if<AtaMessage>(&frame.body);
  if (!ata) {
    finish(t, op, InitiatorErrc::bad_response);
    return nullptr;
  }
  if (check_status && (ata->cmd_status & (ata_status::err | ata_status::df))) {
    finish(t, op, make_ata_error(ata->cmd_status, ata->feature_error));
    return nullptr;
  }
  return ata;
}

// A data operation ends when its last sector is acknowledged.
void Engine::on_sectors_answered(Target& t, Op& op, std::uint32_t sectors) {
  op.answered += sectors;
  if (op.issued == op.sectors && op.in_flight == 0) finish(t, op, {});
}

// ---- read -----------------------------------------------------------------

Engine::FrameFields Engine::ReadOp::fields(const Target& t) const {
  return {Command::ata, t.info.lba48 ? ata_cmd::read_sectors_ext : ata_cmd::read_sectors};
}

std::span<const std::uint8_t> Engine::ReadOp::encode(Engine&, const PendingFrame& f,
                                                     Frame& frame) const {
  frame.body = ata_request(f.ata_cmd, f.lba, f.sectors);
  return {};
}

void Engine::ReadOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f,
                               const Frame& frame) {
  const AtaMessage* ata = e.ata_answer(t, op, frame, true);
  if (!ata) return;
  const std::size_t bytes = std::size_t{f.sectors} * kSectorSize;
  if (ata->data.size() < bytes) return e.finish(t, op, InitiatorErrc::bad_response);
  std::memcpy(buffer + std::size_t{f.offset} * kSectorSize, ata->data.data(), bytes);
  t.stats.bytes_read += bytes;
  e.on_sectors_answered(t, op, f.sectors);
}

// ---- write ----------------------------------------------------------------

Engine::FrameFields Engine::WriteOp::fields(const Target& t) const {
  return {Command::ata, t.info.lba48 ? ata_cmd::write_sectors_ext : ata_cmd::write_sectors};
}

// The data is not encoded: the link reads it from the caller's buffer,
// which outlives the send because completions are deferred (engine.hpp).
std::span<const std::uint8_t> Engine::WriteOp::encode(Engine&, const PendingFrame& f,
                                                      Frame& frame) const {
  AtaMessage ata = ata_request(f.ata_cmd, f.lba, f.sectors);
  ata.write = true;
  ata.data =
      std::span(buffer + std::size_t{f.offset} * kSectorSize, std::size_t{f.sectors} * kSectorSize);
  frame.body = ata;
  return ata.data;
}

void Engine::WriteOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f,
                                const Frame& frame) {
  if (!e.ata_answer(t, op, frame, true)) return;
  t.stats.bytes_written += std::size_t{f.sectors} * kSectorSize;
  e.on_sectors_answered(t, op, f.sectors);
}

// ---- flush (engine.hpp, "Flush"; the answer: engine_flush.cpp) -------------

Engine::FrameFields Engine::FlushOp::fields(const Target&) const { return {Command::ata, ata_cmd}; }

std::span<const std::uint8_t> Engine::FlushOp::encode(Engine&, const PendingFrame& f,
                                                      Frame& frame) const {
  frame.body = ata_request(f.ata_cmd, 0, 0);
  return {};
}

void Engine::FlushOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f,
                                const Frame& frame) {
  if (const AtaMessage* ata = e.ata_answer(t, op, frame, false))
    e.handle_flush_answer(t, op, f, *ata);
}

// ---- IDENTIFY (the answer: engine_discovery.cpp, take_identity) ------------

Engine::FrameFields Engine::IdentifyOp::fields(const Target&) const {
  return {Command::ata, ata_cmd::identify_device};
}

// The LBA field carries a mark an echoing target returns (answer_check.hpp).
std::span<const std::uint8_t> Engine::IdentifyOp::encode(Engine&, const PendingFrame& f,
                                                         Frame& frame) const {
  frame.body = ata_request(f.ata_cmd, kIdentifyLbaMark, 1);
  return {};
}

void Engine::IdentifyOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame&,
                                   const Frame& frame) {
  const AtaMessage* ata = e.ata_answer(t, op, frame, true);
  if (!ata) return;
  auto info = parse_identify(ata->data);
  if (!info) return e.finish(t, op, InitiatorErrc::bad_response);
  e.take_identity(t, *info);
  e.finish(t, op, {});
}

// ---- trim (engine_trim.cpp) -------------------------------------------------

Engine::FrameFields Engine::TrimOp::fields(const Target&) const {
  return {Command::ata, ata_cmd::data_set_management};
}

std::span<const std::uint8_t> Engine::TrimOp::encode(Engine& e, const PendingFrame& f,
                                                     Frame& frame) const {
  AtaMessage ata = ata_request(f.ata_cmd, 0, f.sectors);
  ata.extended = true;
  ata.write = true;
  ata.feature_error = 1;  // TRIM
  ata.data = e.trim_payload(f);
  frame.body = ata;
  return {};
}

void Engine::TrimOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame& f,
                               const Frame& frame) {
  if (!e.ata_answer(t, op, frame, true)) return;
  t.stats.sectors_trimmed += f.media_sectors();
  e.on_sectors_answered(t, op, f.media_sectors());
}

// ---- the control commands: one frame, one reply ----------------------------

// Finishes `op` and hands `reply` to its handler; REQUIRES: op's body is
// `body`. The handler leaves the operation first, so finish() cannot call
// it with an error as well.
template <class Reply, class Handler>
void Engine::reply_once(Target& t, Op& op, Handler& done, Reply reply) {
  auto handler = std::move(done);
  finish(t, op, {});
  defer_([h = std::move(handler), r = std::move(reply)]() mutable {
    if constexpr (std::is_same_v<Reply, ConfigReply>)
      r.info.config = r.config_storage;  // a view into this copy
    h({}, r);
  });
}

Engine::FrameFields Engine::ConfigOp::fields(const Target&) const {
  return {Command::query_config, 0, static_cast<std::uint8_t>(command)};
}

std::span<const std::uint8_t> Engine::ConfigOp::encode(Engine&, const PendingFrame&,
                                                       Frame& frame) const {
  QueryConfigMessage qc;
  qc.command = static_cast<std::uint8_t>(command);
  qc.config = config;
  frame.body = qc;
  return {};
}

void Engine::ConfigOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame&,
                                 const Frame& frame) {
  const auto* qc = std::get_if<QueryConfigMessage>(&frame.body);
  if (!qc) return e.finish(t, op, InitiatorErrc::bad_response);
  ConfigReply reply;
  reply.config_storage.assign(qc->config);
  reply.info = *qc;
  reply.from = frame.header.src;
  t.info.config_string = reply.config_storage;
  e.reply_once(t, op, done, std::move(reply));
}

Engine::FrameFields Engine::MaskOp::fields(const Target&) const {
  return {Command::mac_mask_list, 0, request.command};
}

std::span<const std::uint8_t> Engine::MaskOp::encode(Engine&, const PendingFrame&,
                                                     Frame& frame) const {
  frame.body = request;
  return {};
}

void Engine::MaskOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame&,
                               const Frame& frame) {
  const auto* m = std::get_if<MacMaskMessage>(&frame.body);
  if (!m) return e.finish(t, op, InitiatorErrc::bad_response);
  e.reply_once(t, op, done, *m);
}

Engine::FrameFields Engine::ReserveOp::fields(const Target&) const {
  return {Command::reserve_release, 0, request.command};
}

std::span<const std::uint8_t> Engine::ReserveOp::encode(Engine&, const PendingFrame&,
                                                        Frame& frame) const {
  frame.body = request;
  return {};
}

void Engine::ReserveOp::on_answer(Engine& e, Target& t, Op& op, const PendingFrame&,
                                  const Frame& frame) {
  const auto* r = std::get_if<ReserveMessage>(&frame.body);
  if (!r) return e.finish(t, op, InitiatorErrc::bad_response);
  e.reply_once(t, op, done, *r);
}

}  // namespace aoe
