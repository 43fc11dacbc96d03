#include "http/server.h"

#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/errors.h"
#include "common/log.h"

namespace taskshare::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kNoThrow = asio::as_tuple(use_awaitable);

api::Method ToMethod(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return api::Method::kGet;
    case bhttp::verb::head: return api::Method::kGet;  // answered as GET without the body
    case bhttp::verb::post: return api::Method::kPost;
    case bhttp::verb::put: return api::Method::kPut;
    case bhttp::verb::patch: return api::Method::kPatch;
    case bhttp::verb::delete_: return api::Method::kDelete;
    default: return api::Method::kOther;
  }
}

api::Request ToApiRequest(bhttp::request<bhttp::string_body>&& req) {
  api::Request r;
  r.method = ToMethod(req.method());
  r.target = std::string(req.target());
  r.api_key = std::string(req["X-Api-Key"]);
  r.authorization = std::string(req[bhttp::field::authorization]);
  r.body = std::move(req.body());
  return r;
}

bhttp::response<bhttp::string_body> ToBeastResponse(api::Response&& in, unsigned version, bool keep_alive,
                                                     bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(in.status), version};
  res.set(bhttp::field::server, "taskshare");
  if (!in.content_type.empty()) res.set(bhttp::field::content_type, in.content_type);
  for (auto& [name, value] : in.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  const std::size_t length = in.body.size();
  if (!head) res.body() = std::move(in.body);
  res.content_length(length);
  return res;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  asio::io_context ioc;
  asio::thread_pool blocking;
  tcp::acceptor acceptor{ioc};

  Impl(ServerOptions o, Handler h)
      : options(std::move(o)), handler(std::move(h)), ioc(options.threads), blocking(options.blocking_threads) {}

  awaitable<api::Response> RunHandler(const api::Request& request) {
    // Runs on the blocking pool; the co_spawn result resumes this session on its own strand.
    co_return co_await asio::co_spawn(
        blocking,
        [this, &request]() -> awaitable<api::Response> { co_return handler(request); },
        use_awaitable);
  }

  awaitable<void> WriteError(beast::tcp_stream& stream, const Status& status, int http_status) {
    auto res = ToBeastResponse(api::ErrorResponse(status, http_status), 11, false, false);
    co_await bhttp::async_write(stream, res, kNoThrow);
  }

  awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
      if (!ec && parser.get()[bhttp::field::expect] == "100-continue") {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        std::tie(ec, n) = co_await bhttp::async_write(stream, cont, kNoThrow);
      }
      if (!ec && !parser.is_done()) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) break;
      if (ec == bhttp::error::header_limit) {
        co_await WriteError(stream, Status::TooLarge("request headers are larger than " +
                                                     std::to_string(options.max_header_bytes) + " bytes"),
                            431);
        break;
      }
      if (ec == bhttp::error::body_limit) {
        co_await WriteError(stream, Status::TooLarge("request body is larger than " +
                                                     std::to_string(options.max_body_bytes) + " bytes"),
                            413);
        break;
      }
      if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        co_await WriteError(stream, Status::InvalidArgument("malformed HTTP request: " + ec.message()), 400);
        break;
      }
      if (ec) break;  // timeout or reset: nothing to answer

      bhttp::request<bhttp::string_body> req = parser.release();
      const bool keep_alive = req.keep_alive();
      const bool head = req.method() == bhttp::verb::head;
      const unsigned version = req.version();
      api::Request request = ToApiRequest(std::move(req));
      api::Response response = co_await RunHandler(request);
      auto res = ToBeastResponse(std::move(response), version, keep_alive, head);
      std::tie(ec, n) = co_await bhttp::async_write(stream, res, kNoThrow);
      if (ec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  awaitable<void> Listener() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kNoThrow);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Session(std::move(socket)), asio::detached);
    }
  }
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() = default;

Result<std::uint16_t> Server::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Status::InvalidArgument("invalid listen address " + impl_->options.host);
  tcp::endpoint endpoint{address, impl_->options.port};
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); !ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + impl_->options.host + ":" +
                                     std::to_string(impl_->options.port) + ": " + ec.message());
  return a.local_endpoint().port();
}

void Server::Run() {
  Impl& s = *impl_;
  asio::signal_set signals(s.ioc, SIGINT, SIGTERM);
  signals.async_wait([&s](beast::error_code, int) {
    LogInfo("shutting down");
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.ioc.stop();
  });
  asio::co_spawn(s.ioc, s.Listener(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < s.options.threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  s.blocking.join();  // handlers already running finish their database work
}

}  // namespace taskshare::http
