// Router: the pure request handler of the server. It maps a request to its operation, authenticates
// where the operation needs it, and returns the response; it never touches a socket. Handle() blocks
// on the store, so the network layer calls it from the blocking-work pool; TryHandleNow() never blocks
// and is called first, on the network thread, to answer share requests straight from the cache.
// Thread-safe.
#pragma once

#include <optional>
#include <utility>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "observe/metrics.h"
#include "storage/store.h"
#include "web/share_page.h"

namespace taskshare::api {

struct RouterOptions {
  web::PageOptions page;
  const observe::Metrics* metrics = nullptr;  // GET /metrics answers 404 without it
  bool metrics_public = false;                // else /metrics needs an admin's API key
};

// The route `target` (origin-form, query string allowed) falls under, for metrics. Allocates nothing.
observe::Route RouteOf(std::string_view target);

class Router {
 public:
  Router(Store& store, ResponseCache& cache, RouterOptions options)
      : store_(store), cache_(cache), options_(std::move(options)) {}

  // The response if it can be given without blocking (a cached share response), else nullopt.
  // Allocates nothing.
  std::optional<Response> TryHandleNow(const Request& request) const;

  // Unknown paths answer 404, known paths with another method 405 with an Allow header, targets that
  // are not origin-form 400.
  Response Handle(const Request& request) const;

 private:
  Store& store_;
  ResponseCache& cache_;
  RouterOptions options_;
};

}  // namespace taskshare::api
