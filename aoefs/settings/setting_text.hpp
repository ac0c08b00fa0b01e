// The settings in effect as text: what `.stats` shows as
// aoefs_setting{name,value} and `aoefs list` prints. One pair per
// configuration key (all_keys(), in its order), each value written as the
// key takes it (`-o NAME=VALUE` gives the same setting back: seconds as a
// decimal number, sizes with K/M/G/T where exact, flags true/false, umask
// in octal, interfaces IF1:IF2, "" for a setting left to its default that
// has no value of its own: interfaces (every up Ethernet interface), uid and
// gid (the mounting user), metrics_listen "off").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "aoefs/settings/settings.hpp"

namespace aoefs {

using SettingText = std::pair<std::string, std::string>;  // name, value

std::vector<SettingText> setting_texts(const Settings& settings);

}  // namespace aoefs
