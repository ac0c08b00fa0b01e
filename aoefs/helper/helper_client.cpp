#include "aoefs/helper/helper_client.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace aoefs::helper {

std::string default_helper_path() {
  if (const char* env = std::getenv("AOEFS_HELPER"); env && *env) return env;
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/usr/libexec/aoefs/aoefs-helper";
  std::string exe(buf, static_cast<std::size_t>(n));
  return exe.substr(0, exe.rfind('/')) + "/../libexec/aoefs/aoefs-helper";
}

Expected<std::vector<PassedSocket>> request_sockets_from_helper(
    const std::string& helper_path, const std::vector<std::string>& interfaces) {
  if (interfaces.empty()) return Error{"no interfaces to ask the helper for"};
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) != 0)
    return Error{std::string("socketpair: ") + std::strerror(errno)};

  std::vector<std::string> args{helper_path, "--fd", "3"};
  args.insert(args.end(), interfaces.begin(), interfaces.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  char* empty_env[] = {nullptr};

  const pid_t pid = fork();
  if (pid < 0) {
    close(pair[0]);
    close(pair[1]);
    return Error{std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    // dup2 clears CLOEXEC on fd 3, but does nothing when the socket already
    // is fd 3 (aoefs started with stdin closed): clear the flag then.
    if (pair[1] == 3) {
      if (fcntl(3, F_SETFD, 0) < 0) _exit(127);
    } else if (dup2(pair[1], 3) < 0) {
      _exit(127);
    }
    execve(helper_path.c_str(), argv.data(), empty_env);
    _exit(127);
  }
  close(pair[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    close(pair[0]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      return Error{"cannot run the helper " + helper_path};
    return Error{"the helper " + helper_path + " refused (exit status " +
                 std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
                 ")"};
  }
  auto received = receive_sockets(pair[0]);
  close(pair[0]);
  if (received) {
    bool same = received->size() == interfaces.size();
    for (std::size_t i = 0; same && i < interfaces.size(); ++i)
      same = (*received)[i].interface == interfaces[i];
    if (!same) {
      for (auto& s : *received) close(s.fd);
      return Error{"the helper handed over other interfaces than asked for"};
    }
  }
  return received;
}

}  // namespace aoefs::helper
