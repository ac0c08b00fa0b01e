// The subcommands' argument parser (aoefs/cli/arguments.hpp): every form of
// an option, the mistakes (missing or bad value, unknown option, a stray
// operand) with their message, usage line and exit code 2, and --help on
// stdout with exit 0; then the same through discover, stat and unlock
// (arguments that end before any network or file is touched, or fail on a
// path that does not exist).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/cli/discover_command.hpp"
#include "aoefs/cli/stat_command.hpp"
#include "aoefs/cli/unlock_command.hpp"

using namespace aoefs;

namespace {

// What one descriptor (1 or 2) received while it was redirected.
class Capture {
 public:
  explicit Capture(int fd) : fd_(fd), file_(std::tmpfile()) {
    std::fflush(nullptr);
    saved_ = ::dup(fd_);
    ::dup2(::fileno(file_), fd_);
  }
  ~Capture() {
    if (file_) restore();
  }
  std::string take() {
    restore();
    std::string text;
    std::rewind(file_);
    for (int c; (c = std::fgetc(file_)) != EOF;) text += static_cast<char>(c);
    std::fclose(file_);
    file_ = nullptr;
    return text;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(nullptr);
    ::dup2(saved_, fd_);
    ::close(saved_);
    saved_ = -1;
  }
  int fd_;
  std::FILE* file_;
  int saved_ = -1;
};

struct Outcome {
  std::optional<int> code;
  std::string out;
  std::string err;
};

// Runs `run(argc, argv)` with argv = {name, args...}, stdout and stderr captured.
template <class Run>
Outcome capture(const char* name, std::vector<std::string> args, Run run) {
  args.insert(args.begin(), name);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Capture out(1), err(2);
  Outcome o;
  o.code = run(static_cast<int>(args.size()), argv.data());
  o.out = out.take();
  o.err = err.take();
  return o;
}

// A command with every kind of option: -i/--interface and --wait as
// discover and unlock have them, a flag, an optional value, one operand.
struct TestCommand {
  std::vector<std::string> interfaces;
  unsigned wait_ms = 1000;
  bool force = false;
  std::optional<std::string> watch;  // "" when given without a value
  std::vector<std::string> operands;
  CliCommand command{"test",
                     "[-i IFACE]... [--wait MS] [--force] [--watch [S]] [OPERAND]",
                     "  a command for the tests",
                     {interface_option(interfaces),
                      wait_option(wait_ms),
                      {'f',
                       "force",
                       {},
                       false,
                       "a flag",
                       [this](std::optional<std::string_view>) {
                         force = true;
                         return std::string();
                       }},
                      {0, "watch", "S", true, "an optional value\nsecond line",
                       [this](std::optional<std::string_view> v) {
                         watch = v ? std::string(*v) : std::string();
                         return std::string();
                       }}},
                     [this](std::string_view operand) {
                       if (!operands.empty()) return unknown_argument(operand);
                       operands.emplace_back(operand);
                       return std::string();
                     }};

  Outcome parse(std::vector<std::string> args) {
    return capture("test", std::move(args),
                   [this](int argc, char** argv) { return parse_cli(command, argc, argv); });
  }
};

const std::string kUsage =
    "usage: aoefs test [-i IFACE]... [--wait MS] [--force] [--watch [S]] [OPERAND]\n";

// A mistake: exit 2, "aoefs test: MESSAGE" and the usage line on stderr, nothing on stdout.
void check_usage_error(const Outcome& o, const std::string& message) {
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err == "aoefs test: " + message + "\n" + kUsage);
  CHECK(o.out.empty());
}

}  // namespace

TEST_CASE("cli arguments: an option's value in every form", "[cli]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-i", "eth1"}, {"-ieth1"}, {"--interface", "eth1"}, {"--interface=eth1"}}) {
    INFO(args.front());
    TestCommand t;
    const auto o = t.parse(args);
    CHECK_FALSE(o.code);
    CHECK(o.out.empty());
    CHECK(o.err.empty());
    CHECK(t.interfaces == std::vector<std::string>{"eth1"});
  }
  TestCommand t;
  CHECK_FALSE(t.parse({"-i", "a", "-ib", "--interface", "c", "--interface=d"}).code);
  CHECK(t.interfaces == std::vector<std::string>{"a", "b", "c", "d"});
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--wait", "250"}, {"--wait=250"}}) {
    TestCommand w;
    CHECK_FALSE(w.parse(args).code);
    CHECK(w.wait_ms == 250);
  }
  TestCommand limits;
  CHECK_FALSE(limits.parse({"--wait", "600000"}).code);
  CHECK(limits.wait_ms == 600000);
  CHECK_FALSE(limits.parse({"--wait=0"}).code);
  CHECK(limits.wait_ms == 0);
}

