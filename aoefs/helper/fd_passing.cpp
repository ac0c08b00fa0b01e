#include "aoefs/helper/fd_passing.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aoefs::helper {

Expected<void> send_sockets(int unix_socket, const std::vector<PassedSocket>& sockets) {
  if (sockets.empty() || sockets.size() > kMaxPassedSockets) return Error{"bad number of sockets"};
  std::string names;
  for (const PassedSocket& s : sockets) {
    if (!names.empty()) names += '\n';
    names += s.interface;
  }
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedSockets)] = {};
  iovec iov{names.data(), names.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * sockets.size());
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int) * sockets.size());
  for (std::size_t i = 0; i < sockets.size(); ++i)
    std::memcpy(CMSG_DATA(cmsg) + i * sizeof(int), &sockets[i].fd, sizeof(int));
  ssize_t n;
  do n = sendmsg(unix_socket, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Error{std::string("sendmsg: ") + std::strerror(errno)};
  return {};
}

Expected<std::vector<PassedSocket>> receive_sockets(int unix_socket) {
  char names[kMaxPassedSockets * 17] = {};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedSockets)] = {};
  iovec iov{names, sizeof names};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(unix_socket, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Error{std::string("recvmsg: ") + std::strerror(errno)};

  std::vector<int> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  auto fail = [&](std::string why) {
    for (int fd : fds) close(fd);
    return Error{std::move(why)};
  };
  if (n == 0 && fds.empty()) return fail("the helper sent no sockets");
  if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) return fail("the helper's message was truncated");

  std::vector<PassedSocket> result;
  std::string_view rest(names, static_cast<std::size_t>(n));
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    result.push_back({std::string(rest.substr(0, end)), -1});
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  if (result.size() != fds.size())
    return fail("the helper sent names and sockets that do not match");
  for (std::size_t i = 0; i < fds.size(); ++i) result[i].fd = fds[i];
  return result;
}

}  // namespace aoefs::helper
