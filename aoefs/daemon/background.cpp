#include "aoefs/daemon/background.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace aoefs {

Background Background::detach(bool keep_stderr) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {};
  }
  if (pid > 0) {
    ::close(fds[1]);
    char status = 1;
    const ssize_t n = ::read(fds[0], &status, 1);
    if (n == 1) std::_Exit(status);
    // The child exited before reporting: its exit code is the answer.
    int wstatus = 0;
    if (::waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus)) std::_Exit(WEXITSTATUS(wstatus));
    std::_Exit(1);
  }
  ::close(fds[0]);
  ::setsid();
  Background b;
  b.ready_fd_ = fds[1];
  b.keep_stderr_ = keep_stderr;
  return b;
}

void Background::report_ready() {
  if (ready_fd_ < 0) return;
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    if (!keep_stderr_) ::dup2(null, 2);
    if (null > 2) ::close(null);
  }
  if (::chdir("/") != 0) { /* harmless: keep the old cwd */
  }
  const char ok = 0;
  if (::write(ready_fd_, &ok, 1) != 1) { /* parent gone: nothing to tell */
  }
  ::close(ready_fd_);
  ready_fd_ = -1;
}

}  // namespace aoefs
