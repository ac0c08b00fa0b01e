// aoefs-helper: the setuid-root program that lets an ordinary user's aoefs
// use raw AoE sockets, as fusermount3 lets it use /dev/fuse.
//
//   aoefs-helper --fd N IFACE...
//
// Right after reading the caller's ids and groups it becomes the caller
// again, keeping CAP_NET_RAW alone (no other capability, not dumpable): the
// user and group lookups (NSS) and the policy parser never run as root. It
// then checks the caller against the root-owned policy file, opens one
// filtered, locked AoE socket per interface (aoe_socket.hpp), drops
// CAP_NET_RAW too, hands the sockets to descriptor N (a Unix socket the
// caller made) and exits. It never executes anything, clears its
// environment, reads no file but the policy (and the user and group
// databases) and fails closed: any doubt is a refusal with a message on
// stderr and exit status 1 (2 for a usage error).
//
// Group rights come from the caller's own groups (getgroups() and its real
// gid), not from /etc/group: a process that dropped a group has no rights
// through it. The helper refuses to run with more than one hard link: a
// link elsewhere (e.g. in /var/tmp, possible with fs.protected_hardlinks=0)
// would map to another installation prefix and so another policy file.
//
// The policy's path is fixed by where the helper is installed
// (policy_path.hpp), never by the caller.
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "aoefs/helper/aoe_socket.hpp"
#include "aoefs/helper/fd_passing.hpp"
#include "aoefs/helper/policy.hpp"
#include "aoefs/helper/policy_path.hpp"
#include "aoefs/helper/trusted_file.hpp"
#include "aoefs/util/interface_name.hpp"

namespace {

using namespace aoefs::helper;

constexpr std::size_t kMaxPolicyBytes = 64 * 1024;

// A caller may start us with 0, 1 or 2 closed; the first files we open would
// then become its stdin/stdout/stderr and our messages would land in them.
// Fills them with /dev/null; without that, gives up silently.
void ensure_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    const int null = open("/dev/null", O_RDWR);
    if (null != fd) _exit(1);
  }
}

[[noreturn]] void refuse(const std::string& why, int status = 1) {
  std::fprintf(stderr, "aoefs-helper: %s\n", why.c_str());
  std::exit(status);
}

int parse_fd(const char* text) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 3 || value > INT_MAX) return -1;
  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(static_cast<int>(value), SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
      domain != AF_UNIX)
    return -1;
  struct stat st {};
  if (fstat(static_cast<int>(value), &st) != 0 || !S_ISSOCK(st.st_mode)) return -1;
  return static_cast<int>(value);
}

// The caller's groups as the kernel has them: its real gid and the
// supplementary groups it still holds.
std::vector<gid_t> caller_groups(gid_t gid) {
  const int count = getgroups(0, nullptr);
  if (count < 0) refuse("getgroups failed");
  std::vector<gid_t> gids(static_cast<std::size_t>(count));
  if (count > 0 && getgroups(count, gids.data()) != count) refuse("getgroups failed");
  gids.push_back(gid);
  return gids;
}

std::vector<std::string> group_names_of(const std::vector<gid_t>& gids) {
  std::vector<std::string> names;
  for (gid_t gid : gids)
    if (const group* g = getgrgid(gid)) names.emplace_back(g->gr_name);
  return names;
}

bool set_capabilities(std::uint32_t mask) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  data[0].effective = data[0].permitted = mask;
  return syscall(SYS_capset, &header, data) == 0;
}

// Becomes the caller (its uid, gid and groups) holding CAP_NET_RAW alone.
void become_caller_with_net_raw(uid_t uid, gid_t gid, const std::vector<gid_t>& groups) {
  if (uid == 0) return;  // root asking: nothing to drop to
  if (prctl(PR_SET_KEEPCAPS, 1) != 0) refuse("prctl(PR_SET_KEEPCAPS) failed");
  if (setgroups(groups.size(), groups.data()) != 0) refuse("setgroups failed");
  if (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
    refuse("cannot become the caller");
  if (!set_capabilities(1u << CAP_NET_RAW)) refuse("cannot keep CAP_NET_RAW alone");
  prctl(PR_SET_KEEPCAPS, 0);
  prctl(PR_SET_DUMPABLE, 0);  // the caller must not ptrace a holder of CAP_NET_RAW
  if (setuid(0) == 0 || seteuid(0) == 0) refuse("privileges could be regained");
}

// Refuses a helper binary with more than one hard link (see the top).
void check_single_link() {
  struct stat st {};
  if (stat("/proc/self/exe", &st) != 0) refuse("cannot stat /proc/self/exe");
  if (st.st_nlink != 1)
    refuse("the helper has " + std::to_string(st.st_nlink) +
           " hard links; a link elsewhere would choose another policy file: remove the others");
}

Policy load_policy() {
  const std::string path = policy_file_path();
  if (path.empty()) refuse("cannot tell where the helper is installed (/proc/self/exe)");
  auto text = read_trusted_file(path, kMaxPolicyBytes);
  if (!text) refuse("refusing the policy: " + text.error().message);
  auto parsed = parse_policy(*text, path);
  if (!parsed) refuse("bad policy: " + parsed.error().message);
  return std::move(parsed).value();
}

void drop_privileges(uid_t uid) {
  if (uid == 0) return;
  if (!set_capabilities(0)) refuse("cannot drop CAP_NET_RAW");
  if (setuid(0) == 0 || seteuid(0) == 0) refuse("privileges could be regained");
}

}  // namespace

int main(int argc, char** argv) {
  clearenv();
  ensure_standard_descriptors();
  umask(077);
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  if (geteuid() != 0)
    refuse(
        "not running as root: install it setuid root (chown root, chmod 4755) on a file system "
        "not mounted nosuid, and do not run it with no_new_privs");

  if (argc < 4 || argv[1] != std::string("--fd"))
    refuse("usage: aoefs-helper --fd N IFACE...  (run by aoefs, not by hand)", 2);
  const int reply_fd = parse_fd(argv[2]);
  if (reply_fd < 0) refuse("--fd must name an open Unix socket descriptor >= 3", 2);
  std::vector<std::string> interfaces;
  for (int i = 3; i < argc; ++i) {
    std::string name = argv[i];
    if (!aoefs::is_valid_interface_name(name))
      refuse("invalid interface name (1 to 15 bytes, not . or .., without / : or white space)", 2);
    interfaces.push_back(std::move(name));
  }
  if (interfaces.size() > kMaxPassedSockets) refuse("too many interfaces", 2);
  check_single_link();
  const std::vector<gid_t> gids = caller_groups(gid);
  become_caller_with_net_raw(uid, gid, gids);

  const passwd* user = getpwuid(uid);
  if (!user) refuse("the calling user has no passwd entry");
  const std::string user_name = user->pw_name;
  const std::vector<std::string> groups = group_names_of(gids);

  const Policy policy = load_policy();
  for (const std::string& iface : interfaces)
    if (!policy_allows(policy, user_name, groups, iface))
      refuse("user '" + user_name + "' may not use interface '" + iface + "' (see " +
             policy_file_path() + ")");

  std::vector<PassedSocket> sockets;
  for (const std::string& iface : interfaces) {
    auto opened = open_filtered_aoe_socket(iface);
    if (!opened) refuse(opened.error().message);
    sockets.push_back({iface, *opened});
  }
  drop_privileges(uid);
  if (auto sent = send_sockets(reply_fd, sockets); !sent) refuse(sent.error().message);
  return 0;
}
