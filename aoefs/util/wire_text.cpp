#include "aoefs/util/wire_text.hpp"

#include <cstdio>

namespace aoefs {
namespace {

std::string escape(std::string_view s, bool quote, bool backslash = true) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((backslash && c == '\\') || (quote && c == '"')) {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u > 0x7e) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string printable(std::string_view wire) { return escape(wire, false); }

std::string quoted(std::string_view wire) { return "\"" + escape(wire, true) + "\""; }

std::string sanitized(std::string_view text) { return escape(text, false, false); }

}  // namespace aoefs
