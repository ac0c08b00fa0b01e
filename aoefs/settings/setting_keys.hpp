// The configuration keys shared by the TOML file and -o options, and the
// parsing of one key's value from text. Errors are messages naming what is
// expected; the caller adds where (file:line or -o).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "aoefs/settings/settings.hpp"

namespace aoefs {

enum class KeyKind {
  flag,
  seconds,
  unsigned_id,
  octal_mode,
  byte_size,
  kibibytes,
  interface_list,
  word,  // one of a fixed set of names (log_level)
  listen_address,  // ADDR:PORT, [ADDR6]:PORT, PORT (loopback) or off
};

struct KeyInfo {
  std::string_view name;  // as in TOML; -o uses the same name (plus ro/rw)
  KeyKind kind;
};

// Every configuration key, in the order the documentation lists them.
std::span<const KeyInfo> all_keys();

// nullptr when `name` is not a configuration key.
const KeyInfo* find_key(std::string_view name);

// Parses `text` for `key` into `settings`. Returns an error message
// ("expected ...") or nothing on success. Flags accept true/false/yes/no/1/0.
std::optional<std::string> apply_key_text(Settings& settings, const KeyInfo& key,
                                          std::string_view text);

// The closest known key name to a misspelled one, or empty.
std::string_view closest_key(std::string_view name);

}  // namespace aoefs
