// The daemon's log: one line per event, to stderr while in the foreground
// and to syslog (facility daemon, ident "aoefs") once it runs in the
// background. Events worth a line: a target found, down or back, a lock
// taken or released, a mount or unmount, a failure the user must see.
// Never per frame or per request, except at level debug.
//
// Thread-safe: each message is formatted first and written with one call.
#pragma once

#include <optional>
#include <string_view>

namespace aoefs {

enum class LogLevel { error, warning, info, debug };

// "error", "warning" (or "warn"), "info", "debug"; nothing for other text.
std::optional<LogLevel> parse_log_level(std::string_view text);

// Messages above `level` are dropped. Default: info.
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

// From now on, messages go to syslog instead of stderr; errors still go to
// stderr too, so that a background daemon's failure to mount reaches the
// terminal of `aoefs MOUNTPOINT` (stderr is /dev/null once it is mounted).
void log_to_syslog();

// printf-style; the line gets the "aoefs: " prefix on stderr, and no
// trailing newline is needed.
void log_message(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace aoefs
