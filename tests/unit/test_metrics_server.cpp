// The /metrics HTTP server on loopback (an ephemeral port): the rendered
// text for GET /metrics, the bounded answers for everything else, the Host
// check against DNS rebinding, several connections at once within the cap
// (silent ones never keep a scrape out), the head deadline, and clear errors
// when it cannot listen. Time bounds are generous upper bounds only.
#include <catch2/catch.hpp>

#include <utility>  // before Asio (protocol/io/asio.hpp says why)

#include <poll.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "aoefs/metrics/host_check.hpp"
#include "aoefs/metrics/metrics_server.hpp"

using aoefs::is_allowed_host;
using aoefs::MetricsLimits;
using aoefs::MetricsServer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using boost::asio::ip::tcp;

namespace {

tcp::socket dial(boost::asio::io_context& io, std::uint16_t port) {
  tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  return socket;
}

// Reads until the server closes or `limit` passes: what it sent, and
// whether it closed.
struct Received {
  std::string text;
  bool closed = false;
};
Received receive(tcp::socket& socket, Clock::duration limit) {
  Received got;
  const auto deadline = Clock::now() + limit;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd fd{socket.native_handle(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) != 1) return got;
    char buf[65536];
    boost::system::error_code ec;
    const std::size_t n = socket.read_some(boost::asio::buffer(buf), ec);
    got.text.append(buf, n);
    if (ec) {
      got.closed = true;
      return got;
    }
  }
}

// Sends `request` as is, returns everything until the server closes (or
// 10 s, far beyond any deadline of the server's, so a bug fails the test
// instead of hanging it).
std::string ask(std::uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  tcp::socket socket = dial(io, port);
  boost::asio::write(socket, boost::asio::buffer(request));
  return receive(socket, 10s).text;
}

std::string status_of(std::uint16_t port, const std::string& request) {
  return ask(port, request).substr(0, 12);
}

// A scrape as Prometheus sends it.
std::string scrape_request(std::uint16_t port) {
  return "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nAccept: text/plain\r\n\r\n";
}

std::unique_ptr<MetricsServer> start(std::atomic<int>& renders, MetricsLimits limits = {}) {
  auto started = MetricsServer::start(
      "127.0.0.1", 0,
      [&renders] {
        ++renders;
        return std::string("# HELP x y\n# TYPE x gauge\nx 1\n");
      },
      limits);
  REQUIRE(started);
  return std::move(*started);
}

}  // namespace

