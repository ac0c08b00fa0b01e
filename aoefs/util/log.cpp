#include "aoefs/util/log.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <atomic>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace aoefs {
namespace {

enum class Sink { stderr_plain, stderr_journal, journal, syslog };

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<Sink> g_sink{Sink::stderr_plain};
std::once_flag g_sink_checked;
std::mutex g_mount_mutex;
std::string g_mount;  // guarded by g_mount_mutex

std::string mount_point() {
  std::lock_guard lock(g_mount_mutex);
  return g_mount;
}

std::string with_mount(std::string_view text, const std::string& mount) {
  if (mount.empty()) return std::string(text);
  return mount + ": " + std::string(text);
}

bool exists(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error") return LogLevel::error;
  if (text == "warning" || text == "warn") return LogLevel::warning;
  if (text == "notice") return LogLevel::notice;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  return std::nullopt;
}

int log_priority(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return LOG_ERR;
    case LogLevel::warning:
      return LOG_WARNING;
    case LogLevel::notice:
      return LOG_NOTICE;
    case LogLevel::info:
      return LOG_INFO;
    case LogLevel::debug:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

void set_log_level(LogLevel level) { g_level = level; }

bool log_enabled(LogLevel level) { return level <= g_level.load(); }

void set_log_mount(const std::string& mount) {
  std::lock_guard lock(g_mount_mutex);
  g_mount = mount;
}

bool is_journal_stream(int fd) {
  const char* value = std::getenv("JOURNAL_STREAM");
  if (!value) return false;
  std::uintmax_t dev = 0, ino = 0;
  char rest = 0;
  if (std::sscanf(value, "%ju:%ju%c", &dev, &ino, &rest) != 2) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<std::uintmax_t>(st.st_dev) == dev &&
         static_cast<std::uintmax_t>(st.st_ino) == ino;
}

std::string stderr_line(LogLevel level, std::string_view text, bool journal,
                        const std::string& mount) {
  if (!journal) return "aoefs: " + std::string(text) + "\n";
  return "<" + std::to_string(log_priority(level)) + ">" + with_mount(text, mount) + "\n";
}

bool log_to_system_log() {
  if (exists(kJournalSocket)) {
    g_sink = Sink::journal;
    return true;
  }
  ::openlog("aoefs", LOG_PID, LOG_DAEMON);
  g_sink = Sink::syslog;
  return exists("/dev/log");
}

void log_message(LogLevel level, const char* format, ...) {
  if (!log_enabled(level)) return;
  // Checked once: the daemon's stderr is what systemd gave it, or a terminal.
  std::call_once(g_sink_checked, [] {
    if (g_sink.load() == Sink::stderr_plain && is_journal_stream(STDERR_FILENO))
      g_sink = Sink::stderr_journal;
  });
  char text[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  const Sink sink = g_sink.load();
  const std::string mount = mount_point();
  if (sink == Sink::journal) {
    const std::string message = with_mount(text, mount);
    ::sd_journal_send("MESSAGE=%s", message.c_str(), "PRIORITY=%d", log_priority(level),
                      "SYSLOG_IDENTIFIER=aoefs", "AOEFS_MOUNT=%s", mount.c_str(), nullptr);
  } else if (sink == Sink::syslog) {
    ::syslog(log_priority(level), "%s", with_mount(text, mount).c_str());
  }
  if ((sink == Sink::journal || sink == Sink::syslog) && level != LogLevel::error) return;
  const std::string line = stderr_line(level, text, sink == Sink::stderr_journal, mount);
  std::fputs(line.c_str(), stderr);
}

}  // namespace aoefs