TEST_CASE("cli arguments: flags, optional values, operands and --", "[cli]") {
  TestCommand t;
  CHECK_FALSE(t.parse({"--force", "op"}).code);
  CHECK(t.force);
  CHECK(t.operands == std::vector<std::string>{"op"});
  TestCommand s;
  CHECK_FALSE(s.parse({"-f"}).code);
  CHECK(s.force);

  // An optional value: taken when the next argument starts like a number.
  for (const auto& [args, value, operand] :
       std::vector<std::tuple<std::vector<std::string>, std::string, std::string>>{
           {{"--watch", "2", "/mnt"}, "2", "/mnt"},
           {{"--watch", ".5", "/mnt"}, ".5", "/mnt"},
           {{"--watch=0.5", "/mnt"}, "0.5", "/mnt"},
           {{"--watch", "/mnt"}, "", "/mnt"},
           {{"--watch", "./mnt"}, "", "./mnt"},
           {{"--watch", "."}, "", "."}}) {
    INFO(args.at(1));
    TestCommand w;
    CHECK_FALSE(w.parse(args).code);
    CHECK(w.watch == std::optional<std::string>(value));
    CHECK(w.operands == std::vector<std::string>{operand});
  }
  TestCommand last;
  CHECK_FALSE(last.parse({"--watch"}).code);
  CHECK(last.watch == std::optional<std::string>(""));

  TestCommand dash;
  CHECK_FALSE(dash.parse({"-"}).code);
  CHECK(dash.operands == std::vector<std::string>{"-"});
  TestCommand ended;
  CHECK_FALSE(ended.parse({"--force", "--", "--wait"}).code);
  CHECK(ended.operands == std::vector<std::string>{"--wait"});
  CHECK(ended.wait_ms == 1000);
}

TEST_CASE("cli arguments: a missing value", "[cli]") {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-i"}, "-i needs a value (IFACE)"},
           {{"--interface"}, "--interface needs a value (IFACE)"},
           {{"--wait"}, "--wait needs a value (milliseconds)"},
           {{"-i", "eth0", "--wait"}, "--wait needs a value (milliseconds)"}}) {
    INFO(args.back());
    TestCommand t;
    check_usage_error(t.parse(args), message);
  }
}

TEST_CASE("cli arguments: a bad value", "[cli]") {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--wait", "abc"}, "--wait wants milliseconds (0..600000), got 'abc'"},
           {{"--wait=600001"}, "--wait wants milliseconds (0..600000), got '600001'"},
           {{"--wait", "-5"}, "--wait wants milliseconds (0..600000), got '-5'"},
           {{"--wait", "10ms"}, "--wait wants milliseconds (0..600000), got '10ms'"},
           {{"--wait="}, "--wait wants milliseconds (0..600000), got ''"},
           {{"--interface="}, "-i wants an interface name, got ''"},
           {{"-i", "a/b"}, "-i wants an interface name, got 'a/b'"},
           {{"-i", "sixteen-bytes-xx"}, "-i wants an interface name, got 'sixteen-bytes-xx'"},
           {{"--force=yes"}, "--force takes no value"},
           {{"-fx"}, "unknown argument '-fx'"}}) {
    INFO(args.front());
    TestCommand t;
    check_usage_error(t.parse(args), message);
  }
}

TEST_CASE("cli arguments: an unknown option", "[cli]") {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--bogus"}, "unknown argument '--bogus'"},
           {{"--bogus=1"}, "unknown argument '--bogus=1'"},
           {{"-x"}, "unknown argument '-x'"},
           {{"-i", "eth0", "--waiting", "5"}, "unknown argument '--waiting'"},
           {{"--\x1b[31m"}, "unknown argument '--\\x1b[31m'"}}) {
    INFO(args.front());
    TestCommand t;
    check_usage_error(t.parse(args), message);
  }
}

TEST_CASE("cli arguments: a stray extra argument", "[cli]") {
  TestCommand t;
  check_usage_error(t.parse({"one", "two"}), "unknown argument 'two'");
  CHECK(t.operands == std::vector<std::string>{"one"});

  // A command that takes no operand refuses the first.
  std::vector<std::string> interfaces;
  const CliCommand none{"none", "[-i IFACE]...", "", {interface_option(interfaces)}, {}};
  const auto o = capture("none", {"-i", "eth0", "extra"},
                         [&none](int argc, char** argv) { return parse_cli(none, argc, argv); });
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err == "aoefs none: unknown argument 'extra'\nusage: aoefs none [-i IFACE]...\n");
}

