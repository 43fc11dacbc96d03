// The network layer: an HTTP/1.1 server on Boost.Asio and Beast's parser, with C++20 coroutines.
//
// One event loop per network thread, each with its own listening socket on the same port
// (SO_REUSEPORT), so the kernel spreads connections over threads and a connection stays on the thread
// that accepted it: nothing is shared between network threads. Per connection, one coroutine reads
// requests in order, answers each before reading the next (so keep-alive and pipelining are answered
// in order), enforces the header and body limits and an idle timeout, and writes responses with a
// single gathered write: cached responses go out straight from their ready-made bytes.
//
// The handler comes in two halves: `now`, called on the network thread, which must not block and
// answers what it can from memory; and `blocking`, for everything else, whose result the connection
// awaits. `blocking` runs on one of two pools: GET and HEAD requests on the read pool, every other
// method on the write pool. A write may wait for a disk flush; with its own pool it never holds up a
// share link whose response is not cached yet, and the read pool can be sized to the cores.
//
// Beast and Asio are included only by the .cc files of this folder.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "common/status.h"

namespace taskshare::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                // 0 picks a free port
  int threads = 1;                          // network threads, one event loop each
  int read_threads = 2;                     // run `blocking` for GET and HEAD requests
  int write_threads = 4;                    // run `blocking` for every other method
  std::size_t max_body_bytes = 8 << 20;     // larger bodies answer 413
  std::size_t max_header_bytes = 16 << 10;  // larger headers answer 431
  std::chrono::seconds idle_timeout{60};    // a connection silent this long is closed
};

struct Handlers {
  // Must not block; nullopt passes the request to `blocking`. Thread-safe.
  std::function<std::optional<api::Response>(const api::Request&)> now;
  // May block. Thread-safe.
  std::function<api::Response(const api::Request&)> blocking;
};

class Server {
 public:
  Server(ServerOptions options, Handlers handlers);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on every network thread's socket. Returns the bound port (useful when
  // options.port is 0), or kUnavailable if the address cannot be bound.
  Result<std::uint16_t> Listen();

  // Serves until SIGINT or SIGTERM, then stops accepting, lets handlers already running on the
  // blocking pool finish, and returns.
  void Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskshare::http
