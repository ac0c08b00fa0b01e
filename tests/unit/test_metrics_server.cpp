// The /metrics HTTP server on loopback (an ephemeral port): the rendered
// text for GET /metrics, the bounded answers for everything else, and clear
// errors when it cannot listen.
#include <catch2/catch.hpp>

#include <utility>  // before Asio (protocol/io/asio.hpp says why)

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "aoefs/metrics/metrics_server.hpp"

using aoefs::MetricsServer;
using boost::asio::ip::tcp;

namespace {

// Sends `request` as is, returns everything until the server closes.
std::string exchange(std::uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string reply;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    const std::size_t n = socket.read_some(boost::asio::buffer(buf), ec);
    reply.append(buf, n);
    if (ec) break;
  }
  return reply;
}

std::unique_ptr<MetricsServer> start(std::atomic<int>& renders) {
  auto started = MetricsServer::start("127.0.0.1", 0, [&renders] {
    ++renders;
    return std::string("# HELP x y\n# TYPE x gauge\nx 1\n");
  });
  REQUIRE(started);
  return std::move(*started);
}

}  // namespace

TEST_CASE("metrics server: GET /metrics answers the rendered text, once per request", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  const std::string reply = exchange(server->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(reply.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(reply.find("Connection: close") != std::string::npos);
  CHECK(reply.ends_with("\r\n\r\n# HELP x y\n# TYPE x gauge\nx 1\n"));
  CHECK(exchange(server->port(), "GET /metrics?x=1 HTTP/1.0\r\n\r\n").rfind("HTTP/1.0 200", 0) ==
        0);
  const std::string head = exchange(server->port(), "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.ends_with("\r\n\r\n"));
  CHECK(renders == 3);
}

TEST_CASE("metrics server: other paths, methods, oversized and malformed requests", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  const auto port = server->port();
  CHECK(exchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404", 0) == 0);
  CHECK(exchange(port, "GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404", 0) == 0);
  const std::string post = exchange(port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(post.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(post.find("Allow: GET, HEAD") != std::string::npos);
  const std::string big = "GET /metrics HTTP/1.1\r\nX: " + std::string(16 * 1024, 'a') + "\r\n\r\n";
  CHECK(exchange(port, big).rfind("HTTP/1.1 413", 0) == 0);
  CHECK(exchange(port, "GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
            .rfind("HTTP/1.1 413", 0) == 0);
  CHECK(exchange(port, "\x01\x02 nonsense\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  CHECK(renders == 0);
  // Still serving after all that.
  CHECK(exchange(port, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("metrics server: an address it cannot listen on is an error naming it", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  auto again = MetricsServer::start("127.0.0.1", server->port(), [] { return std::string(); });
  REQUIRE_FALSE(again);
  CHECK_THAT(again.error().message,
             Catch::Contains("127.0.0.1:" + std::to_string(server->port())) &&
                 Catch::Contains("cannot listen"));
  auto foreign = MetricsServer::start("192.0.2.1", 9101, [] { return std::string(); });
  REQUIRE_FALSE(foreign);
  CHECK_THAT(foreign.error().message, Catch::Contains("192.0.2.1:9101"));
}
