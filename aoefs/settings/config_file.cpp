#include "aoefs/settings/config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <toml++/toml.h>

#include "aoefs/settings/setting_keys.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

// Far above any real configuration (a few dozen keys).
constexpr std::size_t kMaxConfigBytes = 1u << 20;

// `source` is a path the user chose: printable(), like every quoted name
// of this file, so a control byte in it reaches the terminal as \xHH.
std::string where(const std::string& source, const toml::source_region& region) {
  return printable(source) + ":" + std::to_string(region.begin.line);
}

// The text form of a TOML value for `key`.
Expected<std::string> value_text(const KeyInfo& key, const toml::node& node) {
  switch (key.kind) {
    case KeyKind::flag:
      if (auto b = node.value_exact<bool>()) return std::string(*b ? "true" : "false");
      return Error{"expected true or false"};
    case KeyKind::seconds:
      if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
      if (auto d = node.value_exact<double>()) {
        std::ostringstream out;
        out.precision(17);
        out << *d;
        return out.str();
      }
      return Error{"expected a number of seconds"};
    case KeyKind::unsigned_id:
    case KeyKind::kibibytes:
    case KeyKind::count:
    case KeyKind::microseconds:
      if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
      return Error{"expected an integer"};
    case KeyKind::word:
    case KeyKind::listen_address:
      if (auto s = node.value_exact<std::string>()) return *s;
      return Error{"expected a string"};
    case KeyKind::octal_mode:
      if (auto s = node.value_exact<std::string>()) return *s;
      if (auto i = node.value_exact<std::int64_t>()) {
        std::ostringstream out;
        out << std::oct << *i;
        return out.str();
      }
      return Error{"expected an octal mask as a string (\"022\") or 0o022"};
    case KeyKind::byte_size:
      if (auto s = node.value_exact<std::string>()) return *s;
      if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
      return Error{"expected a size (integer bytes or a string like \"64M\")"};
    case KeyKind::interface_list:
      if (auto s = node.value_exact<std::string>()) return *s;
      if (const auto* arr = node.as_array()) {
        std::string joined;
        for (const auto& item : *arr) {
          auto s = item.value_exact<std::string>();
          if (!s) return Error{"expected an array of interface names (strings)"};
          if (!joined.empty()) joined += ':';
          joined += *s;
        }
        if (joined.empty())
          return Error{"expected at least one interface name (leave the key out for all)"};
        return joined;
      }
      return Error{"expected an array of interface names"};
  }
  return Error{"unsupported key"};
}

// The whole file behind `fd`. A directory opens and reads as nothing with
// some libraries (an empty, i.e. default, configuration): refused here, as
// is anything longer than kMaxConfigBytes (a device such as /dev/zero would
// be read forever) and a read error (a half-read file is not applied).
Expected<std::string> read_config_bytes(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error{std::string("cannot stat: ") + std::strerror(errno)};
  if (S_ISDIR(st.st_mode)) return Error{"is a directory, expected a TOML file"};
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("cannot read configuration file: ") + std::strerror(errno)};
    }
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > kMaxConfigBytes)
      return Error{"longer than " + std::to_string(kMaxConfigBytes >> 10) +
                   " KiB, not a configuration file"};
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

Expected<void> apply_config_text(Settings& settings, std::string_view text,
                                 const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Error{where(source_name, e.source()) + ": invalid TOML: " + sanitized(e.description())};
  }
  // Report the first problem in file order, so the message points at the
  // earliest bad line.
  std::optional<std::string> first_error;
  std::uint32_t first_line = ~0u;
  auto note = [&](const toml::node& node, std::string message) {
    const auto line = node.source().begin.line;
    if (line < first_line) {
      first_line = line;
      first_error = where(source_name, node.source()) + ": " + std::move(message);
    }
  };
  Settings result = settings;
  for (auto&& [key_name, node] : table) {
    const std::string name(key_name.str());
    const KeyInfo* key = find_key(name);
    if (!key) {
      std::string msg = "unknown key '" + printable(name) + "'";
      if (auto near = closest_key(name); !near.empty())
        msg += " (did you mean '" + std::string(near) + "'?)";
      note(node, std::move(msg));
      continue;
    }
    auto text_value = value_text(*key, node);
    if (!text_value) {
      note(node, name + ": " + text_value.error().message);
      continue;
    }
    if (auto set = key->apply(result, *text_value); !set)
      note(node, name + ": " + set.error().message);
  }
  if (first_error) return Error{*first_error};
  settings = std::move(result);
  return {};
}

Expected<void> apply_config_file(Settings& settings, const std::string& path, bool required) {
  const std::string shown = required ? "--config " + printable(path) : printable(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT && !required) return {};
    return Error{shown + ": cannot read configuration file: " + std::strerror(err)};
  }
  auto text = read_config_bytes(fd);
  ::close(fd);
  if (!text) return Error{shown + ": " + text.error().message};
  return apply_config_text(settings, *text, path);
}

}  // namespace aoefs
