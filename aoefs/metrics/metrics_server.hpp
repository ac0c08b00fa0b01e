// The statistics over HTTP for Prometheus: GET /metrics answers the text
// `render` returns (the same as MOUNTPOINT/.stats), on its own thread and
// io_context so a scrape never delays the initiator.
//
// Bounded by design, because whoever reaches the port may be hostile:
//  * one connection at a time (others wait in the listen backlog);
//  * a request is at most 8 KiB of header and no body (413/400 otherwise);
//  * every connection is closed after one answer, or after kTimeout without
//    a complete request or a finished answer, so a slow client holds the
//    server for at most that long.
// GET/HEAD /metrics → 200 text/plain; version=0.0.4; other paths → 404;
// other methods → 405.
//
// REQUIRES: `render` is thread-safe (it runs on the server's thread) and
// stays callable until the server is destroyed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "aoefs/util/expected.hpp"

namespace aoefs {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  static constexpr std::chrono::seconds kTimeout{5};
  static constexpr std::size_t kMaxHeaderBytes = 8 * 1024;

  // Binds and listens on address:port (numeric IPv4 or IPv6) and starts
  // serving; a message naming the address on failure (in use, not local).
  static Expected<std::unique_ptr<MetricsServer>> start(const std::string& address,
                                                        std::uint16_t port, Render render);

  // Stops serving: closes the listener and any connection, joins the thread.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const;  // the bound port (useful with port 0 in tests)

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aoefs
