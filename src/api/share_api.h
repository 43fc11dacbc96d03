// GET /api/v1/tasks/{id}/share: the unauthenticated, read-only view of a shared task.
//
// Between two writes the share response of a task is a fixed string of bytes, so it is built once,
// kept in the ResponseCache as a CachedResponse (the 200 with its ETag and gzip variant, or the 403 of a
// task that is not shared), and served from there until a write invalidates it. Credentials are never
// looked at. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "storage/store.h"

namespace taskshare::api {

// The response from the cache alone, without blocking: nullopt on a miss, or when the request wants a
// gzip variant that has not been made yet. `id` must be canonical.
std::optional<Response> GetSharedTaskCached(ResponseCache& cache, const Request& request, std::string_view id);

// The full path (blocking: reads the store on a miss): 200 SharedTaskResponse for public and unlisted
// tasks; 400 for a malformed id; 403 "Task is not shared"; 404 "Task not found"; 500 "Failed to load
// snapshot" if the transcript cannot be read back intact. 200 and 403 are cached.
Response GetSharedTask(Store& store, ResponseCache& cache, const Request& request, std::string_view raw_id);

}  // namespace taskshare::api
