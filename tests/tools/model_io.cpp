// model_io FILE SIZE OPERATIONS SEED [--direct]
// Random pwrite/pread at odd offsets and lengths on FILE (a target of SIZE
// bytes), every read checked against an in-memory model of what was written.
// Starts by reading the whole file into the model. With --direct also does
// sector-aligned O_DIRECT I/O through a second descriptor. Exits 1 on the
// first mismatch, printing where.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace {

bool full_pread(int fd, unsigned char* p, std::size_t n, off_t off) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, off);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
    off += r;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: model_io FILE SIZE OPERATIONS SEED [--direct]\n");
    return 2;
  }
  const std::size_t size = std::strtoull(argv[2], nullptr, 0);
  const long ops = std::strtol(argv[3], nullptr, 0);
  std::mt19937_64 rng(std::strtoull(argv[4], nullptr, 0));
  const bool direct = argc > 5 && std::strcmp(argv[5], "--direct") == 0;
  const int fd = ::open(argv[1], O_RDWR);
  if (fd < 0) {
    std::perror(argv[1]);
    return 1;
  }
  int dfd = -1;
  if (direct) {
    dfd = ::open(argv[1], O_RDWR | O_DIRECT);
    if (dfd < 0) {
      std::perror("open O_DIRECT");
      return 1;
    }
  }
  std::vector<unsigned char> model(size);
  if (!full_pread(fd, model.data(), size, 0)) {
    std::fprintf(stderr, "cannot read the whole file\n");
    return 1;
  }
  void* aligned = nullptr;
  if (::posix_memalign(&aligned, 4096, 1 << 20) != 0) return 1;
  std::unique_ptr<void, decltype(&std::free)> aligned_owner(aligned, &std::free);
  auto* abuf = static_cast<unsigned char*>(aligned);
  std::vector<unsigned char> buf(1 << 20);
  for (long i = 0; i < ops; ++i) {
    const bool use_direct = direct && rng() % 3 == 0;
    const bool write = rng() % 2 == 0;
    std::size_t len, off;
    if (use_direct) {
      len = 512 * (1 + rng() % 256);
      off = 512 * (rng() % (size / 512));
      if (off + len > size) len = size - off;
    } else {
      // Odd offsets and lengths, sometimes big, sometimes a single byte.
      len = 1 + (rng() % 4 == 0 ? rng() % (1 << 20) : rng() % 4000);
      off = rng() % size;
      if (off + len > size) len = size - off;
    }
    unsigned char* p = use_direct ? abuf : buf.data();
    const int f = use_direct ? dfd : fd;
    if (write) {
      for (std::size_t k = 0; k < len; ++k) p[k] = static_cast<unsigned char>(rng());
      const ssize_t n = ::pwrite(f, p, len, static_cast<off_t>(off));
      if (n != static_cast<ssize_t>(len)) {
        std::fprintf(stderr, "op %ld: pwrite(%zu at %zu%s) = %zd: %s\n", i, len, off,
                     use_direct ? ", O_DIRECT" : "", n, std::strerror(errno));
        return 1;
      }
      std::memcpy(model.data() + off, p, len);
    } else {
      if (!full_pread(f, p, len, static_cast<off_t>(off))) {
        std::fprintf(stderr, "op %ld: pread(%zu at %zu) failed: %s\n", i, len, off,
                     std::strerror(errno));
        return 1;
      }
      if (std::memcmp(p, model.data() + off, len) != 0) {
        std::size_t k = 0;
        while (p[k] == model[off + k]) ++k;
        std::fprintf(stderr, "op %ld: read %zu at %zu%s differs from the model at byte %zu\n", i,
                     len, off, use_direct ? " (O_DIRECT)" : "", off + k);
        return 1;
      }
    }
  }
  // Past the end: reads are short, writes fail.
  if (::pread(fd, buf.data(), 100, static_cast<off_t>(size)) != 0) {
    std::fprintf(stderr, "read at the end did not return 0\n");
    return 1;
  }
  if (::pread(fd, buf.data(), 100, static_cast<off_t>(size - 10)) != 10) {
    std::fprintf(stderr, "read across the end was not short (10 bytes)\n");
    return 1;
  }
  errno = 0;
  if (::pwrite(fd, buf.data(), 100, static_cast<off_t>(size)) >= 0 ||
      (errno != ENOSPC && errno != EFBIG)) {
    std::fprintf(stderr, "write at the end did not fail with ENOSPC/EFBIG (errno %d)\n", errno);
    return 1;
  }
  // The final content, whole.
  std::vector<unsigned char> all(size);
  if (!full_pread(fd, all.data(), size, 0) || all != model) {
    std::fprintf(stderr, "final full read differs from the model\n");
    return 1;
  }
  std::printf("model_io: %ld operations verified\n", ops);
  return 0;
}
