#include "support/aoe_network.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace aoetest {
namespace {

// The network namespace the process started in, captured before any test
// can move a thread elsewhere: the fixture script must build and tear down
// networks from there, not from inside another network's initiator side.
const int g_original_netns = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

std::string fixture_dir() {
#ifdef AOEFS_FIXTURE_DIR
  return AOEFS_FIXTURE_DIR;
#else
  if (const char* d = std::getenv("AOEFS_FIXTURE_DIR")) return d;
  throw std::runtime_error("AoeNetwork: AOEFS_FIXTURE_DIR is not defined (tests/CMakeLists.txt)");
#endif
}

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string join(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

// Runs `bash SCRIPT ARGS...` in the original network namespace with stdout
// and stderr captured; returns {exit status, output}.
std::pair<int, std::string> run_script(const std::string& script,
                                       const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings{"bash", script};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
#ifdef AOEFS_RELAY_BINARY
  if (!std::getenv("AOENET_RELAY"))
    env_strings.push_back(std::string("AOENET_RELAY=") + AOEFS_RELAY_BINARY);
#endif
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("AoeNetwork: pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("AoeNetwork: fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Child of a possibly multi-threaded process: async-signal-safe calls only.
    if (g_original_netns >= 0) ::setns(g_original_netns, CLONE_NEWNET);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::execve("/bin/bash", argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string output;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n > 0) {
      output.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {rc, output};
}

}  // namespace

std::string AoeNetwork::script() { return fixture_dir() + "/aoenet"; }

std::string AoeNetwork::run(const std::string& args) const {
  const auto words = split_words(args);
  auto [rc, output] = run_script(script(), words);
  if (rc != 0)
    throw std::runtime_error("aoenet " + join(words) + " failed (exit " + std::to_string(rc) +
                             "):\n" + output);
  return output;
}

AoeNetwork::AoeNetwork(AoeNetworkOptions options) : options_(std::move(options)) {
  if (::geteuid() != 0)
    throw std::runtime_error(
        "AoeNetwork: integration tests need root (network namespaces, vblade, raw sockets)");
  if (options_.name.empty()) throw std::runtime_error("AoeNetwork: options.name is empty");
  std::vector<std::string> args{
      "up",        options_.name,    "--mtu",  std::to_string(options_.mtu),
      "--targets", options_.targets, "--inis", std::to_string(options_.initiators)};
  if (!options_.relay.empty()) args.insert(args.end(), {"--relay", options_.relay});
  if (!options_.vblade_flags.empty())
    args.insert(args.end(), {"--vblade-flags", options_.vblade_flags});
  if (!options_.pad) args.push_back("--no-pad");
  auto [rc, output] = run_script(script(), args);
  if (rc != 0) {
    run_script(script(), {"down", options_.name});
    throw std::runtime_error("aoenet " + join(args) + " failed (exit " + std::to_string(rc) +
                             "):\n" + output);
  }
  up_ = true;

  auto [env_rc, env] = run_script(script(), {"env", options_.name});
  if (env_rc != 0) throw std::runtime_error("aoenet env " + options_.name + " failed:\n" + env);
  std::map<std::string, std::string> facts;
  std::istringstream lines(env);
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) facts[line.substr(0, eq)] = line.substr(eq + 1);
  }
  ini_ns_ = facts["INI_NS"];
  ini_if_ = facts["INI_IF"];
  tgt_ns_ = facts["TGT_NS"];
  dir_ = facts["DIR"];
  ini_mac_ = facts["INI_MAC"];
  tgt_mac_ = facts["TGT_MAC"];
  if (ini_ns_.empty() || dir_.empty())
    throw std::runtime_error("aoenet env " + options_.name + " gave:\n" + env);
}

AoeNetwork::~AoeNetwork() {
  if (!up_) return;
  try {
    auto [rc, output] = run_script(script(), {"down", options_.name});
    if (rc != 0)
      std::fprintf(stderr, "aoenet down %s failed:\n%s\n", options_.name.c_str(), output.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aoenet down %s: %s\n", options_.name.c_str(), e.what());
  }
}

std::string AoeNetwork::ini_ns(unsigned n) const {
  return n <= 1 ? ini_ns_ : ini_ns_ + std::to_string(n);
}

std::string AoeNetwork::backing_file(const std::string& address) const {
  return dir_ + "/e" + address;
}

void AoeNetwork::start_target(const std::string& address, const std::string& size,
                              const std::string& vblade_flags) {
  run("target " + options_.name + " start " + address + " " + size + " " + vblade_flags);
}

void AoeNetwork::stop_target(const std::string& address) {
  run("target " + options_.name + " stop " + address);
}

void AoeNetwork::kill_target(const std::string& address) {
  run("target " + options_.name + " kill " + address);
}

void AoeNetwork::enter_initiator_namespace(unsigned n) const {
  const std::string path = "/run/netns/" + ini_ns(n);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("AoeNetwork: open " + path + ": " + std::strerror(errno));
  const int rc = ::setns(fd, CLONE_NEWNET);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) throw std::runtime_error("AoeNetwork: setns " + path + ": " + std::strerror(saved));
}

}  // namespace aoetest
