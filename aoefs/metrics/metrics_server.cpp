#include "aoefs/metrics/metrics_server.hpp"

// Boost 1.74's Asio needs <utility> first (see protocol/io/asio.hpp).
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace aoefs {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  Render render;
  std::thread thread;

  // One connection: read one request, answer, close. Owned by its handlers.
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket socket, Impl& server) : stream(std::move(socket)), server(server) {
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(0);
    }
    beast::tcp_stream stream;
    Impl& server;
    beast::flat_buffer buffer{kMaxHeaderBytes + 1024};
    http::request_parser<http::empty_body> parser;
    http::response<http::string_body> response;

    void run() {
      stream.expires_after(kTimeout);
      http::async_read(
          stream, buffer, parser,
          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted)
        return finish();
      const auto& request = parser.get();
      response.version(ec ? 11 : request.version());
      response.keep_alive(false);
      response.set(http::field::server, "aoefs");
      if (ec == http::error::header_limit || ec == http::error::body_limit) {
        answer(http::status::payload_too_large, "request too large\n");
      } else if (ec) {
        answer(http::status::bad_request, "bad request\n");
      } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
        response.set(http::field::allow, "GET, HEAD");
        answer(http::status::method_not_allowed, "only GET and HEAD\n");
      } else if (const auto target = request.target();
                 target != "/metrics" && !target.starts_with("/metrics?")) {
        answer(http::status::not_found, "the statistics are at /metrics\n");
      } else {
        response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        response.result(http::status::ok);
        response.body() = server.render();
        response.prepare_payload();
        if (request.method() == http::verb::head) response.body().clear();
        write();
      }
    }

    void answer(http::status status, const char* text) {
      response.result(status);
      response.set(http::field::content_type, "text/plain; charset=utf-8");
      response.body() = text;
      response.prepare_payload();
      write();
    }

    void write() {
      stream.expires_after(kTimeout);
      http::async_write(
          stream, response,
          [self = shared_from_this()](beast::error_code, std::size_t) { self->finish(); });
    }

    // Closes the connection and lets the server accept the next one.
    void finish() {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream.close();
      server.accept();
    }
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) return accept();  // e.g. the client reset before we took it
      std::make_shared<Session>(std::move(socket), *this)->run();
    });
  }
};

Expected<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address,
                                                              std::uint16_t port, Render render) {
  auto impl = std::make_unique<Impl>();
  impl->render = std::move(render);
  const std::string where =
      (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
      std::to_string(port);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return Error{"metrics_listen " + where + ": not a numeric address"};
  const tcp::endpoint endpoint(ip, port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(16, ec);
  if (ec) return Error{"metrics_listen " + where + ": cannot listen: " + ec.message()};
  impl->accept();
  impl->thread = std::thread([io = &impl->io] { io->run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  // Stopping the io_context abandons the session mid-way; its socket closes
  // when the io_context destroys the handlers that own it.
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t MetricsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace aoefs
