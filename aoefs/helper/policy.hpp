// The setuid helper's policy: which users and groups may open raw AoE
// sockets on which interfaces. Read from a root-owned TOML file:
//
//   # <sysconfdir>/aoefs/helper.toml
//   [[allow]]
//   interfaces = ["eth1", "eth2"]   # exact names; "*" = any interface
//   users = ["alice"]               # user names
//   groups = ["storage"]            # group names (primary or supplementary)
//
// A request is granted when one [[allow]] table lists the interface and
// lists the user or one of the user's groups. Anything else is refused.
// Unknown keys are errors (a typo must not silently widen or narrow access).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aoefs/util/expected.hpp"

namespace aoefs::helper {

struct AllowRule {
  std::vector<std::string> interfaces;
  std::vector<std::string> users;
  std::vector<std::string> groups;
};

struct Policy {
  std::vector<AllowRule> rules;
};

// Parses policy text. The error names the file, line and key.
Expected<Policy> parse_policy(std::string_view text, const std::string& source);

bool policy_allows(const Policy& policy, std::string_view user,
                   const std::vector<std::string>& groups, std::string_view interface);

}  // namespace aoefs::helper
