#include "aoefs/settings/options.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "aoefs/settings/config_file.hpp"
#include "aoefs/settings/setting_keys.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// FUSE options and the generic VFS mount flags libfuse 3.14 applies (as
// mount(8) and mount.fuse3 pass them), handed to libfuse unchanged. libfuse
// rejects relatime, strictatime, diratime, lazytime and their no- forms.
constexpr std::array<std::string_view, 13> kFuseFlags = {"default_permissions",
                                                         "auto_unmount",
                                                         "dev",
                                                         "nodev",
                                                         "suid",
                                                         "nosuid",
                                                         "exec",
                                                         "noexec",
                                                         "atime",
                                                         "noatime",
                                                         "sync",
                                                         "async",
                                                         "dirsync"};
constexpr std::array<std::string_view, 2> kFuseValued = {"fsname", "subtype"};
// fstab bookkeeping that mount(8) may hand us, meaningless to the daemon;
// and relatime, which every FUSE mount has unless noatime.
constexpr std::array<std::string_view, 11> kIgnored = {"defaults", "_netdev", "auto",    "noauto",
                                                       "nofail",   "user",    "users",   "nouser",
                                                       "owner",    "group",   "relatime"};
// Prefixes of fstab comments for other programs (x-systemd.*, comment=...).
constexpr std::array<std::string_view, 2> kIgnoredPrefixes = {"x-", "comment="};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) {
  for (auto x : list)
    if (x == s) return true;
  return false;
}

void split_commas(std::string_view text, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto part = text.substr(start, comma == text.npos ? text.npos : comma - start);
    if (!part.empty()) out.emplace_back(part);
    if (comma == text.npos) break;
    start = comma + 1;
  }
}

}  // namespace

Expected<CommandLine> parse_command_line(int argc, char** argv) {
  CommandLine line;
  std::vector<std::string> positional;  // [SOURCE] MOUNTPOINT
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto next_value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (options_done || arg.empty() || arg[0] != '-' || arg == "-") {
      if (positional.size() == 2)
        return Error{"unexpected argument '" + printable(arg) +
                     "' (at most SOURCE and MOUNTPOINT; see aoefs --help)"};
      positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
    } else if (arg == "-f" || arg == "--foreground") {
      line.foreground = true;
    } else if (arg == "-d" || arg == "--debug") {
      line.debug = true;
    } else if (arg == "-c" || arg == "--config") {
      auto v = next_value();
      if (!v || v->empty()) return Error{std::string(arg) + " needs a FILE"};
      line.config_path = *v;
    } else if (arg.starts_with("--config=")) {
      line.config_path = std::string(arg.substr(9));
      if (line.config_path->empty()) return Error{"--config needs a FILE"};
    } else if (arg == "--instance" || arg.starts_with("--instance=")) {
      auto v = arg == "--instance" ? next_value() : std::string(arg.substr(11));
      if (!v) return Error{"--instance needs a NAME"};
      if (auto ok = check_instance_name(*v); !ok) return ok.error();
      line.instance = *v;
    } else if (arg == "-o") {
      auto v = next_value();
      if (!v) return Error{"-o needs OPT[,OPT...]"};
      split_commas(*v, line.mount_options);
    } else if (arg.starts_with("-o")) {
      split_commas(arg.substr(2), line.mount_options);
    } else {
      return Error{"unknown option '" + printable(arg) + "' (see aoefs --help)"};
    }
  }
  // SOURCE MOUNTPOINT, as mount.fuse3 passes them (SOURCE is a word such
  // as "aoefs"); but "MOUNTPOINT EXTRA" (a path to a directory, then
  // something that is no directory) is a stray argument, not a mount point
  // to complain about.
  if (positional.size() == 2 && positional[0].find('/') != std::string::npos &&
      is_directory(positional[0]) && !is_directory(positional[1]))
    return Error{"unexpected argument '" + printable(positional[1]) + "' after the mount point '" +
                 printable(positional[0]) + "' (see aoefs --help)"};
  if (positional.size() == 2) line.source = positional[0];
  if (!positional.empty()) line.mountpoint = positional.back();
  if (line.mountpoint.empty()) return Error{"missing MOUNTPOINT (see aoefs --help)"};
  if (line.config_path && line.instance)
    return Error{"--config and --instance exclude each other (--instance NAME reads " +
                 std::string(kConfigDir) + "/NAME.toml)"};
  return line;
}

Expected<void> apply_mount_options(Settings& settings, const CommandLine& line,
                                   std::vector<std::string>& fuse_options) {
  for (const std::string& item : line.mount_options) {
    const auto eq = item.find('=');
    const std::string name = item.substr(0, eq);
    const std::optional<std::string> value =
        eq == std::string::npos ? std::nullopt : std::optional(item.substr(eq + 1));
    // The item is the user's text: printable() in every message.
    auto fail = [&](const std::string& why) { return Error{"-o " + printable(item) + ": " + why}; };
    if (name == "ro" || name == "rw") {
      if (value) return fail("takes no value");
      settings.read_only = name == "ro";
      continue;
    }
    if (contains(kIgnored, name)) continue;
    if (std::any_of(kIgnoredPrefixes.begin(), kIgnoredPrefixes.end(),
                    [&](std::string_view p) { return item.starts_with(p); }))
      continue;
    if (contains(kFuseFlags, name)) {
      if (value) return fail("takes no value");
      fuse_options.push_back(name);
      continue;
    }
    if (contains(kFuseValued, name)) {
      if (!value || value->empty()) return fail("needs a value");
      fuse_options.push_back(item);
      continue;
    }
    const KeyInfo* key = find_key(name);
    if (!key) {
      std::string msg = "unknown option '" + printable(name) + "'";
      if (auto near = closest_key(name); !near.empty())
        msg += " (did you mean '" + std::string(near) + "'?)";
      return fail(msg);
    }
    if (key->kind == KeyKind::flag && !value) {
      if (auto set = key->apply(settings, "true"); !set) return fail(set.error().message);
      continue;
    }
    if (!value) return fail("needs a value (" + name + "=...)");
    if (auto set = key->apply(settings, *value); !set) return fail(set.error().message);
  }
  if (line.foreground) settings.foreground = true;
  if (line.debug) settings.debug = true;
  return {};
}

Expected<Settings> load_settings(const CommandLine& line, std::vector<std::string>& fuse_options) {
  Settings settings;
  const ConfigChoice config = choose_config(line.config_path, line.instance, path_exists);
  if (!config.warning.empty()) log_message(LogLevel::warning, "%s", config.warning.c_str());
  if (auto read = apply_config_file(settings, config.path, config.required); !read)
    return read.error();
  if (auto applied = apply_mount_options(settings, line, fuse_options); !applied)
    return applied.error();
  return settings;
}

}  // namespace aoefs
