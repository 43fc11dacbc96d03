// GET /api/v1/tasks/{id}/share: the unauthenticated, read-only view of a shared task, as JSON.
//
// Between two writes the share response of a task is a fixed string of bytes, so it is built once,
// kept in the ResponseCache (the 200 with its ETag and gzip variant, or the 403 of a task that is not
// shared), and served from there until a write invalidates it (a write to the owner's secrets
// included) or, for a link with an expiry, until it expires. What it shows is the anonymous reader's
// view of api/reader_view.h. Credentials are never looked at.
// Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"

namespace taskshare::api {

// The expires_at (Unix microseconds; 0: none) of a cached 200 built from `task`: its share's expiry,
// so that no cache serves the link's content past it.
std::int64_t ShareCacheExpiry(const Task& task);

// From the cache alone, without blocking; nullopt if the store must be read. `id` must be canonical.
std::optional<Response> GetSharedTaskCached(ResponseCache& cache, const Request& request,
                                            std::string_view id);

// The full path (blocking on a miss): 200 SharedTaskResponse; 400 for a malformed id; 403, 404, 500 or
// 503 as ShowTask (api/reader_view.h) decides for an anonymous reader, from the message blocks when
// the store keeps them and they serve, from the rows otherwise, in the spec's ErrorResponse shape.
// `now` is the server's time (common/clock.h), which the link's expiry is checked against.
Response GetSharedTask(Store& store, secrets::ViewRedactors& redactors, ResponseCache& cache,
                       const Request& request, std::string_view raw_id, UnixMicros now);

}  // namespace taskshare::api
