#include "http/server.h"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <ctime>
#include <functional>
#include <latch>
#include <list>
#include <memory>
#include <thread>
#include <vector>

#include "api/errors.h"
#include "common/log.h"
#include "common/request_id.h"
#include "common/thread_priority.h"
#include "http/costly_keys.h"
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

// The most read at once while waiting for a request (most requests fit); Beast's parser reads the
// rest as it needs. An idle connection keeps no more buffer than this.
constexpr std::size_t kFirstReadBytes = 2 << 10;

asio::const_buffer Buf(std::string_view s) { return {s.data(), s.size()}; }

// `response`, as a coroutine to run in turn on a pool. (A parameter, unlike a lambda's capture, lives in
// the coroutine's own frame.)
awaitable<api::Response> Ready(api::Response response) { co_return std::move(response); }

// Runs `f` once on each of `pool`'s `threads` threads: each waits until all have begun, so no thread
// runs two. The latch is shared with the threads: one may still be inside arrive_and_wait() when the
// last arrival lets this function return.
void OnEachThread(asio::thread_pool& pool, int threads, const std::function<void()>& f) {
  const auto begun = std::make_shared<std::latch>(threads);
  for (int i = 0; i < threads; ++i) {
    asio::post(pool, [&f, begun] {
      f();
      begun->arrive_and_wait();
    });
  }
  begun->wait();
}

// The CPU time the calling thread has used.
std::chrono::nanoseconds ThisThreadCpuTime() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

int StatusOf(const api::Response& response) {
  if (const auto& c = response.cached) return response.not_modified ? 304 : c->status();
  return response.status;
}

std::size_t BodyBytes(const api::Response& response) {
  if (HasNoBody(StatusOf(response))) return 0;
  if (const auto& c = response.cached) return c->body_size(response.variant);
  return response.body.size();
}

// A connection's buffer for packed bodies (CachedResponse::BodyToSend) keeps no more than this between
// responses.
constexpr std::size_t kKeptUnpackBytes = 64 << 10;

// Writes `response` in one gathered write: status line, Date, Server, headers, Connection, blank line,
// body. A cached response's header block and body are written from the cache entry itself, or from
// `unpacked`, the connection's buffer, when the entry keeps its body packed (CachedResponse::BodyToSend).
awaitable<beast::error_code> WriteResponse(beast::tcp_stream& stream, const api::Response& response,
                                           bool keep_alive, unsigned version, bool head,
                                           std::string& unpacked) {
  std::string own_headers;  // only for responses built per request
  std::string_view headers;
  std::string_view body;
  int status = response.status;
  if (const auto& c = response.cached) {
    status = response.not_modified ? 304 : c->status();
    headers =
        response.not_modified ? c->not_modified_headers(response.variant) : c->headers(response.variant);
    if (!response.not_modified && !head && !HasNoBody(status)) {
      const std::optional<std::string_view> bytes = c->BodyToSend(response.variant, unpacked);
      if (!bytes) {
        LogError("a cached response failed to decompress; closing the connection");
        co_return beast::error_code(EIO, boost::system::system_category());
      }
      body = *bytes;
    }
  } else {
    AppendHeaders(response, own_headers);
    headers = own_headers;
    body = response.body;
  }
  if (head || HasNoBody(status)) body = {};
  const std::array<asio::const_buffer, 7> buffers{Buf(StatusLine(status)),
                                                  Buf(DateLine()),
                                                  Buf(kServerLine),
                                                  Buf(headers),
                                                  Buf(ConnectionLine(keep_alive, version)),
                                                  Buf(kCrlf),
                                                  Buf(body)};
  auto [ec, n] = co_await asio::async_write(stream, buffers, kNoThrow);
  co_return ec;
}

}  // namespace

// One open connection, known to its loop so that shutdown can close it while it waits for a request.
struct Connection {
  beast::tcp_stream stream;
  bool idle = true;  // waiting for the first byte of a request
};

// One network thread: its event loop, its listening socket and its connections. Everything here but
// `ioc` is touched only by that thread.
struct Loop {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::list<Connection*> connections;
  bool stopping = false;
  asio::steady_timer grace{ioc};
  int index = 0;
};

