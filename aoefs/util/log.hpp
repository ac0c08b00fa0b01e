// The daemon's log: one line per event. Events worth a line: a target found,
// down or back, a lock taken or released, a mount or unmount, a failure the
// user must see. Never per frame or per request, except at level debug.
//
// Where lines go:
//  - in the foreground, stderr ("aoefs: TEXT"). When stderr is the journal
//    (systemd's JOURNAL_STREAM names stderr's device:inode, the sd-daemon
//    convention) each line is "<N>MOUNT: TEXT" instead, N the syslog
//    priority (error 3, warning 4, notice 5, info 6, debug 7), so that
//    `journalctl -p warning` selects them;
//  - in the background, the journal directly when its socket exists
//    (fields PRIORITY, SYSLOG_IDENTIFIER=aoefs, AOEFS_MOUNT=MOUNT), else
//    syslog (facility daemon, ident "aoefs", "MOUNT: TEXT"); errors go to
//    stderr too, so that a failure to mount reaches the terminal of
//    `aoefs MOUNTPOINT` (stderr is /dev/null once it is mounted).
// MOUNT is the mount point once set_log_mount() named it.
//
// Thread-safe: each message is formatted first and written with one call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aoefs {

enum class LogLevel { error, warning, notice, info, debug };

// "error", "warning" (or "warn"), "notice", "info", "debug"; nothing for
// other text.
std::optional<LogLevel> parse_log_level(std::string_view text);

// The syslog priority of a level (LOG_ERR ... LOG_DEBUG).
int log_priority(LogLevel level);

// Messages above `level` are dropped. Default: info.
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

// The mount point every later line names (journal and syslog only).
void set_log_mount(const std::string& mount_point);

// True when JOURNAL_STREAM is "DEV:INO" of the file `fd` is open on.
bool is_journal_stream(int fd);

// The stderr line for `text` ("aoefs: TEXT\n", or "<N>MOUNT: TEXT\n" when
// `journal`); exposed for the tests.
std::string stderr_line(LogLevel level, std::string_view text, bool journal,
                        const std::string& mount_point);

// From now on, messages go to the journal (or syslog) instead of stderr.
// False if neither the journal's socket nor /dev/log exists: the lines of a
// background daemon would be lost (stderr goes to /dev/null).
bool log_to_system_log();

// printf-style; no trailing newline is needed.
void log_message(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace aoefs
