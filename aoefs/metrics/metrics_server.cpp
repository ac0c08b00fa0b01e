#include "aoefs/metrics/metrics_server.hpp"

// Boost 1.74's Asio needs <utility> first (see protocol/io/asio.hpp).
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <thread>

#include "aoefs/metrics/metrics_answer.hpp"

namespace aoefs {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::Impl {
  struct Session;
  using Sessions = std::list<std::weak_ptr<Session>>;

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  Render render;
  MetricsLimits limits;
  std::uint16_t port = 0;
  Sessions sessions;  // the open connections, oldest first
  std::thread thread;

  void accept();
  void make_room();
};

// One connection: read one request, answer, close. Owned by its handlers;
// listed in `sessions` from run() until close().
struct MetricsServer::Impl::Session : std::enable_shared_from_this<Session> {
  Session(tcp::socket socket, Impl& server) : stream(std::move(socket)), server(server) {
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(0);
  }
  beast::tcp_stream stream;
  Impl& server;
  Sessions::iterator place;
  bool answering = false;  // the request is in; make_room spares it if it can
  bool closed = false;
  beast::flat_buffer buffer{kMaxHeaderBytes + 1024};
  http::request_parser<http::empty_body> parser;
  MetricsResponse response;

  void run() {
    // One deadline for the whole head, so a client trickling bytes gains nothing.
    stream.expires_after(server.limits.head_deadline);
    http::async_read(
        stream, buffer, parser,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (closed) return;  // closed by make_room after the read had completed
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted)
      return close();
    answering = true;
    response = answer_request(parser.get(), ec, server.port, server.render);
    stream.expires_after(kAnswerDeadline);
    http::async_write(
        stream, response,
        [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
  }

  // Idempotent: make_room may close a session whose handler then runs.
  void close() {
    if (closed) return;
    closed = true;
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    server.sessions.erase(place);
  }
};

void MetricsServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or memory: try again shortly instead of spinning.
      retry.expires_after(std::chrono::milliseconds(100));
      retry.async_wait([this](beast::error_code e) {
        if (!e) accept();
      });
      return;
    }
    make_room();
    auto session = std::make_shared<Session>(std::move(socket), *this);
    session->place = sessions.insert(sessions.end(), session);
    session->run();
    accept();
  });
}

// The oldest connection still waiting for its request goes first: a silent
// one is never a scrape in progress.
void MetricsServer::Impl::make_room() {
  while (!sessions.empty() && sessions.size() >= limits.max_connections) {
    auto victim = sessions.begin();
    for (auto it = sessions.begin(); it != sessions.end(); ++it)
      if (const auto s = it->lock(); s && !s->answering) {
        victim = it;
        break;
      }
    if (const auto s = victim->lock())
      s->close();
    else
      sessions.erase(victim);
  }
}

Expected<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address,
                                                              std::uint16_t port, Render render,
                                                              MetricsLimits limits) {
  auto impl = std::make_unique<Impl>();
  impl->render = std::move(render);
  impl->limits = limits;
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
  if (!ec) impl->port = impl->acceptor.local_endpoint(ec).port();
  if (ec) return Error{"metrics_listen " + where + ": cannot listen: " + ec.message()};
  impl->accept();
  impl->thread = std::thread([io = &impl->io] { io->run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  // Stopping the io_context abandons the sessions mid-way; their sockets
  // close when the io_context destroys the handlers that own them.
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t MetricsServer::port() const { return impl_->port; }

}  // namespace aoefs
