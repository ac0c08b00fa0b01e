// aoefs-helper: the setuid-root program that lets an ordinary user's aoefs
// use raw AoE sockets, as fusermount3 lets it use /dev/fuse.
//
//   aoefs-helper --fd N IFACE...
//
// It checks the caller against the root-owned policy file, opens one
// filtered, locked AoE socket per interface (aoe_socket.hpp), drops every
// privilege, hands the sockets to descriptor N (a Unix socket the caller
// made) and exits. It never executes anything, clears its environment, reads
// no file but the policy and fails closed: any doubt is a refusal with a
// message on stderr and exit status 1 (2 for a usage error).
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aoefs/helper/aoe_socket.hpp"
#include "aoefs/helper/fd_passing.hpp"
#include "aoefs/helper/policy.hpp"
#include "aoefs/helper/policy_path.hpp"

namespace {

using namespace aoefs::helper;

[[noreturn]] void refuse(const std::string& why, int status = 1) {
  std::fprintf(stderr, "aoefs-helper: %s\n", why.c_str());
  std::exit(status);
}

int parse_fd(const char* text) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 3 || value > INT_MAX) return -1;
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(static_cast<int>(value), SOL_SOCKET, SO_TYPE, &type, &len) != 0) return -1;
  struct stat st {};
  if (fstat(static_cast<int>(value), &st) != 0 || !S_ISSOCK(st.st_mode)) return -1;
  return static_cast<int>(value);
}

std::vector<std::string> group_names_of(const passwd& user) {
  int count = 64;
  std::vector<gid_t> gids(static_cast<std::size_t>(count));
  if (getgrouplist(user.pw_name, user.pw_gid, gids.data(), &count) < 0) {
    gids.resize(static_cast<std::size_t>(count));
    if (getgrouplist(user.pw_name, user.pw_gid, gids.data(), &count) < 0) return {};
  }
  gids.resize(static_cast<std::size_t>(count));
  std::vector<std::string> names;
  for (gid_t gid : gids)
    if (const group* g = getgrgid(gid)) names.emplace_back(g->gr_name);
  return names;
}

Policy load_policy() {
  const std::string path = policy_file_path();
  if (std::string why = check_policy_file_trusted(path); !why.empty())
    refuse("refusing to trust the policy: " + why);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) refuse("cannot read the policy " + path);
  auto parsed = parse_policy(text.str(), path);
  if (auto* why = std::get_if<std::string>(&parsed)) refuse("bad policy: " + *why);
  return std::get<Policy>(std::move(parsed));
}

void drop_privileges(uid_t uid, gid_t gid) {
  if (setgroups(0, nullptr) != 0 && uid != 0) refuse("setgroups failed");
  if (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) refuse("cannot drop privileges");
  if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) refuse("privileges could be regained");
}

}  // namespace

int main(int argc, char** argv) {
  clearenv();
  umask(077);
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  if (geteuid() != 0) refuse("not installed setuid root (chown root, chmod 4755)");

  if (argc < 4 || std::strcmp(argv[1], "--fd") != 0)
    refuse("usage: aoefs-helper --fd N IFACE...  (run by aoefs, not by hand)", 2);
  const int reply_fd = parse_fd(argv[2]);
  if (reply_fd < 0) refuse("--fd must name an open socket descriptor >= 3", 2);
  std::vector<std::string> interfaces;
  for (int i = 3; i < argc; ++i) {
    std::string name = argv[i];
    if (!is_valid_interface_name(name)) refuse("invalid interface name", 2);
    interfaces.push_back(std::move(name));
  }
  if (interfaces.size() > kMaxPassedSockets) refuse("too many interfaces", 2);

  const passwd* user = getpwuid(uid);
  if (!user) refuse("the calling user has no passwd entry");
  const std::string user_name = user->pw_name;
  const std::vector<std::string> groups = group_names_of(*user);

  const Policy policy = load_policy();
  for (const std::string& iface : interfaces)
    if (!policy_allows(policy, user_name, groups, iface))
      refuse("user '" + user_name + "' may not use interface '" + iface + "' (see " +
             policy_file_path() + ")");

  std::vector<PassedSocket> sockets;
  for (const std::string& iface : interfaces) {
    auto opened = open_filtered_aoe_socket(iface);
    if (auto* why = std::get_if<std::string>(&opened)) refuse(*why);
    sockets.push_back({iface, std::get<int>(opened)});
  }
  drop_privileges(uid, gid);
  if (std::string why = send_sockets(reply_fd, sockets); !why.empty()) refuse(why);
  return 0;
}
