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
#include "storage/store.h"
#include "web/share_page.h"

namespace taskshare::api {

class Router {
 public:
  Router(Store& store, ResponseCache& cache, web::PageOptions page_options)
      : store_(store), cache_(cache), page_options_(std::move(page_options)) {}

  // The response if it can be given without blocking (a cached share response), else nullopt.
  // Allocates nothing.
  std::optional<Response> TryHandleNow(const Request& request) const;

  // Unknown paths answer 404, known paths with another method 405 with an Allow header, targets that
  // are not origin-form 400.
  Response Handle(const Request& request) const;

 private:
  Store& store_;
  ResponseCache& cache_;
  web::PageOptions page_options_;
};

}  // namespace taskshare::api