TEST_CASE("cli arguments: --help on stdout, exit 0, wherever it stands", "[cli]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"},
                                                                {"-h"},
                                                                {"-i", "eth0", "--help"},
                                                                {"--bogus", "-h"},
                                                                {"--wait", "x", "-h"}}) {
    INFO(args.back() << " after " << args.size() - 1);
    TestCommand t;
    const auto o = t.parse(args);
    CHECK(o.code == std::optional<int>(0));
    CHECK(o.out == cli_help(t.command));
    CHECK(o.err.empty());
    CHECK(t.interfaces.empty());  // nothing taken
  }
  // After "--" it is an operand.
  TestCommand t;
  const auto o = t.parse({"--", "--help"});
  CHECK_FALSE(o.code);
  CHECK(o.out.empty());
  CHECK(t.operands == std::vector<std::string>{"--help"});
}

TEST_CASE("cli arguments: the help text", "[cli]") {
  TestCommand t;
  const std::string help = cli_help(t.command);
  CHECK(help.starts_with(kUsage + "  a command for the tests\n\noptions:\n"));
  // The help texts start in column 26, as in `aoefs --help`.
  CHECK_THAT(help, Catch::Contains("\n  -i, --interface IFACE   an Ethernet interface to use"));
  CHECK_THAT(help, Catch::Contains("\n      --wait MS           milliseconds to wait"));
  CHECK_THAT(help, Catch::Contains("\n  -f, --force             a flag\n"));
  CHECK_THAT(help, Catch::Contains("\n      --watch [S]         an optional value\n"
                                   "                          second line\n"));
  CHECK(help.ends_with("\n  -h, --help              print this help and exit\n"));
}

TEST_CASE("cli arguments: discover, stat and unlock use them", "[cli]") {
  const auto discover = [](std::vector<std::string> args) {
    return capture("discover", std::move(args), run_discover_command);
  };
  const auto stat = [](std::vector<std::string> args) {
    return capture("stat", std::move(args), run_stat_command);
  };
  const auto unlock = [](std::vector<std::string> args) {
    return capture("unlock", std::move(args), run_unlock_command);
  };

  for (const auto& o : {discover({"--help"}), stat({"-h"}), unlock({"e1.0", "--help"})}) {
    CHECK(o.code == std::optional<int>(0));
    CHECK(o.out.starts_with("usage: aoefs "));
    CHECK_THAT(o.out, Catch::Contains("-h, --help"));
    CHECK(o.err.empty());
  }

  auto o = discover({"--wait"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err ==
        "aoefs discover: --wait needs a value (milliseconds)\n"
        "usage: aoefs discover [-i IFACE]... [--wait MS] [OPTIONS]\n");
  o = discover({"stray"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err.starts_with("aoefs discover: unknown argument 'stray'\n"));

  o = stat({});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err ==
        "aoefs stat: which mount point?\n"
        "usage: aoefs stat [OPTIONS] MOUNTPOINT [TARGET...]\n");
  o = stat({"--watch", "0", "/nonexistent"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK_THAT(o.err, Catch::StartsWith("aoefs stat: --watch wants SECONDS from 0.1 to 86400"));
  // After the mount point, target patterns: a bad one is a usage error.
  o = stat({"/a", "e1.("});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err.starts_with("aoefs stat: 'e1.(' is not a regular expression: "));
  o = stat({"-o", "TARGET,NOPE", "/a"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err.starts_with("aoefs stat: unknown column 'NOPE' (--list-columns lists them)\n"));
  // "--watch PATH": the path is the mount point (exit 1: no .stats there), not a bad interval.
  o = stat({"--watch", "./nonexistent-aoefs-mount"});
  CHECK(o.code == std::optional<int>(kExitFailure));
  CHECK_THAT(o.err, Catch::Contains("cannot read ./nonexistent-aoefs-mount/.stats"));

  o = unlock({});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err.starts_with("aoefs unlock: which target? (e.g. e1.0)\nusage: aoefs unlock "));
  o = unlock({"e1.0"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK_THAT(o.err, Catch::StartsWith("aoefs unlock: refusing without --force"));
  CHECK_THAT(o.err, Catch::Contains("\nusage: aoefs unlock "));
  o = unlock({"e1.0", "e1.1", "--force"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err.starts_with("aoefs unlock: unknown argument 'e1.1'\n"));
  o = unlock({"e1.0", "--force", "-i"});
  CHECK(o.code == std::optional<int>(kExitUsage));
  CHECK(o.err.starts_with("aoefs unlock: -i needs a value (IFACE)\n"));
}
