#include "aoefs/cli/stats_reading.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aoefs {
namespace {

// Whole-file read; errno is left as the failing call set it.
bool read_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  text = s.str();
  return !in.bad();
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Expected<std::vector<MetricSample>> read_stats(const std::string& mountpoint) {
  const std::string path = mountpoint + "/.stats";
  std::string text;
  if (!read_file(path, text))
    return Error{"cannot read " + path + ": " + std::strerror(errno) + " (is " + mountpoint +
                 " an aoefs mount?)"};
  auto parsed = parse_prometheus_text(text);
  if (!parsed) return Error{path + ": " + parsed.error().message};
  return std::move(*parsed);
}

Expected<std::string> read_stats_text_within(const std::string& mountpoint,
                                             std::chrono::milliseconds limit) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error{std::strerror(errno)};
  const pid_t child = ::fork();
  if (child < 0) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return Error{std::strerror(e)};
  }
  if (child == 0) {
    // The child: the text on success; on failure one byte 0 and the errno.
    ::close(fds[0]);
    std::string text;
    if (read_file(mountpoint + "/.stats", text)) {
      const char ok = 1;
      write_all(fds[1], &ok, 1);
      write_all(fds[1], text.data(), text.size());
      ::_exit(0);
    }
    const char failed[2] = {0, static_cast<char>(errno)};
    write_all(fds[1], failed, 2);
    ::_exit(1);
  }
  ::close(fds[1]);
  std::string got;
  const auto until = std::chrono::steady_clock::now() + limit;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char buf[65536];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(child, SIGKILL);
  while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Error{"no answer within " + std::to_string(limit.count()) + " ms"};
  if (got.empty()) return Error{"the reader died"};
  if (got[0] == 0)
    return Error{got.size() > 1 ? std::strerror(static_cast<unsigned char>(got[1]))
                                : "cannot read .stats"};
  return got.substr(1);
}

}  // namespace aoefs
