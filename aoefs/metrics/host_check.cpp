#include "aoefs/metrics/host_check.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace aoefs {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// inet_pton wants a C string: anything outside the characters of a numeric
// address (a NUL above all) is refused before it could cut the text short.
bool is_numeric(std::string_view text, int family) {
  if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF.:") != text.npos) return false;
  unsigned char out[16];
  return inet_pton(family, std::string(text).c_str(), out) == 1;
}

// "" or ":PORT" naming `port` (digits only, so no sign or spaces slip in).
bool is_port_suffix(std::string_view rest, std::uint16_t port) {
  if (rest.empty()) return true;
  if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) return false;
  unsigned value = 0;
  const auto* end = rest.data() + rest.size();
  const auto [stop, ec] = std::from_chars(rest.data() + 1, end, value);
  return ec == std::errc{} && stop == end && value == port;
}

}  // namespace

bool is_allowed_host(std::string_view host, std::uint16_t port) {
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == host.npos) return false;
    return is_numeric(host.substr(1, close - 1), AF_INET6) &&
           is_port_suffix(host.substr(close + 1), port);
  }
  const auto colon = host.find(':');
  const auto name = host.substr(0, colon);
  const auto rest = colon == host.npos ? std::string_view() : host.substr(colon);
  return (equals_ignoring_case(name, "localhost") || is_numeric(name, AF_INET)) &&
         is_port_suffix(rest, port);
}

}  // namespace aoefs
