// One parser for the arguments of the subcommands (discover, stat, unlock),
// so that they read one syntax and answer --help and mistakes alike:
//   -x VALUE, -xVALUE, --long VALUE, --long=VALUE; "--" ends the options.
//   -h or --help anywhere before "--" prints the command's help on stdout:
//   exit 0, nothing else done.
//   A value is missing when the option ends the arguments or is followed by
//   another option ("--wait -i eth0"); write --wait=-1 for a value that
//   starts with '-'.
//   An unknown option, a missing or bad value, or an unexpected operand
//   prints "aoefs COMMAND: what is wrong" and the usage line on stderr:
//   exit 2 (kExitUsage, util/exit_status.hpp); the first mistake is told.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/util/exit_status.hpp"

namespace aoefs {

struct CliOption {
  char short_name = 0;          // 'i' for -i; 0: no short form
  std::string_view long_name;   // "interface" for --interface
  std::string_view value_name;  // "IFACE"; empty: a flag
  // The value may be left out (--watch [SECONDS]): the next argument is
  // taken as the value only when it starts with a digit, or with '.' and a
  // digit (".5"), so that "--watch ./mnt" leaves the operand alone.
  bool value_optional = false;
  std::string_view help;  // for --help; '\n' starts another line
  // Takes the value (nullopt for a flag, or an optional value left out);
  // returns what is wrong with it, or "".
  std::function<std::string(std::optional<std::string_view> value)> take;
  // What the value is, for "--wait needs a value (milliseconds)"; empty:
  // value_name.
  std::string_view value_meaning = {};
};

struct CliCommand {
  std::string_view name;      // "discover"
  std::string_view synopsis;  // what follows "usage: aoefs NAME "
  std::string_view about;     // --help's text between the usage line and the options
  std::vector<CliOption> options;
  // Takes one operand (an argument that is not an option); returns what is
  // wrong with it, or "". Empty: the command takes no operand.
  std::function<std::string(std::string_view operand)> operand;
};

// Parses argv[1..argc) (argv[0] is the command's name). Returns the exit
// code when the command is done already (0 after --help, kExitUsage after
// a mistake, both printed), or nullopt: run it.
std::optional<int> parse_cli(const CliCommand& command, int argc, char** argv);

// --help's text: the usage line, `about`, the options.
std::string cli_help(const CliCommand& command);

// Prints "aoefs NAME: message" and the usage line on stderr; returns
// kExitUsage. For the checks after parsing (a missing operand).
int cli_usage_error(const CliCommand& command, std::string_view message);

// Prints "aoefs NAME: message" on stderr; returns kExitFailure.
int cli_failure(const CliCommand& command, std::string_view message);

// "unknown argument 'ARG'" (ARG printable): what an operand callback
// returns for an operand it does not take.
std::string unknown_argument(std::string_view arg);

// The options discover and unlock share: -i/--interface IFACE (repeatable;
// a valid interface name, util/interface_name.hpp) and --wait MS
// (0..600000 milliseconds).
CliOption interface_option(std::vector<std::string>& interfaces);
CliOption wait_option(unsigned& milliseconds);

}  // namespace aoefs
