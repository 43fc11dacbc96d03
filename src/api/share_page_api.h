// GET /share/{id}: the shared task as a web page, with the access rules and status codes of the JSON
// share endpoint (LoadReaderView decides both, for an anonymous reader) and styled 400, 403, 404 and 500 pages. Pages are
// cached like the JSON response, as the task's kSharePage view. Every page carries a Content-Security-
// Policy that allows no script at all, nosniff, no-referrer and DENY framing; X-Robots-Tag: noindex for
// unlisted tasks, errors, and public tasks unless the operator opted in. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "secrets/secret_box.h"
#include "storage/store.h"
#include "web/share_page.h"

namespace taskshare::api {

// From the cache alone, without blocking; nullopt if the store must be read. `id` must be canonical.
std::optional<Response> GetSharePageCached(ResponseCache& cache, const Request& request, std::string_view id);

// The styled error page for a share link refused before the task is looked at: kForbidden (sharing
// is off on this server) as 403, kRateLimited as 429 with `Retry-After: retry_after` when it is above
// 0. Never cached.
Response SharePageRefusal(const Status& status, const web::PageOptions& options, int retry_after = 0);

// The full path (blocking on a miss). `secrets` as for LoadReaderView (api/reader_view.h).
Response GetSharePage(Store& store, const secrets::SecretBox* secrets, ResponseCache& cache,
                      const web::PageOptions& options, const Request& request, std::string_view raw_id);

}  // namespace taskshare::api
