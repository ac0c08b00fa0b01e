// acked_writer: writes numbered blocks and logs each one the system
// acknowledged, for the fault tests (a target or the daemon dies mid-write).
//
//   acked_writer write  FILE BLOCK_SIZE BLOCKS SEED LOG [--direct]
//   acked_writer verify FILE BLOCK_SIZE SEED LOG
//
// write: for i = 0..BLOCKS-1 pwrite()s block i (BLOCK_SIZE bytes of a
// pattern derived from SEED and i) at i * BLOCK_SIZE, then fdatasync()s, and
// only then appends "i" to LOG (flushed): LOG lists exactly the blocks whose
// write and flush returned success. On the first failure it prints
//   acked_writer: block I: pwrite|fdatasync: STRERROR (errno N) after S s
// (S = how long that failing call blocked) and exits 3; exit 0 when all
// blocks were written. --direct opens FILE with O_DIRECT.
// verify: reads every block listed in LOG from FILE and compares it with
// its pattern; prints "verified N blocks (B bytes)"; exits 1 on a mismatch.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

namespace {

// BLOCK_SIZE bytes at p: a splitmix64 stream seeded by (seed, block).
void fill(unsigned char* p, std::size_t n, std::uint64_t seed, std::uint64_t block) {
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull ^ (block + 1) * 0xBF58476D1CE4E5B9ull;
  for (std::size_t i = 0; i < n; i += 8) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::memcpy(p + i, &z, std::min<std::size_t>(8, n - i));
  }
}

struct Free {
  void operator()(unsigned char* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<unsigned char[], Free>;

// Page-aligned, for O_DIRECT.
Buffer aligned_buffer(std::size_t n) {
  void* p = nullptr;
  if (posix_memalign(&p, 4096, n) != 0) {
    std::perror("posix_memalign");
    std::exit(2);
  }
  return Buffer(static_cast<unsigned char*>(p));
}

[[noreturn]] void failed(const char* what, long block, int err,
                         std::chrono::steady_clock::time_point t0) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("acked_writer: block %ld: %s: %s (errno %d) after %.3f s\n", block, what,
              std::strerror(err), err, s);
  std::fflush(stdout);
  std::exit(3);
}

int write_blocks(const char* path, std::size_t bs, long blocks, std::uint64_t seed, const char* log,
                 bool direct) {
  const int fd = ::open(path, O_WRONLY | (direct ? O_DIRECT : 0));
  if (fd < 0) {
    std::perror(path);
    return 2;
  }
  std::FILE* out = std::fopen(log, "w");
  if (!out) {
    std::perror(log);
    return 2;
  }
  const Buffer owned = aligned_buffer(bs);
  unsigned char* buf = owned.get();
  for (long i = 0; i < blocks; ++i) {
    fill(buf, bs, seed, static_cast<std::uint64_t>(i));
    auto t0 = std::chrono::steady_clock::now();
    const ssize_t n = ::pwrite(fd, buf, bs, static_cast<off_t>(i) * static_cast<off_t>(bs));
    if (n < 0) failed("pwrite", i, errno, t0);
    if (static_cast<std::size_t>(n) != bs) failed("pwrite (short)", i, EIO, t0);
    t0 = std::chrono::steady_clock::now();
    if (::fdatasync(fd) != 0) failed("fdatasync", i, errno, t0);
    std::fprintf(out, "%ld\n", i);
    std::fflush(out);
  }
  std::fclose(out);
  return ::close(fd) == 0 ? 0 : 3;
}

int verify_blocks(const char* path, std::size_t bs, std::uint64_t seed, const char* log) {
  const int fd = ::open(path, O_RDONLY);
  if (fd < 0) {
    std::perror(path);
    return 2;
  }
  std::ifstream in(log);
  const Buffer want_buffer = aligned_buffer(bs), got_buffer = aligned_buffer(bs);
  unsigned char* want = want_buffer.get();
  unsigned char* got = got_buffer.get();
  long count = 0, block = 0;
  while (in >> block) {
    fill(want, bs, seed, static_cast<std::uint64_t>(block));
    const ssize_t n = ::pread(fd, got, bs, static_cast<off_t>(block) * static_cast<off_t>(bs));
    if (n != static_cast<ssize_t>(bs) || std::memcmp(want, got, bs) != 0) {
      std::printf("acked_writer: acknowledged block %ld is not on %s\n", block, path);
      return 1;
    }
    ++count;
  }
  std::printf("verified %ld blocks (%llu bytes)\n", count,
              static_cast<unsigned long long>(count) * static_cast<unsigned long long>(bs));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "write" && (argc == 7 || argc == 8)) {
    const bool direct = argc == 8 && std::strcmp(argv[7], "--direct") == 0;
    return write_blocks(argv[2], std::strtoull(argv[3], nullptr, 0),
                        std::strtol(argv[4], nullptr, 0), std::strtoull(argv[5], nullptr, 0),
                        argv[6], direct);
  }
  if (mode == "verify" && argc == 6)
    return verify_blocks(argv[2], std::strtoull(argv[3], nullptr, 0),
                         std::strtoull(argv[4], nullptr, 0), argv[5]);
  std::fprintf(stderr,
               "usage: acked_writer write FILE BLOCK_SIZE BLOCKS SEED LOG [--direct]\n"
               "       acked_writer verify FILE BLOCK_SIZE SEED LOG\n");
  return 2;
}
