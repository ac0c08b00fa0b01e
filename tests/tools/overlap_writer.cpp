// overlap_writer FILE OFFSET LENGTH BYTE ROUNDS
// pwrite()s LENGTH bytes of value BYTE at OFFSET, ROUNDS times (with O_DIRECT
// off: any offset). Two of these racing over overlapping unaligned ranges
// must leave every sector holding one writer's bytes over the old content.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: overlap_writer FILE OFFSET LENGTH BYTE ROUNDS\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_WRONLY);
  if (fd < 0) {
    std::perror(argv[1]);
    return 1;
  }
  const off_t offset = std::strtoll(argv[2], nullptr, 0);
  const std::size_t length = std::strtoull(argv[3], nullptr, 0);
  const int byte = static_cast<int>(std::strtol(argv[4], nullptr, 0));
  const long rounds = std::strtol(argv[5], nullptr, 0);
  std::vector<unsigned char> buf(length, static_cast<unsigned char>(byte));
  for (long r = 0; r < rounds; ++r) {
    const ssize_t n = ::pwrite(fd, buf.data(), buf.size(), offset);
    if (n != static_cast<ssize_t>(buf.size())) {
      std::perror("pwrite");
      return 1;
    }
  }
  return ::close(fd) == 0 ? 0 : 1;
}
