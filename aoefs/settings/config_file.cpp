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

// The text form of a TOML value for `key`, or an error message.
std::optional<std::string> value_text(const KeyInfo& key, const toml::node& node,
                                      std::string& error) {
  switch (key.kind) {
    case KeyKind::flag:
      if (auto b = node.value_exact<bool>()) return *b ? "true" : "false";
      error = "expected true or false";
      return std::nullopt;
    case KeyKind::seconds:
      if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
      if (auto d = node.value_exact<double>()) {
        std::ostringstream out;
        out.precision(17);
        out << *d;
        return out.str();
      }
      error = "expected a number of seconds";
      return std::nullopt;
    case KeyKind::unsigned_id:
    case KeyKind::kibibytes:
      if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
      error = "expected an integer";
      return std::nullopt;
    case KeyKind::word:
    case KeyKind::listen_address:
      if (auto s = node.value_exact<std::string>()) return *s;
      error = "expected a string";
      return std::nullopt;
    case KeyKind::octal_mode:
      if (auto s = node.value_exact<std::string>()) return *s;
      if (auto i = node.value_exact<std::int64_t>()) {
        std::ostringstream out;
        out << std::oct << *i;
        return out.str();
      }
      error = "expected an octal mask as a string (\"022\") or 0o022";
      return std::nullopt;
    case KeyKind::byte_size:
      if (auto s = node.value_exact<std::string>()) return *s;
      if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
      error = "expected a size (integer bytes or a string like \"64M\")";
      return std::nullopt;
    case KeyKind::interface_list:
      if (auto s = node.value_exact<std::string>()) return *s;
      if (const auto* arr = node.as_array()) {
        std::string joined;
        for (const auto& item : *arr) {
          auto s = item.value_exact<std::string>();
          if (!s) {
            error = "expected an array of interface names (strings)";
            return std::nullopt;
          }
          if (!joined.empty()) joined += ':';
          joined += *s;
        }
        if (joined.empty()) {
          error = "expected at least one interface name (leave the key out for all)";
          return std::nullopt;
        }
        return joined;
      }
      error = "expected an array of interface names";
      return std::nullopt;
  }
  error = "unsupported key";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> apply_config_text(Settings& settings, std::string_view text,
                                             const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return where(source_name, e.source()) + ": invalid TOML: " + std::string(e.description());
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
    std::string error;
    auto text_value = value_text(*key, node, error);
    if (!text_value) {
      note(node, name + ": " + error);
      continue;
    }
    if (auto err = apply_key_text(result, *key, *text_value)) note(node, name + ": " + *err);
  }
  if (first_error) return first_error;
  settings = std::move(result);
  return std::nullopt;
}

std::optional<std::string> apply_config_file(Settings& settings, const std::string& path,
                                             bool required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT && !required) return std::nullopt;
    return path + ": cannot read configuration file: " + std::strerror(err);
  }
  std::ostringstream content;
  content << in.rdbuf();
  return apply_config_text(settings, content.str(), path);
}

}  // namespace aoefs
