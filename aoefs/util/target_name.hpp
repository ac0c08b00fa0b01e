// The name of a target everywhere aoefs shows one — its file in the mount,
// log lines, `aoefs discover`, lock strings: "e<shelf>.<slot>", decimal, as
// the Linux aoe driver names its devices.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/codec/header.hpp"

namespace aoefs {

std::string file_name_of(aoe::TargetAddress address);
// The inverse: "e<shelf>.<slot>" (decimal, shelf < 65535, slot < 255), else
// nullopt. Broadcast values are not target addresses.
std::optional<aoe::TargetAddress> parse_file_name(std::string_view name);

}  // namespace aoefs
