#include "support/responder/ata_answer.hpp"

namespace aoetest {

aoe::AtaMessage ata_answer_to(const aoe::AtaMessage& request) {
  aoe::AtaMessage a;
  a.extended = request.extended;
  a.write = request.write;
  a.sector_count = request.sector_count;
  a.lba = request.lba;
  a.cmd_status = aoe::ata_status::drdy;
  return a;
}

void fail_command(aoe::AtaMessage& answer, std::uint8_t error) {
  answer.cmd_status = aoe::ata_status::drdy | aoe::ata_status::err;
  answer.feature_error = error;
}

}  // namespace aoetest
