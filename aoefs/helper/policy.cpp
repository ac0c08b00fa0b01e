#include "aoefs/helper/policy.hpp"

#include <algorithm>
#include <toml++/toml.h>

namespace aoefs::helper {
namespace {

std::string where(const toml::source_region& region, const std::string& source) {
  return source + ":" + std::to_string(region.begin.line);
}

// Appends the array of strings at `key` (if present) to `out`.
Expected<void> read_string_list(const toml::table& table, std::string_view key,
                                const std::string& source, std::vector<std::string>& out) {
  const toml::node* node = table.get(key);
  if (!node) return {};
  const toml::array* array = node->as_array();
  if (!array)
    return Error{where(node->source(), source) + ": '" + std::string(key) +
                 "' must be an array of strings"};
  for (const toml::node& item : *array) {
    const auto* s = item.as_string();
    if (!s || s->get().empty())
      return Error{where(item.source(), source) + ": '" + std::string(key) +
                   "' must hold non-empty strings"};
    out.push_back(s->get());
  }
  return {};
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

Expected<Policy> parse_policy(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& err) {  // Debian's toml++ reports syntax errors by exception
    return Error{where(err.source(), source) + ": " + std::string(err.description())};
  }
  Policy policy;
  for (const auto& [key, node] : root) {
    if (key.str() != "allow")
      return Error{where(node.source(), source) + ": unknown key '" + std::string(key.str()) + "'"};
  }
  const toml::node* allow = root.get("allow");
  if (!allow) return policy;  // no rules: everything refused
  const toml::array* tables = allow->as_array();
  if (!tables || !tables->is_array_of_tables())
    return Error{where(allow->source(), source) + ": 'allow' must be [[allow]] tables"};
  for (const toml::node& node : *tables) {
    const toml::table& table = *node.as_table();
    for (const auto& [key, value] : table) {
      if (key.str() != "interfaces" && key.str() != "users" && key.str() != "groups")
        return Error{where(value.source(), source) + ": unknown key 'allow." +
                     std::string(key.str()) + "'"};
    }
    AllowRule rule;
    for (auto [key, list] : {std::pair{"interfaces", &rule.interfaces},
                             std::pair{"users", &rule.users}, std::pair{"groups", &rule.groups}}) {
      if (auto read = read_string_list(table, key, source, *list); !read) return read.error();
    }
    if (rule.interfaces.empty())
      return Error{where(table.source(), source) + ": [[allow]] needs 'interfaces'"};
    if (rule.users.empty() && rule.groups.empty())
      return Error{where(table.source(), source) + ": [[allow]] needs 'users' or 'groups'"};
    policy.rules.push_back(std::move(rule));
  }
  return policy;
}

bool policy_allows(const Policy& policy, std::string_view user,
                   const std::vector<std::string>& groups, std::string_view interface) {
  for (const AllowRule& rule : policy.rules) {
    if (!contains(rule.interfaces, interface) && !contains(rule.interfaces, "*")) continue;
    if (contains(rule.users, user)) return true;
    for (const std::string& g : groups)
      if (contains(rule.groups, g)) return true;
  }
  return false;
}

}  // namespace aoefs::helper
