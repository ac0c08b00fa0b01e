// The TOML configuration file (default /etc/aoefs.toml): flat `key = value`
// pairs with the keys of setting_keys.hpp. Types: booleans for flags,
// numbers (integer or float) for seconds, integers or strings for sizes
// ("64M"), umask as a string of octal digits ("022") or an integer written
// in TOML octal (0o022), interfaces as an array of strings or "IF1:IF2".
#pragma once

#include <string>
#include <string_view>

#include "aoefs/settings/settings.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

// Applies the file's keys over `settings`, all of them or (on error) none.
// The error names the file, line and key (e.g. "/etc/aoefs.toml:3:
// dead_timeout: expected ..."). `source_name` is used in messages only.
Expected<void> apply_config_text(Settings& settings, std::string_view text,
                                 const std::string& source_name);

// Reads and applies a file. A missing file is an error only if `required`
// (the file was named by --config, and the errors about reading it say
// "--config PATH: ..."). A directory, an unreadable file and one longer
// than 1 MiB are errors whether required or not.
Expected<void> apply_config_file(Settings& settings, const std::string& path, bool required);

}  // namespace aoefs