// Adds one to `counter` for as long as it lives.
class CountedScope {
 public:
  explicit CountedScope(std::atomic<std::int64_t>& counter) : counter_(counter) { ++counter_; }
  ~CountedScope() { --counter_; }
  CountedScope(const CountedScope&) = delete;
  CountedScope& operator=(const CountedScope&) = delete;

 private:
  std::atomic<std::int64_t>& counter_;
};

struct Server::Impl {
  ServerOptions options;
  Handlers handlers;
  std::vector<std::unique_ptr<Loop>> loops;
  asio::thread_pool reads;
  asio::thread_pool writes;
  asio::thread_pool costly;  // reads remembered in costly_keys, at a lower priority
  CostlyKeys costly_keys;
  std::atomic<std::int64_t> open{0}, refused{0}, reads_busy{0}, writes_busy{0}, costly_busy{0};
  std::atomic<std::int64_t> costly_reads{0};
  // A moving average (weight 1/8) of how long the read pool takes per request, in nanoseconds.
  std::atomic<std::int64_t> read_cost_ns{0};

  Impl(ServerOptions o, Handlers h)
      : options(std::move(o)),
        handlers(std::move(h)),
        reads(static_cast<std::size_t>(options.read_threads)),
        writes(static_cast<std::size_t>(options.write_threads)),
        costly(static_cast<std::size_t>(options.read_threads)) {
    const int nice = options.costly_read_nice;
    OnEachThread(costly, options.read_threads, [nice] {
      if (!LowerThisThreadPriority(nice)) LogError("a costly reads' thread could not lower its priority");
    });
    for (int i = 0; i < options.threads; ++i) {
      loops.push_back(std::make_unique<Loop>());
      loops.back()->index = i;
    }
  }

  // Reads cheaper than this on average keep answers that are ready at once in line behind them.
  static constexpr std::int64_t kQueueBehindReadsUnderNs = 2'000'000;

  // The response and whether it came from `now`.
  //
  // First come, first served while reads are cheap: while every read thread is taken, an answer that is
  // ready at once (a cache hit) still waits for its turn in the read pool's queue, behind the reads that
  // came before it. Otherwise quick answers would keep overtaking slow ones, and the slow ones alone
  // would absorb all the waiting: with the pool busy, a cache miss would wait for every request in
  // flight. But while reads take 2 ms or more on average, ready answers go out at once: a queue of
  // costly reads (one user viewing a transcript that is expensive to build, again and again) must not
  // hold up every other link, which costs nothing to answer.
  // `routing` is set to the request's, as `now` routed it; it is read by `blocking` and must be kept
  // until the coroutine ends.
  awaitable<std::pair<api::Response, bool>> Handle(const api::Request& request, api::Routing& routing) {
    std::uint64_t cost_key = 0;
    {
      const RequestIdScope scope(request.id);
      api::Immediate now = handlers.now(request);
      routing = std::move(now.routing);
      if (now.response) {
        if (reads_busy.load() < options.read_threads || read_cost_ns.load() >= kQueueBehindReadsUnderNs) {
          co_return std::pair{std::move(*now.response), true};
        }
        const CountedScope queued(reads_busy);
        co_return std::pair{co_await asio::co_spawn(reads, Ready(std::move(*now.response)), use_awaitable),
                            true};
      }
      cost_key = now.cost_key;
    }
    // On a blocking pool; co_spawn's completion resumes this connection on its own loop.
    const bool read = request.method == api::Method::kGet;  // HEAD comes as a GET with `head` set
    if (read && cost_key != 0 && costly_keys.Contains(cost_key)) {
      co_return std::pair{co_await RunCostly(request, routing), false};
    }
    std::atomic<std::int64_t>& busy = read ? reads_busy : writes_busy;
    const CountedScope queued(busy);
    api::Response response = co_await asio::co_spawn(
        read ? reads : writes,
        [this, &request, &routing, read, cost_key]() -> awaitable<api::Response> {
          const RequestIdScope scope(request.id);
          const auto started = std::chrono::steady_clock::now();
          const auto cpu_started = read ? ThisThreadCpuTime() : std::chrono::nanoseconds{};
          api::Response r = handlers.blocking(request, routing);
          if (read) {
            const std::int64_t took =
                std::chrono::nanoseconds(std::chrono::steady_clock::now() - started).count();
            const std::int64_t average = read_cost_ns.load(std::memory_order_relaxed);
            // Racing updates may lose one sample; the average needs none of them exactly.
            read_cost_ns.store(average + (took - average) / 8, std::memory_order_relaxed);
            // The CPU time, not the time taken: a cheap read that waited for the CPU is not costly.
            if (ThisThreadCpuTime() - cpu_started >= kCostlyRead) costly_keys.Remember(cost_key);
          }
          co_return r;
        },
        use_awaitable);
    co_return std::pair{std::move(response), false};
  }

