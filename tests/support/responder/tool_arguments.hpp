// Command-line pieces of the target-side tools: the KEY=VALUE arguments of
// hostile_target, forge_answers and aoe-relay, and the S.L target address.
// Parsing only: each tool says what is wrong in its own words.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "protocol/codec/header.hpp"

namespace aoetest {

using KeyValues = std::map<std::string, std::string>;

// "KEY=VALUE" split at the first '='; nothing without one.
std::optional<std::pair<std::string, std::string>> split_key_value(const std::string& argument);

// argv[first..argc) as KEY=VALUE pairs (a repeated key: the last wins);
// nothing if one of them is not of that form.
std::optional<KeyValues> key_value_arguments(int argc, char** argv, int first);

// The value of `key` read as a decimal number (strtoul: leading digits,
// 0 for none), or `fallback` when the key was not given.
unsigned long number_or(const KeyValues& values, const std::string& key, unsigned long fallback);

// "SHELF.SLOT" of a single target (not the broadcast 65535 or 255).
std::optional<aoe::TargetAddress> parse_target_address(const std::string& text);

}  // namespace aoetest
