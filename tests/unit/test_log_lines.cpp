// The log's stderr lines: "<N>" syslog priorities and the mount point when
// stderr is the journal (JOURNAL_STREAM = stderr's device:inode), the plain
// "aoefs: " prefix otherwise (log.hpp).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "aoefs/util/log.hpp"

using namespace aoefs;

TEST_CASE("log: priorities of the levels", "[log]") {
  CHECK(stderr_line(LogLevel::error, "x", true, "/mnt/a") == "<3>/mnt/a: x\n");
  CHECK(stderr_line(LogLevel::warning, "x", true, "/mnt/a") == "<4>/mnt/a: x\n");
  CHECK(stderr_line(LogLevel::notice, "x", true, "/mnt/a") == "<5>/mnt/a: x\n");
  CHECK(stderr_line(LogLevel::info, "x", true, "/mnt/a") == "<6>/mnt/a: x\n");
  CHECK(stderr_line(LogLevel::debug, "x", true, "/mnt/a") == "<7>/mnt/a: x\n");
  CHECK(stderr_line(LogLevel::debug, "x", true, "") == "<7>x\n");
  CHECK(stderr_line(LogLevel::warning, "x", false, "/mnt/a") == "aoefs: x\n");
  CHECK(parse_log_level("notice") == LogLevel::notice);
}

TEST_CASE("log: JOURNAL_STREAM must name the descriptor's file", "[log]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  const int fd = ::fileno(f);
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const char* old = std::getenv("JOURNAL_STREAM");
  const std::string saved = old ? old : "";

  ::unsetenv("JOURNAL_STREAM");
  CHECK_FALSE(is_journal_stream(fd));
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  CHECK(is_journal_stream(fd));
  ::setenv("JOURNAL_STREAM",
           (std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1)).c_str(), 1);
  CHECK_FALSE(is_journal_stream(fd));
  ::setenv("JOURNAL_STREAM", (mine + "x").c_str(), 1);
  CHECK_FALSE(is_journal_stream(fd));
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  CHECK_FALSE(is_journal_stream(fd));

  if (old)
    ::setenv("JOURNAL_STREAM", saved.c_str(), 1);
  else
    ::unsetenv("JOURNAL_STREAM");
  std::fclose(f);
}
