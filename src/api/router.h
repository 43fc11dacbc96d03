// Router: the pure request handler of the server. It maps a request to its operation, authenticates
// where the operation needs it, and returns the response; it never touches a socket. Handle() blocks
// on the store, so the network layer calls it from the blocking-work pool; TryHandleNow() never blocks
// and is called first, on the network thread, to answer share requests straight from the cache.
// Thread-safe.
#pragma once

#include <optional>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "storage/store.h"

namespace taskshare::api {

class Router {
 public:
  Router(Store& store, ResponseCache& cache) : store_(store), cache_(cache) {}

  // The response if it can be given without blocking (a cached share response), else nullopt.
  // Allocates nothing.
  std::optional<Response> TryHandleNow(const Request& request) const;

  // Unknown paths answer 404, known paths with another method 405 with an Allow header, targets that
  // are not origin-form 400.
  Response Handle(const Request& request) const;

 private:
  Store& store_;
  ResponseCache& cache_;
};

}  // namespace taskshare::api
