#include "http/server.h"

#include <array>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "api/errors.h"
#include "common/log.h"
#include "http/request_parser.h"
#include "http/wire.h"

namespace taskshare::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kNoThrow = asio::as_tuple(use_awaitable);
constexpr std::string_view kCrlf = "\r\n";

asio::const_buffer Buf(std::string_view s) { return {s.data(), s.size()}; }

// Writes `response` in one gathered write: status line, Date, Server, headers, Connection, blank line,
// body. A cached response's header block and body are written from the cache entry itself.
awaitable<beast::error_code> WriteResponse(beast::tcp_stream& stream, const api::Response& response,
                                           bool keep_alive, unsigned version, bool head) {
  std::string own_headers;  // only for responses built per request
  std::string_view headers;
  std::string_view body;
  int status = response.status;
  if (const auto& c = response.cached) {
    status = response.not_modified ? 304 : c->status();
    headers = response.not_modified ? c->not_modified_headers(response.variant) : c->headers(response.variant);
    if (!response.not_modified) body = c->body(response.variant);
  } else {
    AppendHeaders(response, own_headers);
    headers = own_headers;
    body = response.body;
  }
  if (head || HasNoBody(status)) body = {};
  const std::array<asio::const_buffer, 7> buffers{
      Buf(StatusLine(status)), Buf(DateLine()), Buf(kServerLine), Buf(headers),
      Buf(ConnectionLine(keep_alive, version)), Buf(kCrlf), Buf(body)};
  auto [ec, n] = co_await asio::async_write(stream, buffers, kNoThrow);
  co_return ec;
}

}  // namespace

// One network thread: its event loop and its listening socket.
struct Loop {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
};

struct Server::Impl {
  ServerOptions options;
  Handlers handlers;
  std::vector<std::unique_ptr<Loop>> loops;
  asio::thread_pool reads;
  asio::thread_pool writes;

  Impl(ServerOptions o, Handlers h)
      : options(std::move(o)),
        handlers(std::move(h)),
        reads(static_cast<std::size_t>(options.read_threads)),
        writes(static_cast<std::size_t>(options.write_threads)) {
    for (int i = 0; i < options.threads; ++i) loops.push_back(std::make_unique<Loop>());
  }

  awaitable<api::Response> Handle(const api::Request& request) {
    if (auto now = handlers.now(request)) co_return std::move(*now);
    // On a blocking pool; co_spawn's completion resumes this connection on its own loop.
    const bool read = request.method == api::Method::kGet;  // HEAD comes as a GET with `head` set
    co_return co_await asio::co_spawn(
        read ? reads : writes, [this, &request]() -> awaitable<api::Response> { co_return handlers.blocking(request); },
        use_awaitable);
  }

  awaitable<void> WriteError(beast::tcp_stream& stream, const Status& status, int http_status) {
    co_await WriteResponse(stream, api::ErrorResponse(status, http_status), false, 11, false);
  }

  awaitable<void> Session(tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    api::Request request;
    for (;;) {
      request.clear();
      RequestParser parser(request);
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      stream.expires_after(options.idle_timeout);
      std::size_t n = 0;
      std::tie(ec, n) = co_await beast::http::async_read_header(stream, buffer, parser, kNoThrow);
      if (!ec && parser.expects_continue() && !parser.is_done()) {
        std::tie(ec, n) = co_await asio::async_write(stream, Buf("HTTP/1.1 100 Continue\r\n\r\n"), kNoThrow);
      }
      if (!ec && !parser.is_done()) {
        std::tie(ec, n) = co_await beast::http::async_read(stream, buffer, parser, kNoThrow);
      }
      if (ec == beast::http::error::end_of_stream || ec == asio::error::eof) break;
      if (ec == beast::http::error::header_limit) {
        co_await WriteError(stream, Status::TooLarge("request headers are larger than " +
                                                     std::to_string(options.max_header_bytes) + " bytes"), 431);
        break;
      }
      if (ec == beast::http::error::body_limit) {
        co_await WriteError(stream, Status::TooLarge("request body is larger than " +
                                                     std::to_string(options.max_body_bytes) + " bytes"), 413);
        break;
      }
      if (ec && ec.category() == beast::http::make_error_code(beast::http::error::bad_target).category()) {
        co_await WriteError(stream, Status::InvalidArgument("malformed HTTP request: " + ec.message()), 400);
        break;
      }
      if (ec) break;  // timeout or reset: nobody to answer

      const bool keep_alive = parser.keep_alive();
      const api::Response response = co_await Handle(request);
      ec = co_await WriteResponse(stream, response, keep_alive, parser.version(), request.head);
      if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  awaitable<void> Accept(Loop& loop) {
    for (;;) {
      auto [ec, socket] = co_await loop.acceptor.async_accept(kNoThrow);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections already open
      asio::co_spawn(loop.ioc, Session(std::move(socket)), asio::detached);
    }
  }
};

Server::Server(ServerOptions options, Handlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}

Server::~Server() = default;

Result<std::uint16_t> Server::Listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Status::InvalidArgument("invalid listen address " + impl_->options.host);
  tcp::endpoint endpoint{address, impl_->options.port};
  for (auto& loop : impl_->loops) {
    auto& a = loop->acceptor;
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + impl_->options.host + ":" +
                                 std::to_string(endpoint.port()) + ": " + ec.message());
    }
    endpoint = a.local_endpoint();  // the others bind the port the first one got
  }
  return endpoint.port();
}

void Server::Run() {
  Impl& s = *impl_;
  asio::signal_set signals(s.loops.front()->ioc, SIGINT, SIGTERM);
  signals.async_wait([&s](beast::error_code, int) {
    LogInfo("shutting down");
    for (auto& loop : s.loops) {
      asio::post(loop->ioc, [&loop] {
        beast::error_code ignored;
        loop->acceptor.close(ignored);
        loop->ioc.stop();
      });
    }
  });
  for (auto& loop : s.loops) asio::co_spawn(loop->ioc, s.Accept(*loop), asio::detached);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < s.loops.size(); ++i) threads.emplace_back([&loop = *s.loops[i]] { loop.ioc.run(); });
  s.loops.front()->ioc.run();
  for (auto& t : threads) t.join();
  s.reads.join();  // handlers already running finish their database work
  s.writes.join();
}

}  // namespace taskshare::http
