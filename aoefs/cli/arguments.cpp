#include "aoefs/cli/arguments.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "aoefs/util/interface_name.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

std::string quoted_argument(std::string_view arg) { return "'" + printable(arg) + "'"; }

bool is_help(std::string_view arg) { return arg == "-h" || arg == "--help"; }

// "-i" or "--interface": how the user wrote the option, for messages.
std::string spelled(const CliOption& option, bool as_short) {
  return as_short ? std::string("-") + option.short_name : "--" + std::string(option.long_name);
}

const CliOption* find_long(const CliCommand& command, std::string_view name) {
  for (const auto& o : command.options)
    if (!o.long_name.empty() && o.long_name == name) return &o;
  return nullptr;
}

const CliOption* find_short(const CliCommand& command, char name) {
  for (const auto& o : command.options)
    if (o.short_name != 0 && o.short_name == name) return &o;
  return nullptr;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool looks_like_number(std::string_view arg) {
  return !arg.empty() &&
         (is_digit(arg[0]) || (arg[0] == '.' && arg.size() > 1 && is_digit(arg[1])));
}

// "-i", "--wait": not "-", nor a negative number (a bad value, told as such).
bool looks_like_option(std::string_view arg) {
  return arg.size() > 1 && arg[0] == '-' && !is_digit(arg[1]);
}

class Parser {
 public:
  Parser(const CliCommand& command, int argc, char** argv)
      : command_(command), args_(argv + 1, argv + argc) {}

  // "" when every argument was taken, else what is wrong.
  std::string run() {
    bool options_done = false;
    for (i_ = 0; i_ < args_.size(); ++i_) {
      const std::string_view arg = args_[i_];
      std::string wrong;
      if (options_done || arg == "-" || !arg.starts_with("-"))
        wrong = take_operand(arg);
      else if (arg == "--")
        options_done = true;
      else if (arg.starts_with("--"))
        wrong = take_long(arg.substr(2));
      else
        wrong = take_short(arg);
      if (!wrong.empty()) return wrong;
    }
    return "";
  }

 private:
  std::string take_operand(std::string_view arg) {
    if (!command_.operand) return unknown_argument(arg);
    return command_.operand(arg);
  }

  std::string take_long(std::string_view body) {
    const auto eq = body.find('=');
    const CliOption* option = find_long(command_, body.substr(0, eq));
    if (!option) return unknown_argument(args_[i_]);
    if (eq == std::string_view::npos) return take_value(*option, false, std::nullopt);
    return take_value(*option, false, body.substr(eq + 1));
  }

  std::string take_short(std::string_view arg) {
    const CliOption* option = find_short(command_, arg[1]);
    if (!option) return unknown_argument(arg);
    if (arg.size() > 2) {
      if (option->value_name.empty()) return unknown_argument(arg);
      return take_value(*option, true, arg.substr(2));
    }
    return take_value(*option, true, std::nullopt);
  }

  // `attached`: the value written in the same argument (-iIF, --wait=MS).
  std::string take_value(const CliOption& option, bool as_short,
                         std::optional<std::string_view> attached) {
    if (option.value_name.empty()) {
      if (attached) return spelled(option, as_short) + " takes no value";
      return option.take(std::nullopt);
    }
    if (attached) return option.take(*attached);
    const bool next = i_ + 1 < args_.size();
    if (option.value_optional) {
      if (next && looks_like_number(args_[i_ + 1])) return option.take(args_[++i_]);
      return option.take(std::nullopt);
    }
    if (!next || looks_like_option(args_[i_ + 1]))
      return spelled(option, as_short) + " needs a value (" +
             std::string(option.value_meaning.empty() ? option.value_name : option.value_meaning) +
             ")";
    return option.take(args_[++i_]);
  }

  const CliCommand& command_;
  std::vector<std::string_view> args_;
  std::size_t i_ = 0;
};

std::string usage_line(const CliCommand& command) {
  return "usage: aoefs " + std::string(command.name) + " " + std::string(command.synopsis) + "\n";
}

std::string option_spec(const CliOption& o) {
  std::string spec = o.short_name ? std::string("-") + o.short_name + ", " : "    ";
  spec += "--" + std::string(o.long_name);
  if (!o.value_name.empty())
    spec +=
        o.value_optional ? " [" + std::string(o.value_name) + "]" : " " + std::string(o.value_name);
  return spec;
}

}  // namespace

std::string cli_help(const CliCommand& command) {
  std::string out = usage_line(command);
  if (!command.about.empty()) out += std::string(command.about) + "\n";
  out += "\noptions:\n";
  // The help texts start in one column, 26 as in `aoefs --help` or further.
  std::size_t column = 26;
  for (const auto& o : command.options) column = std::max(column, option_spec(o).size() + 4);
  auto add = [&out, column](const std::string& spec, std::string_view help) {
    std::string line = "  " + spec;
    line.append(column - line.size(), ' ');
    for (std::size_t start = 0;;) {
      const auto end = help.find('\n', start);
      out += line + std::string(help.substr(start, end - start)) + "\n";
      if (end == std::string_view::npos) break;
      start = end + 1;
      line.assign(column, ' ');
    }
  };
  for (const auto& o : command.options) add(option_spec(o), o.help);
  add("-h, --help", "print this help and exit");
  return out;
}

std::optional<int> parse_cli(const CliCommand& command, int argc, char** argv) {
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i)
    if (is_help(argv[i])) {
      const std::string help = cli_help(command);
      std::fwrite(help.data(), 1, help.size(), stdout);
      return 0;
    }
  const std::string wrong = Parser(command, argc, argv).run();
  if (!wrong.empty()) return cli_usage_error(command, wrong);
  return std::nullopt;
}

int cli_usage_error(const CliCommand& command, std::string_view message) {
  std::fprintf(stderr, "aoefs %.*s: %.*s\n%s", static_cast<int>(command.name.size()),
               command.name.data(), static_cast<int>(message.size()), message.data(),
               usage_line(command).c_str());
  return kExitUsage;
}

std::string unknown_argument(std::string_view arg) {
  return "unknown argument " + quoted_argument(arg);
}

int cli_failure(const CliCommand& command, std::string_view message) {
  std::fprintf(stderr, "aoefs %.*s: %.*s\n", static_cast<int>(command.name.size()),
               command.name.data(), static_cast<int>(message.size()), message.data());
  return kExitFailure;
}

CliOption interface_option(std::vector<std::string>& interfaces) {
  return {'i',
          "interface",
          "IFACE",
          false,
          "an Ethernet interface to use (repeatable; default:\n"
          "every up, non-loopback Ethernet interface)",
          [&interfaces](std::optional<std::string_view> value) {
            if (!is_valid_interface_name(*value))
              return "-i wants an interface name, got " + quoted_argument(*value);
            interfaces.emplace_back(*value);
            return std::string();
          }};
}

CliOption wait_option(unsigned& milliseconds) {
  return {0,
          "wait",
          "MS",
          false,
          "milliseconds to wait for answers (default 1000)",
          [&milliseconds](std::optional<std::string_view> value) {
            const std::string_view v = *value;
            unsigned ms = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
            if (ec != std::errc() || end != v.data() + v.size() || ms > 600'000)
              return "--wait wants milliseconds (0..600000), got " + quoted_argument(v);
            milliseconds = ms;
            return std::string();
          },
          "milliseconds"};
}

}  // namespace aoefs
