// The network layer: an HTTP/1.1 server on Boost.Beast with C++20 coroutines.
//
// Three layers, as in Beast's awaitable examples: a listener coroutine accepts connections; one session
// coroutine per connection reads requests in order (keep-alive and pipelining fall out of reading the
// next request only after the previous response is written), enforces the header and body limits and
// an idle timeout, and writes responses; the request handler is a plain function that never sees a
// socket. Because the handler blocks on the database, sessions run it on a separate pool of
// `blocking_threads` threads and await its result, so network threads never block.
//
// Beast and Asio are included only by the .cc files of this folder.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_types.h"
#include "common/status.h"

namespace taskshare::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;          // 0 picks a free port
  int threads = 1;                    // network threads
  int blocking_threads = 4;           // threads that run the handler
  std::size_t max_body_bytes = 8 << 20;     // larger bodies answer 413
  std::size_t max_header_bytes = 16 << 10;  // larger headers answer 431
  std::chrono::seconds idle_timeout{60};    // a connection silent this long is closed
};

// Blocking; called on a blocking-pool thread. Must be thread-safe.
using Handler = std::function<api::Response(const api::Request&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port (useful when options.port is 0), or kUnavailable if the
  // address cannot be bound.
  Result<std::uint16_t> Listen();

  // Serves until SIGINT or SIGTERM, then stops accepting, lets in-flight handlers finish, and returns.
  void Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskshare::http