TEST_CASE("metrics server: GET /metrics answers the rendered text, once per request", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  const std::string reply = ask(server->port(), "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(reply.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(reply.find("Connection: close") != std::string::npos);
  CHECK(reply.ends_with("\r\n\r\n# HELP x y\n# TYPE x gauge\nx 1\n"));
  CHECK(ask(server->port(), "GET /metrics?x=1 HTTP/1.0\r\n\r\n").rfind("HTTP/1.0 200", 0) == 0);
  const std::string head = ask(server->port(), "HEAD /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.ends_with("\r\n\r\n"));
  CHECK(renders == 3);
}

TEST_CASE("metrics server: other paths, methods, oversized and malformed requests", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  const auto port = server->port();
  CHECK(ask(port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").rfind("HTTP/1.1 404", 0) == 0);
  CHECK(ask(port, "GET /metricsx HTTP/1.1\r\nHost: localhost\r\n\r\n").rfind("HTTP/1.1 404", 0) ==
        0);
  const std::string post = ask(port, "POST /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(post.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(post.find("Allow: GET, HEAD") != std::string::npos);
  const std::string big = "GET /metrics HTTP/1.1\r\nX: " + std::string(16 * 1024, 'a') + "\r\n\r\n";
  CHECK(ask(port, big).rfind("HTTP/1.1 413", 0) == 0);
  CHECK(ask(port, "GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
            .rfind("HTTP/1.1 413", 0) == 0);
  CHECK(ask(port, "\x01\x02 nonsense\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  CHECK(renders == 0);
  // Still serving after all that.
  CHECK(ask(port, scrape_request(port)).rfind("HTTP/1.1 200", 0) == 0);
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

TEST_CASE("metrics Host check: localhost and numeric addresses, this port or none", "[metrics]") {
  for (const char* host :
       {"localhost", "LOCALHOST", "LocalHost:9101", "localhost:9101", "127.0.0.1", "127.0.0.1:9101",
        "10.1.2.3:9101", "0.0.0.0", "[::1]", "[::1]:9101", "[::]", "[fe80::1]", "[FE80::AB]:9101",
        "[::ffff:127.0.0.1]", "localhost:09101"}) {
    INFO(host);
    CHECK(is_allowed_host(host, 9101));
  }
  for (const char* host : {
           "",  // empty
           "evil.example",
           "evil.example:9101",
           "EVIL.example",  // rebinding names
           "localhost.",
           "localhost.:9101",
           "www.localhost",
           "localhostx",
           "127.0.0.1.nip.io",
           "7f000001.rbndr.us:9101",
           "metrics",  // names that resolve to it
           "127.0.0.1:80",
           "localhost:9102",
           "[::1]:80",
           "localhost:",  // other or empty ports
           "127.0.0.1:+9101",
           "127.0.0.1:9101 ",
           " 127.0.0.1",
           "127.0.0.1:91010",
           "127.0.0.1:9101:9101",
           "localhost:9101x",
           "::1",
           "::1:9101",
           "[::1",
           "[::1]x",
           "[::1]9101",
           "[]",
           "[127.0.0.1]",  // IPv6 shapes
           "[evil.example]",
           "[::1%25lo]",
           "127.1",
           "2130706433",
           "0x7f.0.0.1",
           "127.0.0.256",
           "127.0.0.1.",  // not dotted quads
       }) {
    INFO(host);
    CHECK_FALSE(is_allowed_host(host, 9101));
  }
  // A NUL cannot cut the text short (std::string_view keeps it).
  CHECK_FALSE(is_allowed_host(std::string_view("127.0.0.1\0.evil.example", 23), 9101));
  CHECK_FALSE(is_allowed_host(std::string_view("localhost\0", 10), 9101));
  CHECK(is_allowed_host("localhost:1", 1));
  CHECK(is_allowed_host("[::1]:65535", 65535));
}

TEST_CASE("metrics server: a refused Host gets 421, before method and path", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  const auto port = server->port();
  const std::string p = std::to_string(port);
  const auto request = [](const std::string& head) { return head + "\r\n\r\n"; };
  CHECK(status_of(port, request("GET /metrics HTTP/1.1\r\nHost: evil.example")) == "HTTP/1.1 421");
  CHECK(status_of(port, request("GET /metrics HTTP/1.1\r\nHost: evil.example:" + p)) ==
        "HTTP/1.1 421");
  CHECK(status_of(port, request("GET /metrics HTTP/1.1\r\nHost: localhost:1")) == "HTTP/1.1 421");
  CHECK(status_of(port, request("HEAD /metrics HTTP/1.1\r\nHost: evil.example")) == "HTTP/1.1 421");
  CHECK(status_of(port, request("POST /x HTTP/1.1\r\nHost: evil.example")) == "HTTP/1.1 421");
  CHECK(status_of(port, request("GET /metrics HTTP/1.0\r\nHost: evil.example")) == "HTTP/1.0 421");
  // HTTP/1.1 requires exactly one Host; HTTP/1.0 without one is answered.
  CHECK(status_of(port, request("GET /metrics HTTP/1.1")) == "HTTP/1.1 400");
  CHECK(status_of(port, request("GET /metrics HTTP/1.1\r\nHost: localhost\r\nHost: localhost")) ==
        "HTTP/1.1 400");
  CHECK(renders == 0);
  CHECK(status_of(port, request("GET /metrics HTTP/1.0")) == "HTTP/1.0 200");
  CHECK(status_of(port, request("GET /metrics HTTP/1.1\r\nHost: LOCALHOST:" + p)) ==
        "HTTP/1.1 200");
  CHECK(status_of(port, request("GET /metrics HTTP/1.1\r\nHost: [::1]:" + p)) == "HTTP/1.1 200");
  CHECK(status_of(port, scrape_request(port)) == "HTTP/1.1 200");
  CHECK(renders == 4);
}

TEST_CASE("metrics server: six silent connections do not delay a scrape", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);
  boost::asio::io_context io;
  std::vector<tcp::socket> silent;
  for (int i = 0; i < 6; ++i) silent.push_back(dial(io, server->port()));
  const auto begin = Clock::now();
  CHECK(status_of(server->port(), scrape_request(server->port())) == "HTTP/1.1 200");
  CHECK(Clock::now() - begin < 2s);
}

TEST_CASE("metrics server: a request head must be complete within the head deadline", "[metrics]") {
  std::atomic<int> renders{0};
  auto server = start(renders);  // the daemon's 1 s
  boost::asio::io_context io;
  tcp::socket silent = dial(io, server->port());
  const Received got = receive(silent, 3s);
  CHECK(got.closed);
  CHECK(got.text.empty());  // no answer to a request never made
  // Trickling the head a byte at a time does not extend it.
  tcp::socket trickle = dial(io, server->port());
  const std::string head = scrape_request(server->port());
  bool closed = false;
  const auto begin = Clock::now();
  for (std::size_t i = 0; i + 1 < head.size() && !closed && Clock::now() - begin < 3s; ++i) {
    boost::system::error_code ec;
    boost::asio::write(trickle, boost::asio::buffer(&head[i], 1), ec);
    closed = ec || receive(trickle, 100ms).closed;
  }
  CHECK(closed);
  CHECK(renders == 0);
}

TEST_CASE("metrics server: over the cap, the oldest silent connection makes room", "[metrics]") {
  std::atomic<int> renders{0};
  // A head deadline far beyond the test, so only the cap closes connections.
  auto server = start(renders, {.max_connections = 8, .head_deadline = 60s});
  const auto port = server->port();
  boost::asio::io_context io;
  std::vector<tcp::socket> silent;
  for (int i = 0; i < 8; ++i) silent.push_back(dial(io, port));
  silent.push_back(dial(io, port));  // the ninth
  CHECK(receive(silent[0], 2s).closed);
  for (std::size_t i = 1; i < silent.size(); ++i) {
    INFO("connection " << i);
    CHECK_FALSE(receive(silent[i], 50ms).closed);
  }
  // Twenty more silent ones, then scrapes: each is answered at once.
  for (int i = 0; i < 20; ++i) silent.push_back(dial(io, port));
  for (int i = 0; i < 3; ++i) {
    const auto begin = Clock::now();
    CHECK(status_of(port, scrape_request(port)) == "HTTP/1.1 200");
    CHECK(Clock::now() - begin < 2s);
  }
  CHECK(renders == 3);
}

TEST_CASE("metrics server: making room spares a connection being answered", "[metrics]") {
  std::atomic<int> renders{0};
  // Far more than the socket buffers hold, so the answer waits on the reader.
  const std::string big(32u << 20, 'x');
  auto started = MetricsServer::start("127.0.0.1", 0,
                                      [&] {
                                        ++renders;
                                        return big;
                                      },
                                      {.max_connections = 2, .head_deadline = 60s});
  REQUIRE(started);
  const auto port = (*started)->port();
  boost::asio::io_context io;
  // Asks, then does not read for a while; its small receive buffer (fixed,
  // so the kernel does not grow it) keeps the answer from fitting in transit.
  tcp::socket reader(io);
  reader.open(tcp::v4());
  reader.set_option(boost::asio::socket_base::receive_buffer_size(64 * 1024));
  reader.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(reader, boost::asio::buffer(scrape_request(port)));
  for (const auto begin = Clock::now(); renders == 0 && Clock::now() - begin < 5s;)
    std::this_thread::sleep_for(10ms);
  REQUIRE(renders == 1);
  tcp::socket first = dial(io, port);
  tcp::socket second = dial(io, port);  // over the cap: `first` goes, not `reader`
  CHECK(receive(first, 2s).closed);
  const Received answer = receive(reader, 10s);
  CHECK(answer.closed);
  CHECK(answer.text.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(answer.text.ends_with(big.substr(0, 1000)));
  CHECK(answer.text.size() > big.size());
}
