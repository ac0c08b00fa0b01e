#include "aoefs/settings/config_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "aoefs/settings/setting_keys.hpp"

namespace aoefs {
namespace {

std::string where(const std::string& source, const toml::source_region& region) {
  return source + ":" + std::to_string(region.begin.line);
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

}  // namespace

Expected<void> apply_config_text(Settings& settings, std::string_view text,
                                 const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Error{where(source_name, e.source()) +
                 ": invalid TOML: " + std::string(e.description())};
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
      std::string msg = "unknown key '" + name + "'";
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT && !required) return {};
    return Error{path + ": cannot read configuration file: " + std::strerror(err)};
  }
  std::ostringstream content;
  content << in.rdbuf();
  return apply_config_text(settings, content.str(), path);
}

}  // namespace aoefs
