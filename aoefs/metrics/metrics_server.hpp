// The statistics over HTTP for Prometheus: GET /metrics answers the text
// `render` returns (the same as MOUNTPOINT/.stats), on its own thread and
// io_context so a scrape never delays the initiator. What each request gets
// is metrics_answer.hpp (Host checked against DNS rebinding: 421).
//
// Bounded by design, because whoever reaches the port may be hostile:
//  * at most max_connections (8) connections at once. It keeps accepting
//    beyond that and makes room by closing, without an answer, the oldest
//    connection still waiting for its request (if none is, the oldest one
//    being answered). A scraper sends its request as soon as it connects, so
//    connections held open in silence cannot keep it out, not even for their
//    head deadline; refusing the newest, or not accepting, would let them;
//  * a request head must be complete within head_deadline (1 s) of the
//    connection being accepted (a total, not per read, so trickling bytes
//    does not extend it), is at most 8 KiB and has no body (413/400);
//  * an answer must be taken by the client within kAnswerDeadline (5 s);
//  * one request per connection, which is then closed.
//
// REQUIRES: `render` is thread-safe (it runs on the server's thread) and
// stays callable until the server is destroyed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "aoefs/util/expected.hpp"

namespace aoefs {

// The daemon uses the defaults; tests shrink or stretch them.
struct MetricsLimits {
  std::size_t max_connections = 8;  // at least 1
  std::chrono::milliseconds head_deadline{1'000};
};

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  static constexpr std::chrono::seconds kAnswerDeadline{5};
  static constexpr std::size_t kMaxHeaderBytes = 8 * 1024;

  // Binds and listens on address:port (numeric IPv4 or IPv6) and starts
  // serving; a message naming the address on failure (in use, not local).
  static Expected<std::unique_ptr<MetricsServer>> start(const std::string& address,
                                                        std::uint16_t port, Render render,
                                                        MetricsLimits limits = {});

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
