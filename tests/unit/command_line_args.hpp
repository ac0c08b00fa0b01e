// parse_args: parse_command_line on a vector of words, as main() would see
// them after "aoefs" (for the option and escaping tests).
#pragma once

#include <string>
#include <vector>

#include "aoefs/settings/options.hpp"

inline aoefs::Expected<aoefs::CommandLine> parse_args(std::vector<std::string> args) {
  args.insert(args.begin(), "aoefs");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return aoefs::parse_command_line(static_cast<int>(args.size()), argv.data());
}
