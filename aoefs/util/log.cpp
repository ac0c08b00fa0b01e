#include "aoefs/util/log.hpp"

#include <syslog.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <string>

namespace aoefs {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<bool> g_syslog{false};

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return LOG_ERR;
    case LogLevel::warning:
      return LOG_WARNING;
    case LogLevel::info:
      return LOG_INFO;
    case LogLevel::debug:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error") return LogLevel::error;
  if (text == "warning" || text == "warn") return LogLevel::warning;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  return std::nullopt;
}

void set_log_level(LogLevel level) { g_level = level; }

bool log_enabled(LogLevel level) { return level <= g_level.load(); }

void log_to_syslog() {
  ::openlog("aoefs", LOG_PID, LOG_DAEMON);
  g_syslog = true;
}

void log_message(LogLevel level, const char* format, ...) {
  if (!log_enabled(level)) return;
  char text[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  if (g_syslog) {
    ::syslog(syslog_priority(level), "%s", text);
    if (level != LogLevel::error) return;
  }
  const std::string line = std::string("aoefs: ") + text + "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace aoefs
