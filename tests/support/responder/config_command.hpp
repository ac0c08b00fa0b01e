// Query Config's CCmd (AoE r11 §3.2) applied to a target's config string:
// whether the target answers, and what becomes of its string. How a refusal
// goes on the wire (header only, or with the string) is the target's own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/codec/query_config.hpp"

namespace aoetest {

// The firmware version vblade 25 reports in its Query Config answers.
inline constexpr std::uint16_t kVblade25Firmware = 0x4019;

enum class ConfigOutcome {
  answer,          // answer with the string (as it is now, after a set)
  silent,          // a test that did not match: no answer at all
  string_present,  // set-if-empty refused, the string stays (AoE error 4)
  bad_command,     // CCmd 5..15 (AoE error 2)
};

// Test prefix (CCmd 2) is read both ways round: vblade 25 answers when the
// request's string is a prefix of its own (FakeTarget does likewise);
// protocol/codec/query_config.hpp has it that the target's string is a
// prefix of the request's (quirk_target does likewise).
enum class PrefixTest { request_is_prefix, config_is_prefix };

// Applies `command` with the request's string `asked` to `config`.
ConfigOutcome apply_config_command(aoe::ConfigCommand command, std::string_view asked,
                                   std::string& config, PrefixTest prefix_test);

}  // namespace aoetest
