#include "support/responder/tool_arguments.hpp"

#include <cstdlib>
#include <sstream>

namespace aoetest {

std::optional<std::pair<std::string, std::string>> split_key_value(const std::string& argument) {
  const auto eq = argument.find('=');
  if (eq == std::string::npos) return std::nullopt;
  return std::pair{argument.substr(0, eq), argument.substr(eq + 1)};
}

std::optional<KeyValues> key_value_arguments(int argc, char** argv, int first) {
  KeyValues values;
  for (int i = first; i < argc; ++i) {
    auto kv = split_key_value(argv[i]);
    if (!kv) return std::nullopt;
    values[kv->first] = kv->second;
  }
  return values;
}

unsigned long number_or(const KeyValues& values, const std::string& key, unsigned long fallback) {
  const auto it = values.find(key);
  return it == values.end() ? fallback : std::strtoul(it->second.c_str(), nullptr, 10);
}

std::optional<aoe::TargetAddress> parse_target_address(const std::string& text) {
  unsigned shelf = 0, slot = 0;
  char dot = 0;
  std::istringstream in(text);
  if (!(in >> shelf >> dot >> slot) || dot != '.' || !in.eof() || shelf >= aoe::kBroadcastShelf ||
      slot >= aoe::kBroadcastSlot)
    return std::nullopt;
  return aoe::TargetAddress{static_cast<std::uint16_t>(shelf), static_cast<std::uint8_t>(slot)};
}

}  // namespace aoetest
