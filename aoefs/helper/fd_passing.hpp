// Handing open sockets from the setuid helper to aoefs over a Unix socket.
//
// Wire format: one message; its data is the interface names separated by
// '\n' (in the order of the descriptors), its ancillary data one SCM_RIGHTS
// block with one descriptor per name. A helper that fails sends nothing and
// exits non-zero; its reason goes to stderr.
#pragma once

#include <string>
#include <vector>

#include "aoefs/util/expected.hpp"

namespace aoefs::helper {

struct PassedSocket {
  std::string interface;
  int fd = -1;
};

inline constexpr std::size_t kMaxPassedSockets = 16;

Expected<void> send_sockets(int unix_socket, const std::vector<PassedSocket>& sockets);

// Receives one message; takes ownership of the descriptors it returns.
// Closes any received descriptor on error.
Expected<std::vector<PassedSocket>> receive_sockets(int unix_socket);

}  // namespace aoefs::helper
