#include "aoefs/cli/target_filter.hpp"

#include <regex.h>

#include "aoefs/util/wire_text.hpp"

namespace aoefs {

struct TargetFilter::Pattern {
  regex_t compiled{};
  ~Pattern() { ::regfree(&compiled); }
};

TargetFilter::TargetFilter() = default;
TargetFilter::~TargetFilter() = default;
TargetFilter::TargetFilter(TargetFilter&&) noexcept = default;
TargetFilter& TargetFilter::operator=(TargetFilter&&) noexcept = default;

Expected<void> TargetFilter::add(std::string_view pattern) {
  // Anchored: the whole name must match, as a device name would.
  const std::string anchored = "^(" + std::string(pattern) + ")$";
  regex_t compiled{};
  if (const int rc = ::regcomp(&compiled, anchored.c_str(), REG_EXTENDED | REG_NOSUB)) {
    char why[128];
    ::regerror(rc, &compiled, why, sizeof why);
    return Error{"'" + printable(pattern) + "' is not a regular expression: " + why};
  }
  auto p = std::make_unique<Pattern>();
  p->compiled = compiled;
  patterns_.push_back(std::move(p));
  return {};
}

bool TargetFilter::accepts(const std::string& target) const {
  if (patterns_.empty()) return true;
  for (const auto& p : patterns_)
    if (::regexec(&p->compiled, target.c_str(), 0, nullptr, 0) == 0) return true;
  return false;
}

}  // namespace aoefs
