// Which targets `aoefs stat` shows: the operands after the mount point, as
// aoe-stat and iostat take device names. Each is an extended regular
// expression (POSIX ERE) that must match the whole target name, so a plain
// name ("e1.0") matches that target and "e1\..*" every target of shelf 1.
// No pattern: every target.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/util/expected.hpp"

namespace aoefs {

class TargetFilter {
 public:
  TargetFilter();  // accepts every target
  ~TargetFilter();
  TargetFilter(TargetFilter&&) noexcept;
  TargetFilter& operator=(TargetFilter&&) noexcept;

  // Adds a pattern, or says why it is not a regular expression.
  Expected<void> add(std::string_view pattern);

  bool accepts(const std::string& target) const;

 private:
  struct Pattern;
  std::vector<std::unique_ptr<Pattern>> patterns_;
};

}  // namespace aoefs
