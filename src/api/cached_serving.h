// Serving a task's view through the ResponseCache: the one place where a cache miss is filled, a gzip
// variant is added, and the ticket rule of ResponseCache is followed. Used by the JSON share endpoint
// and the share page alike. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "domain/task.h"

namespace taskshare::api {

// Which of a view's answers the cache keeps (ResponseCache), the one place that decides it: the 200 and
// the 403 (not shared, expired) of a task are fixed until the next write to it, or until the expiry
// the 200 carries; a 400, 404, 429 or 5xx is about the request or this moment and is never kept.
bool Cacheable(int http_status);

// What a view's builder made from the store. With `packed` set, the cache keeps the response's body in
// that form (CachedResponse::Packed) rather than as it is. Whether it is kept is Cacheable's call.
struct BuiltResponse {
  std::shared_ptr<const CachedResponse> response;
  PackedBody packed;
  // The owner's secrets the response was redacted with (ResponseCache::InvalidateSecret evicts it
  // when one of them is written).
  SecretsUsed secrets;
};

// The secrets a view of `task` shown to a reader other than its owner is redacted with: those it names.
// Empty for a task that names none, so that its cache slot holds no copy of the owner's id.
inline SecretsUsed SecretsOf(const Task& task) {
  if (task.secret_names.empty()) return {};
  return {task.owner_id, task.secret_names};
}

// The cached `view` of task `id` served to `request`, without blocking; nullopt on a miss or when the
// request wants a gzip variant not made yet. Its lookup is the request's one count in the cache's hits
// and misses: a request goes through it before ServeThroughCache (api::Router::TryHandleNow), whose
// own lookup does not count again.
std::optional<Response> ServeFromCache(ResponseCache& cache, CachedView view, std::string_view id,
                                       const Request& request);

// The `view` of task `id` served to `request`, built by `build` (which may block) on a miss and cached
// when Cacheable. `id` must be canonical. Concurrent misses of one view share one build: a request
// that misses while another builds the same view of the same id (with no write to it in between)
// waits for that build's response instead of building its own.
Response ServeThroughCache(ResponseCache& cache, CachedView view, const std::string& id,
                           const Request& request, const std::function<BuiltResponse()>& build);

}  // namespace taskshare::api
