// Which Host header values /metrics answers: the defence against DNS
// rebinding, where a page from evil.example, once that name resolves to
// 127.0.0.1, has a browser on this host fetch the port with
// `Host: evil.example`. A browser sends a name only for a page that came
// from that name, and a numeric address only for a page that came from that
// address and port, i.e. from this server itself. So every name but
// `localhost` is refused and every numeric address is taken: the listen
// address, loopback, and the host's own addresses when it listens on
// 0.0.0.0 or [::] (a remote Prometheus names its target by address).
//
// Promises: true for `localhost` (any case), a numeric IPv4 address
// (dotted quad) or a bracketed IPv6 address, each alone or followed by
// `:PORT` where PORT is `port`; false for anything else: other names
// (`evil.example`, `localhost.`, `127.0.0.1.nip.io`), another port, an
// empty port, an unbracketed IPv6 address, an empty value, spaces. Pure.
#pragma once

#include <cstdint>
#include <string_view>

namespace aoefs {

bool is_allowed_host(std::string_view host, std::uint16_t port);

}  // namespace aoefs
