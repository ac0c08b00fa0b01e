// Checking answers against what was sent (answer_check.hpp).
#include "protocol/answer_check.hpp"

#include <variant>

#include "protocol/codec/ata.hpp"

namespace aoe {
namespace {

std::optional<std::uint8_t> subcommand_of(const Frame& answer) {
  if (const auto* qc = std::get_if<QueryConfigMessage>(&answer.body)) return qc->command;
  if (const auto* m = std::get_if<MacMaskMessage>(&answer.body)) return m->command;
  if (const auto* r = std::get_if<ReserveMessage>(&answer.body)) return r->command;
  return std::nullopt;
}

bool failed(const Frame& answer, const AtaMessage& ata) {
  return answer.header.error || (ata.cmd_status & (ata_status::err | ata_status::df));
}

std::optional<RefusedAnswer> check_data(const SentFrame& sent, const Frame& answer,
                                        const AtaMessage& ata, const AnswerEcho& echo) {
  if (sent.data == SentFrame::Data::identify) return std::nullopt;
  const bool write = sent.data == SentFrame::Data::write;
  if (echo.write_flag && ata.write != write) return RefusedAnswer::write_flag;
  const std::uint64_t end = sent.lba + sent.sectors;
  if (answer.header.error) {
    // Not executed: the header comes back as it went (or as advanced).
    if (echo.lba != AnswerEcho::Lba::unknown && ata.lba != sent.lba && ata.lba != end)
      return RefusedAnswer::lba;
    return std::nullopt;
  }
  if (failed(answer, ata)) {
    // An ATA error may name the sector it failed at, or leave the request's.
    if (echo.lba != AnswerEcho::Lba::unknown && (ata.lba < sent.lba || ata.lba > end))
      return RefusedAnswer::lba;
    return std::nullopt;
  }
  const bool echoes = echo.lba == AnswerEcho::Lba::echo || echo.lba == AnswerEcho::Lba::identify;
  if (echoes && ata.lba != sent.lba) return RefusedAnswer::lba;
  if (echo.lba == AnswerEcho::Lba::advanced && ata.lba != end) return RefusedAnswer::lba;
  const AnswerEcho::Count count = write ? echo.write_count : echo.read_count;
  if (count == AnswerEcho::Count::echo && ata.sector_count != sent.sectors)
    return RefusedAnswer::count;
  if (count == AnswerEcho::Count::remaining && ata.sector_count != 0) return RefusedAnswer::count;
  if (!write && ata.data.size() < std::size_t{sent.sectors} * kSectorSize)
    return RefusedAnswer::length;
  return std::nullopt;
}

}  // namespace

std::optional<RefusedAnswer> check_answer(const SentFrame& sent, const Frame& answer,
                                          const AnswerEcho& echo) {
  if (answer.header.target != sent.target) return RefusedAnswer::target;
  if (answer.header.command != sent.command) return RefusedAnswer::command;
  if (auto sub = subcommand_of(answer); sub && *sub != sent.subcommand)
    return RefusedAnswer::subcommand;
  if (sent.data == SentFrame::Data::none) return std::nullopt;
  const auto* ata = std::get_if<AtaMessage>(&answer.body);
  if (!ata) {
    // An error answer cut short before its ATA header can be checked for
    // nothing: taken only from a target not yet seen to return the header.
    if (answer.header.error && echo.lba == AnswerEcho::Lba::unknown) return std::nullopt;
    return RefusedAnswer::length;
  }
  return check_data(sent, answer, *ata, echo);
}

void learn_echo(AnswerEcho& echo, const SentFrame& sent, const Frame& answer) {
  const auto* ata = std::get_if<AtaMessage>(&answer.body);
  if (sent.data == SentFrame::Data::none || !ata || failed(answer, *ata)) return;
  if (sent.data == SentFrame::Data::identify) {
    if (echo.lba == AnswerEcho::Lba::unknown && !echo.identify_misled && ata->lba == sent.lba)
      echo.lba = AnswerEcho::Lba::identify;
    return;
  }
  const bool write = sent.data == SentFrame::Data::write;
  if (echo.lba == AnswerEcho::Lba::unknown || echo.lba == AnswerEcho::Lba::identify) {
    if (sent.lba != 0 && ata->lba == sent.lba)
      echo.lba = AnswerEcho::Lba::echo;
    else if (echo.lba == AnswerEcho::Lba::unknown && ata->lba == sent.lba + sent.sectors)
      echo.lba = AnswerEcho::Lba::advanced;
  }
  AnswerEcho::Count& count = write ? echo.write_count : echo.read_count;
  if (count == AnswerEcho::Count::unknown) {
    if (ata->sector_count == sent.sectors)
      count = AnswerEcho::Count::echo;
    else if (ata->sector_count == 0)
      count = AnswerEcho::Count::remaining;
  }
  if (write && ata->write) echo.write_flag = true;
}

bool learned_field(RefusedAnswer reason) {
  return reason == RefusedAnswer::lba || reason == RefusedAnswer::count ||
         reason == RefusedAnswer::write_flag || reason == RefusedAnswer::length;
}

void forget_echo(AnswerEcho& echo) {
  const bool misled = echo.identify_misled || echo.lba == AnswerEcho::Lba::identify;
  echo = AnswerEcho{};
  echo.identify_misled = misled;
}

}  // namespace aoe