  // A read remembered as costly, on the costly reads' pool.
  awaitable<api::Response> RunCostly(const api::Request& request, const api::Routing& routing) {
    const CountedScope queued(costly_busy);
    ++costly_reads;
    co_return co_await asio::co_spawn(
        costly,
        [this, &request, &routing]() -> awaitable<api::Response> {
          const RequestIdScope scope(request.id);
          co_return handlers.blocking(request, routing);
        },
        use_awaitable);
  }

  // The error and status to answer a request that could not be read with, if it deserves an answer.
  std::optional<std::pair<Status, int>> Refusal(const beast::error_code& ec) const {
    if (ec == beast::http::error::header_limit) {
      return std::pair{Status::TooLarge("request headers are larger than " +
                                        std::to_string(options.max_header_bytes) + " bytes"),
                       431};
    }
    if (ec == beast::http::error::body_limit) {
      return std::pair{Status::TooLarge("request body is larger than " +
                                        std::to_string(options.max_body_bytes) + " bytes"),
                       413};
    }
    if (ec && ec.category() == beast::http::make_error_code(beast::http::error::bad_target).category()) {
      return std::pair{Status::InvalidArgument("malformed HTTP request: " + ec.message()), 400};
    }
    return std::nullopt;
  }

  void Observe(const Loop& loop, const api::Request& request, const api::Routing* routing,
               const api::Response& response, std::chrono::steady_clock::time_point started,
               bool from_memory) const {
    if (!handlers.observe) return;
    const std::size_t body = request.head ? 0 : BodyBytes(response);
    handlers.observe(Exchange{request, routing, StatusOf(response), body,
                              std::chrono::steady_clock::now() - started, from_memory, loop.index});
  }

