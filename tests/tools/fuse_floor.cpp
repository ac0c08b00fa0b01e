// fuse_floor MOUNTPOINT BYTES: the least a low-level FUSE filesystem can
// do, for contrib/bench/compare's "FUSE floor" row. One file, e1.0, of BYTES
// bytes held in memory (zeros until written); every read and write is
// answered inline, on the libfuse worker thread that received it, with no
// hop to another thread and no copy but the reply's. What a 4 KiB read costs
// here is the kernel's FUSE round trip on this machine (classic /dev/fuse,
// libfuse's multi-threaded loop), whatever the wire. Foreground only; runs
// until unmounted. Exit: 0 unmounted, 1 failed, 2 usage.
#include "aoefs/fs/fuse_version.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr fuse_ino_t kFile = 2;
constexpr const char* kName = "e1.0";

std::vector<char> g_disk;

struct stat file_stat(fuse_ino_t ino) {
  struct stat st {};
  st.st_ino = ino;
  if (ino == FUSE_ROOT_ID) {
    st.st_mode = S_IFDIR | 0755;
    st.st_nlink = 2;
  } else {
    st.st_mode = S_IFREG | 0600;
    st.st_nlink = 1;
    st.st_size = static_cast<off_t>(g_disk.size());
  }
  return st;
}

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  if (parent != FUSE_ROOT_ID || std::strcmp(name, kName) != 0)
    return (void)fuse_reply_err(req, ENOENT);
  fuse_entry_param e{};
  e.ino = kFile;
  e.attr = file_stat(kFile);
  e.attr_timeout = e.entry_timeout = 3600;
  fuse_reply_entry(req, &e);
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  if (ino != FUSE_ROOT_ID && ino != kFile) return (void)fuse_reply_err(req, ENOENT);
  const struct stat st = file_stat(ino);
  fuse_reply_attr(req, &st, 3600);
}

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
  if (ino != FUSE_ROOT_ID) return (void)fuse_reply_err(req, ENOTDIR);
  std::vector<char> buf(size);
  std::size_t used = 0;
  const char* names[] = {".", "..", kName};
  const fuse_ino_t inos[] = {FUSE_ROOT_ID, FUSE_ROOT_ID, kFile};
  for (off_t i = offset; i < 3; ++i) {
    const struct stat st = file_stat(inos[i]);
    const std::size_t need =
        fuse_add_direntry(req, buf.data() + used, size - used, names[i], &st, i + 1);
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
}

void op_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  if (ino != kFile) return (void)fuse_reply_err(req, EISDIR);
  fuse_reply_open(req, fi);
}

void op_read(fuse_req_t req, fuse_ino_t, size_t size, off_t offset, fuse_file_info*) {
  if (offset < 0) return (void)fuse_reply_err(req, EINVAL);
  const auto at = std::min<std::size_t>(static_cast<std::size_t>(offset), g_disk.size());
  fuse_reply_buf(req, g_disk.data() + at, std::min(size, g_disk.size() - at));
}

void op_write(fuse_req_t req, fuse_ino_t, const char* data, size_t size, off_t offset,
              fuse_file_info*) {
  if (offset < 0 || static_cast<std::size_t>(offset) > g_disk.size())
    return (void)fuse_reply_err(req, EINVAL);
  const std::size_t n = std::min(size, g_disk.size() - static_cast<std::size_t>(offset));
  std::memcpy(g_disk.data() + offset, data, n);
  fuse_reply_write(req, n);
}

}  // namespace

int main(int argc, char** argv) {
  char* end = nullptr;
  const unsigned long long bytes = argc == 3 ? std::strtoull(argv[2], &end, 10) : 0;
  if (argc != 3 || !end || *end != '\0' || bytes == 0) {
    std::fprintf(stderr, "usage: fuse_floor MOUNTPOINT BYTES\n");
    return 2;
  }
  g_disk.assign(bytes, 0);
  fuse_lowlevel_ops ops{};
  ops.lookup = op_lookup;
  ops.getattr = op_getattr;
  ops.readdir = op_readdir;
  ops.open = op_open;
  ops.read = op_read;
  ops.write = op_write;
  char arg0[] = "fuse_floor";
  char* args_v[] = {arg0};
  fuse_args args = FUSE_ARGS_INIT(1, args_v);
  fuse_session* se = fuse_session_new(&args, &ops, sizeof ops, nullptr);
  if (!se || fuse_session_mount(se, argv[1]) != 0) {
    std::fprintf(stderr, "fuse_floor: cannot mount on %s\n", argv[1]);
    if (se) fuse_session_destroy(se);
    return 1;
  }
  fuse_set_signal_handlers(se);
  std::fprintf(stderr, "fuse_floor: mounted on %s\n", argv[1]);
  fuse_loop_config* config = fuse_loop_cfg_create();
  const int rc = fuse_session_loop_mt(se, config);
  fuse_loop_cfg_destroy(config);
  fuse_remove_signal_handlers(se);
  fuse_session_unmount(se);
  fuse_session_destroy(se);
  return rc == 0 ? 0 : 1;
}
