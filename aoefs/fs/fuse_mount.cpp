#include "aoefs/fs/fuse_mount.hpp"

#include <unistd.h>

#include "aoefs/util/log.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

bool has_option(const std::vector<std::string>& options, const std::string& name) {
  for (const auto& o : options)
    if (o == name) return true;
  return false;
}

}  // namespace

Expected<std::unique_ptr<FuseMount>> FuseMount::mount(FsContext& context, MountPoint mountpoint,
                                                      const std::vector<std::string>& fuse_options,
                                                      bool allow_other) {
  // Something mounted there since the check would be mounted over.
  if (auto usable = mountpoint.check_unmounted(); !usable) return usable.error();
  std::unique_ptr<FuseMount> m(new FuseMount(std::move(mountpoint)));
  // libfuse mounts itself only as root, and not with auto_unmount (then
  // fusermount3 does, a process of its own, to which /proc/self/fd/N means
  // its own descriptors).
  m->through_descriptor_ = ::geteuid() == 0 && !has_option(fuse_options, "auto_unmount");
  const std::string target =
      m->through_descriptor_ ? m->mount_point_.descriptor_path() : m->mount_point_.real_path();
  m->mountpoint_ = m->mount_point_.real_path();

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
  if (fuse_session_mount(m->session_, target.c_str()) != 0) {
    // libfuse opens /dev/fuse itself before it falls back to fusermount3.
    if (::geteuid() != 0 && ::access("/dev/fuse", R_OK | W_OK) != 0)
      return Error{"cannot mount on " + printable(m->mountpoint_) +
                   ": /dev/fuse is not readable and writable by this user (it needs mode 0666, "
                   "as Debian's udev rule for fuse3 sets it)"};
    return Error{"cannot mount on " + printable(m->mountpoint_) +
                 " (is /dev/fuse available and fusermount3 installed?)"};
  }
  m->mounted_ = true;
  if (context.options.io_uring) {
    auto transport = UringTransport::install(m->session_, [raw = m.get()] { raw->loop_->stop(); });
    if (transport)
      m->transport_ = std::move(*transport);
    else
      log_message(LogLevel::warning, "FUSE transport: /dev/fuse (%s)",
                  transport.error().message.c_str());
  } else {
    log_message(LogLevel::info, "FUSE transport: /dev/fuse");
  }
  // Through the descriptor the mount is on the directory by construction;
  // fusermount3 resolved the path again, and the directory may have been
  // replaced in between. The destructor undoes a mount that landed elsewhere.
  if (!m->through_descriptor_) {
    if (auto landed = m->mount_point_.check_fuse_mounted(); !landed)
      return Error{"mount point " + m->mount_point_.given() + ": the mount did not land on " +
                   m->mountpoint_ + ", the directory that was checked (" + landed.error().message +
                   "); unmounted it"};
  }
  // Once mounted the directory cannot be renamed: this is where it stays.
  m->mountpoint_ = m->mount_point_.real_path();
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

int FuseMount::run() {
  const int signal = loop_->run();
  if (transport_) transport_->stop();  // no request is handled after run()
  return signal;
}

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
  if (mounted_) {
    // libfuse unmounts the path it mounted; as /proc/self/fd/N that must name
    // the mount's root (not the directory under it) by now. If there is no
    // such mount (unmounted already) libfuse sees that on its own.
    if (through_descriptor_) (void)mount_point_.retarget_to_fuse_root();
    fuse_session_unmount(session_);
  }
  fuse_session_destroy(session_);
  // Closing /dev/fuse ended the connection (its rings' commands with it):
  // only now may the rings and their buffers go.
  transport_.reset();
}

}  // namespace aoefs
