#include "aoefs/settings/config_location.hpp"

#include <sys/stat.h>

#include "aoefs/util/wire_text.hpp"

namespace aoefs {

Expected<void> check_instance_name(const std::string& name) {
  if (name.empty()) return Error{"--instance needs a NAME"};
  if (name.find('/') != std::string::npos || name == "." || name == "..")
    return Error{"--instance " + printable(name) + ": a NAME, not a path (it selects " +
                 kConfigDir + "/NAME.toml)"};
  if (name == "helper" || name == "aoefs")
    return Error{"--instance " + name + ": " + kConfigDir + "/" + name +
                 ".toml is not an instance's configuration; choose another name"};
  return {};
}

ConfigChoice choose_config(const std::optional<std::string>& config_path,
                           const std::optional<std::string>& instance,
                           const std::function<bool(const std::string&)>& exists) {
  if (config_path) return {*config_path, true, {}};
  if (instance) {
    const std::string own = std::string(kConfigDir) + "/" + *instance + ".toml";
    if (exists(own)) return {own, false, {}};
  }
  if (!exists(kDefaultConfigPath) && exists(kOldConfigPath))
    return {kOldConfigPath, false,
            std::string("reading the old configuration ") + kOldConfigPath + "; move it to " +
                kDefaultConfigPath + " (the old path will not be read for ever)"};
  return {kDefaultConfigPath, false, {}};
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace aoefs
