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
// share link whose response is not cached yet, and the read pool can be sized to the cores. With
// `network_slice`, a network thread that wakes takes the CPU from a pool thread at once rather than at
// the end of the pool thread's slice, when they share a CPU.
//
// Costly reads run apart. A read that took kCostlyRead (2 ms) of CPU time or more on the read pool
// leaves its cost key (api::Immediate::cost_key: one operation on one id, or by one caller) in a
// bounded memory (http/costly_keys.h), and the next reads with that key run on a third pool, of
// read_threads threads whose nice value is raised by costly_read_nice. So a task whose view is
// expensive to build (megabytes of messages, redacted with many large secrets), built again and again
// by the account that owns it, takes the CPU only when the network threads and the ordinary reads
// leave it free, and other links keep their latency; and the read pool's reads stay cheap, so that
// answers ready at once can keep their place in line behind them (see Handle()).
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

// What makes a read costly (see above).
inline constexpr std::chrono::microseconds kCostlyRead{2000};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                   // 0 picks a free port
  int threads = 1;                             // network threads, one event loop each
  int read_threads = 2;                        // run `blocking` for GET and HEAD requests
  int write_threads = 4;                       // run `blocking` for every other method
  int costly_read_nice = 19;                   // added to the nice value of the costly reads' threads
  std::chrono::microseconds network_slice{0};  // the scheduler slice the network threads ask for
                                               // (common/thread_priority.h); 0: the kernel's default
  std::size_t max_body_bytes = 8 << 20;        // larger bodies answer 413
  std::size_t max_header_bytes = 16 << 10;     // larger headers answer 431
  std::chrono::seconds idle_timeout{60};       // a connection with no request begun this long is closed
  std::chrono::seconds request_timeout{10};    // a request not read whole this long after its first
                                               // byte arrived is dropped with its connection
  int max_connections = 10000;                 // connections past this are closed as soon as accepted
  std::chrono::seconds shutdown_grace{10};     // after SIGTERM, requests in flight get this long
  // The authenticating proxy's header (api/sign_in.h), read into api::Request::signed_in_email; empty:
  // none is read.
  std::string auth_header;
  std::string auth_groups_header;  // and its groups header, into api::Request::signed_in_groups
};

// One answered request, as the server reports it to Handlers::observe.
struct Exchange {
  const api::Request& request;
  // The target as routed (api/routing.h); null for a request refused before it was routed (a body too
  // large, say).
  const api::Routing* routing = nullptr;
  int status = 0;
  std::size_t body_bytes = 0;                    // bytes of body sent (0 for HEAD and 304)
  std::chrono::steady_clock::duration duration;  // from the request read whole to its response written
  bool from_memory = false;                      // answered by `now`, without the blocking pools
  int thread = 0;                                // index of the network thread, 0 .. threads - 1
};

struct Handlers {
  // Must not block; no response passes the request to `blocking`, with its cost key and its routing.
  // Thread-safe.
  std::function<api::Immediate(const api::Request&)> now;
  // May block. Given the routing `now` returned. Thread-safe.
  std::function<api::Response(const api::Request&, const api::Routing&)> blocking;
  // Optional; called on the network thread after each response is written. Must not block.
  std::function<void(const Exchange&)> observe;
};

// Counters of the server's own state, for /metrics. Read at any time from any thread.
struct ServerStats {
  std::int64_t open_connections = 0;
  std::int64_t refused_connections = 0;  // closed at once because max_connections were open
  std::int64_t read_pool_busy = 0;       // requests queued for or running on the read pool
  std::int64_t write_pool_busy = 0;      // the same for the write pool
  std::int64_t costly_pool_busy = 0;     // the same for the costly reads' pool
  std::int64_t costly_reads = 0;         // reads run on the costly reads' pool so far
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

  // Serves until SIGINT or SIGTERM. Then it stops accepting, closes idle connections, lets requests in
  // flight finish and answers them with "Connection: close", waits at most shutdown_grace for them,
  // waits for handlers still running on the blocking pools, and returns.
  void Run();

  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskshare::http
