// Whether a string can be the name of a network interface: the kernel's own
// rule (dev_valid_name() in net/core/dev.c), shared by the daemon (the
// `interfaces` setting) and the setuid helper (its arguments), so both
// accept exactly the names an interface can have:
//  - 1 to 15 bytes (IFNAMSIZ - 1), no NUL byte;
//  - not "." or "..";
//  - no '/', no ':' and no white space (the kernel's isspace(): space,
//    \t \n \v \f \r, and 0xA0).
// Anything else is allowed, '@' and non-ASCII bytes included. The
// daemon relies on ':' (its list separator) and the helper on '\n' (the
// separator of its fd-passing message) never occurring in a valid name.
//
// Header-only, standard library only: the helper includes it without
// linking anything of the daemon.
#pragma once

#include <cstddef>
#include <string_view>

namespace aoefs {

inline constexpr std::size_t kMaxInterfaceNameBytes = 15;

constexpr bool is_valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceNameBytes || name == "." || name == "..")
    return false;
  for (const char c : name) {
    switch (static_cast<unsigned char>(c)) {
      case '\0':
      case '/':
      case ':':
      case ' ':
      case '\t':
      case '\n':
      case '\v':
      case '\f':
      case '\r':
      case 0xA0:
        return false;
      default:
        break;
    }
  }
  return true;
}

}  // namespace aoefs
