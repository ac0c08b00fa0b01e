// The configuration keys shared by the TOML file and -o options: one table
// (setting_keys.cpp) binds each key's name to its kind and to the function
// that parses, checks and stores its value. Adding a setting is one row
// there, plus its field in settings.hpp and its documentation (usage.cpp,
// contrib/aoefs.8, contrib/aoefs.toml; tests/unit/test_docs_keys.cpp fails
// until all three name it).
//
// Errors are messages naming what is expected; the caller adds where
// (file:line or -o).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "aoefs/settings/settings.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

// The value's shape: how a TOML value of the key is turned into text
// (config_file.cpp), and whether `-o KEY` alone means KEY=true (flag).
enum class KeyKind {
  flag,
  seconds,
  unsigned_id,
  octal_mode,
  byte_size,
  kibibytes,
  count,         // a positive integer (limits such as max_targets)
  microseconds,  // an integer number of µs (busy_poll)
  interface_list,
  word,            // one of a fixed set of names (log_level)
  listen_address,  // ADDR:PORT, [ADDR6]:PORT, PORT (loopback) or off
};

struct KeyInfo {
  std::string_view name;  // as in TOML; -o uses the same name (plus ro/rw)
  KeyKind kind;
  // Parses `text`, checks it and stores it into its field of `settings`.
  // On error `settings` is unchanged. Flags accept true/false/yes/no/1/0/
  // on/off.
  Expected<void> (*apply)(Settings& settings, std::string_view text);
};

// Every configuration key, in the order the documentation lists them.
std::span<const KeyInfo> all_keys();

// nullptr when `name` is not a configuration key.
const KeyInfo* find_key(std::string_view name);

// The closest known key name to a misspelled one, or empty.
std::string_view closest_key(std::string_view name);

}  // namespace aoefs
