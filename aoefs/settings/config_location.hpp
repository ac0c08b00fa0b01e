// Which configuration file the daemon reads. One folder, /etc/aoefs/:
//  - --config FILE: FILE (it must exist);
//  - --instance NAME (what aoefs@NAME.service passes): /etc/aoefs/NAME.toml
//    when it exists, so two mount points can differ; else as without;
//  - neither: /etc/aoefs/aoefs.toml; if only the old /etc/aoefs.toml exists,
//    that one, with a warning naming the new path. A missing default file
//    is fine (the built-in defaults).
// Pure but for `exists`, which the tests replace.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "aoefs/util/expected.hpp"

namespace aoefs {

inline constexpr const char* kConfigDir = "/etc/aoefs";
inline constexpr const char* kDefaultConfigPath = "/etc/aoefs/aoefs.toml";
inline constexpr const char* kOldConfigPath = "/etc/aoefs.toml";

struct ConfigChoice {
  std::string path;
  bool required = false;  // named by --config: a missing file is an error
  std::string warning;    // non-empty: log it (the old path was read)
};

// A usable instance name: not empty, no '/', not "." or "..", not "helper"
// (the setuid helper's policy) or "aoefs" (the default file).
Expected<void> check_instance_name(const std::string& name);

ConfigChoice choose_config(const std::optional<std::string>& config_path,
                           const std::optional<std::string>& instance,
                           const std::function<bool(const std::string&)>& exists);

// exists() for choose_config: the path names something (stat succeeds).
bool path_exists(const std::string& path);

}  // namespace aoefs
