#include "aoefs/helper/trusted_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "aoefs/util/unique_fd.hpp"

namespace aoefs::helper {
namespace {

Error system_error(const std::string& path) { return Error{path + ": " + std::strerror(errno)}; }

// Whether the directory `st` (at `path`) may be trusted.
Expected<void> check_directory(const struct stat& st, const std::string& path) {
  if (!S_ISDIR(st.st_mode)) return Error{path + ": not a directory"};
  if (st.st_uid != 0) return Error{path + ": not owned by root"};
  const bool sticky = (st.st_mode & S_ISVTX) != 0;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky)
    return Error{path + ": writable by group or others"};
  return {};
}

}  // namespace

Expected<std::string> read_trusted_file(const std::string& path, std::size_t max_bytes) {
  if (path.size() < 2 || path[0] != '/' || path.back() == '/')
    return Error{"'" + path + "': not an absolute file path"};
  std::vector<std::string> parts;
  for (std::size_t start = 1; start <= path.size();) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..")
      return Error{"'" + path + "': not a normalised path"};
    parts.push_back(part);
    start = slash + 1;
  }

  UniqueFd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return system_error("/");
  std::string walked;
  struct stat st {};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (::fstat(dir.get(), &st) != 0) return system_error(walked.empty() ? "/" : walked);
    if (auto trusted = check_directory(st, walked.empty() ? "/" : walked); !trusted)
      return trusted.error();
    walked += "/" + parts[i];
    const bool last = i + 1 == parts.size();
    // O_PATH|O_NOFOLLOW opens a symbolic link itself, so fstat can see it.
    const int flags =
        last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC : O_PATH | O_NOFOLLOW | O_CLOEXEC;
    const int next = ::openat(dir.get(), parts[i].c_str(), flags);
    if (next < 0) {
      if (errno == ELOOP) return Error{walked + ": is a symbolic link"};
      return system_error(walked);
    }
    dir.reset(next);
    if (::fstat(dir.get(), &st) != 0) return system_error(walked);
    if (S_ISLNK(st.st_mode)) return Error{walked + ": is a symbolic link"};
  }

  // `dir` now holds the file itself.
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  if (st.st_uid != 0) return Error{path + ": not owned by root"};
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return Error{path + ": writable by group or others"};
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    return Error{path + ": larger than " + std::to_string(max_bytes) + " bytes"};

  std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(dir.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error(path);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return Error{path + ": larger than " + std::to_string(max_bytes) + " bytes"};
  // One byte more than fstat said means the file grew while read: what we
  // have may be cut anywhere (a rule without its users line). Refuse.
  if (got != static_cast<std::size_t>(st.st_size))
    return Error{path + ": changed while being read"};
  text.resize(got);
  return text;
}

}  // namespace aoefs::helper
