#include "aoefs/fs/fuse_mount.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aoefs {
namespace {

// /proc/self/mountinfo escapes blanks and backslashes as \ooo.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string oct = s.substr(i + 1, 3);
      if (oct.size() == 3 && oct.find_first_not_of("01234567") == std::string::npos) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool is_mount_point(const std::string& real_path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, point;
    if (fields >> id >> parent >> devno >> root >> point && unescape_mountinfo(point) == real_path)
      return true;
  }
  return false;
}

}  // namespace

Expected<void> check_mountpoint(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOTCONN)
      return Error{"mount point " + path +
                   " is busy: a dead FUSE mount is still there (fusermount3 -u " + path + ")"};
    return Error{"mount point " + path + ": " + std::strerror(err)};
  }
  if (!S_ISDIR(st.st_mode)) return Error{"mount point " + path + " is not a directory"};
  char real[PATH_MAX];
  if (!::realpath(path.c_str(), real))
    return Error{"mount point " + path + ": " + std::strerror(errno)};
  if (is_mount_point(real))
    return Error{"mount point " + path + " is busy: something is already mounted there"};
  return {};
}

Expected<std::unique_ptr<FuseMount>> FuseMount::mount(FsContext& context,
                                                      const std::string& mountpoint,
                                                      const std::vector<std::string>& fuse_options,
                                                      bool allow_other) {
  if (auto usable = check_mountpoint(mountpoint); !usable) return usable.error();
  std::unique_ptr<FuseMount> m(new FuseMount);
  m->mountpoint_ = mountpoint;

  // Permission bits and owner come from our options; the kernel enforces them.
  std::string opts = "fsname=aoefs,subtype=aoefs,default_permissions,max_read=" +
                     std::to_string(context.options.max_io_bytes);
  if (allow_other) opts += ",allow_other";
  if (context.options.read_only) opts += ",ro";
  for (const auto& o : fuse_options) opts += "," + o;
  std::vector<std::string> args_storage = {"aoefs", "-o", opts};
  if (context.options.debug) args_storage.push_back("-d");
  std::vector<char*> argv;
  for (auto& a : args_storage) argv.push_back(a.data());
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());

  m->session_ =
      fuse_session_new(&args, &filesystem_operations(), sizeof(fuse_lowlevel_ops), &context);
  fuse_opt_free_args(&args);
  if (!m->session_) return Error{"cannot create the FUSE session (options: " + opts + ")"};
  // SIGINT and SIGTERM mean "flush and unmount", also when the starting
  // shell ignored them (e.g. `aoefs -f ... &` in a script).
  m->loop_ = std::make_unique<SessionLoop>(m->session_);
  if (fuse_session_mount(m->session_, mountpoint.c_str()) != 0) {
    // libfuse opens /dev/fuse itself before it falls back to fusermount3.
    if (::geteuid() != 0 && ::access("/dev/fuse", R_OK | W_OK) != 0)
      return Error{"cannot mount on " + mountpoint +
                   ": /dev/fuse is not readable and writable by this user (it needs mode 0666, "
                   "as Debian's udev rule for fuse3 sets it)"};
    return Error{"cannot mount on " + mountpoint +
                 " (is /dev/fuse available and fusermount3 installed?)"};
  }
  m->mounted_ = true;
  m->notifier_ = std::thread([raw = m.get()] {
    std::unique_lock lock(raw->notify_mutex_);
    for (;;) {
      raw->notify_cv_.wait(lock,
                           [raw] { return raw->notify_stop_ || !raw->notify_queue_.empty(); });
      if (raw->notify_stop_) return;
      const std::uint64_t inode = raw->notify_queue_.front();
      raw->notify_queue_.pop_front();
      lock.unlock();
      // -ENOENT: the kernel does not know the inode (never looked up): nothing to drop.
      fuse_lowlevel_notify_inval_inode(raw->session_, inode, 0, 0);
      lock.lock();
    }
  });
  return m;
}

int FuseMount::run() { return loop_->run(); }

void FuseMount::invalidate_inode(std::uint64_t inode) {
  std::lock_guard lock(notify_mutex_);
  notify_queue_.push_back(inode);
  notify_cv_.notify_one();
}

FuseMount::~FuseMount() {
  if (notifier_.joinable()) {
    {
      std::lock_guard lock(notify_mutex_);
      notify_stop_ = true;
    }
    notify_cv_.notify_one();
    notifier_.join();
  }
  if (!session_) return;
  loop_.reset();
  if (mounted_) fuse_session_unmount(session_);
  fuse_session_destroy(session_);
}

}  // namespace aoefs
