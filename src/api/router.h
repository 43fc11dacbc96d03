// Router: the pure request handler of the server. It maps a request to its operation, authenticates
// where the operation needs it, and returns the response; it never touches a socket. Handle() blocks
// on the store, so the network layer calls it from the blocking-work pool. Thread-safe.
#pragma once

#include "api/http_types.h"
#include "storage/store.h"

namespace taskshare::api {

class Router {
 public:
  explicit Router(Store& store) : store_(store) {}

  // Unknown paths answer 404, known paths with another method 405 with an Allow header, targets that
  // are not origin-form 400.
  Response Handle(const Request& request) const;

 private:
  Store& store_;
};

}  // namespace taskshare::api