  // Waits up to idle_timeout for the first bytes of the next request, unless some are buffered already.
  awaitable<beast::error_code> AwaitRequest(Connection& conn, beast::flat_buffer& buffer) {
    if (buffer.size() > 0) co_return beast::error_code{};
    if (buffer.capacity() > kFirstReadBytes) buffer.shrink_to_fit();  // the last request had a large body
    conn.idle = true;
    conn.stream.expires_after(options.idle_timeout);
    auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(kFirstReadBytes), kNoThrow);
    buffer.commit(n);
    conn.idle = false;
    co_return ec;
  }

  awaitable<void> Session(Loop& loop, tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    Connection conn{beast::tcp_stream(std::move(socket))};
    const auto registered = loop.connections.insert(loop.connections.end(), &conn);
    beast::tcp_stream& stream = conn.stream;
    beast::flat_buffer buffer;
    std::string unpacked;  // packed bodies, decompressed to be sent
    api::Request request;
    if (auto peer = stream.socket().remote_endpoint(ec); !ec)
      request.client_address = peer.address().to_string();
    while (!loop.stopping) {
      if (ec = co_await AwaitRequest(conn, buffer); ec) break;
      request.clear();
      request.id = NewRequestId();
      RequestParser parser(request, options.auth_header, options.auth_groups_header);
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      stream.expires_after(options.request_timeout);
      std::size_t n = 0;
      std::tie(ec, n) = co_await beast::http::async_read_header(stream, buffer, parser, kNoThrow);
      if (!ec && parser.expects_continue() && !parser.is_done()) {
        std::tie(ec, n) = co_await asio::async_write(stream, Buf("HTTP/1.1 100 Continue\r\n\r\n"), kNoThrow);
      }
      if (!ec && !parser.is_done()) {
        std::tie(ec, n) = co_await beast::http::async_read(stream, buffer, parser, kNoThrow);
      }
      if (ec == beast::http::error::end_of_stream || ec == asio::error::eof) break;
      if (auto refusal = Refusal(ec)) {
        const auto started = std::chrono::steady_clock::now();
        const api::Response response = api::ErrorResponse(refusal->first, refusal->second);
        co_await WriteResponse(stream, response, false, 11, false, unpacked);
        Observe(loop, request, nullptr, response, started, false);
        break;
      }
      if (ec) break;  // timeout or reset: nobody to answer

      const auto started = std::chrono::steady_clock::now();
      stream.expires_never();  // a handler may take its time; the write below has its own limit
      api::Routing routing;
      auto [response, from_memory] = co_await Handle(request, routing);
      // Once shutdown has begun, this is the connection's last response.
      const bool keep_alive = parser.keep_alive() && !loop.stopping;
      stream.expires_after(options.request_timeout);
      ec = co_await WriteResponse(stream, response, keep_alive, parser.version(), request.head, unpacked);
      if (unpacked.capacity() > kKeptUnpackBytes) std::string().swap(unpacked);
      Observe(loop, request, &routing, response, started, from_memory);
      if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    loop.connections.erase(registered);
    --open;
    if (loop.stopping && loop.connections.empty()) loop.grace.cancel();
  }

  awaitable<void> Accept(Loop& loop) {
    asio::steady_timer backoff(loop.ioc);
    for (;;) {
      auto [ec, socket] = co_await loop.acceptor.async_accept(kNoThrow);
      if (ec == asio::error::operation_aborted || loop.stopping) co_return;
      if (ec) {
        // Out of file descriptors, say: the connection stays in the backlog, so retrying at once would
        // spin. Keep serving the open connections and try again shortly.
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(kNoThrow);
        continue;
      }
      if (open.load() >= options.max_connections) {
        ++refused;
        continue;  // `socket` closes as it goes out of scope
      }
      ++open;
      asio::co_spawn(loop.ioc, Session(loop, std::move(socket)), asio::detached);
    }
  }

  // On loop's own thread: stop accepting, close idle connections, and give the others the grace
  // period, after which the loop stops whatever is left.
  void BeginShutdown(Loop& loop) {
    loop.stopping = true;
    beast::error_code ignored;
    loop.acceptor.close(ignored);
    for (Connection* conn : loop.connections) {
      if (conn->idle) conn->stream.cancel();
    }
    if (loop.connections.empty()) return;
    loop.grace.expires_after(options.shutdown_grace);
    loop.grace.async_wait([&loop](beast::error_code ec) {
      if (ec == asio::error::operation_aborted) return;  // every connection ended in time
      LogError("shutdown: " + std::to_string(loop.connections.size()) +
               " connections still busy after the grace period; closing them");
      loop.ioc.stop();
    });
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
  signals.async_wait([&s](beast::error_code ec, int) {
    if (ec) return;
    LogInfo("shutting down: no new connections; finishing requests in flight");
    for (auto& loop : s.loops) asio::post(loop->ioc, [&s, &loop = *loop] { s.BeginShutdown(loop); });
  });
  for (auto& loop : s.loops) asio::co_spawn(loop->ioc, s.Accept(*loop), asio::detached);
  std::vector<std::thread> threads;
  const auto slice = s.options.network_slice;
  if (!RequestThisThreadSlice(slice))
    LogError("the network threads could not ask for a shorter scheduler slice");
  for (std::size_t i = 1; i < s.loops.size(); ++i) {
    threads.emplace_back([&loop = *s.loops[i], slice] {
      (void)RequestThisThreadSlice(slice);  // refused on one thread, refused on all: logged above
      loop.ioc.run();
    });
  }
  s.loops.front()->ioc.run();
  for (auto& t : threads) t.join();
  s.reads.join();  // handlers already running finish their database work
  s.writes.join();
  s.costly.join();
}

ServerStats Server::stats() const {
  return {impl_->open.load(),        impl_->refused.load(),     impl_->reads_busy.load(),
          impl_->writes_busy.load(), impl_->costly_busy.load(), impl_->costly_reads.load()};
}

}  // namespace taskshare::http
