// The ATA argument of an answer (AoE r11 §3.1): what a target sends back of
// the request, and how it reports a command that failed.
#pragma once

#include <cstdint>

#include "protocol/codec/ata.hpp"

namespace aoetest {

// The answer before the command has run: AFlags E and W, sector count and
// LBA as the request had them (vblade answers in the request's buffer),
// status DRDY, error register 0, no data. What the command changes, the
// target changes afterwards.
aoe::AtaMessage ata_answer_to(const aoe::AtaMessage& request);

// The command failed: status DRDY|ERR, `error` (ata_error::) in the error
// register.
void fail_command(aoe::AtaMessage& answer, std::uint8_t error);

}  // namespace aoetest
