// GET /share/{id}: the shared task as a web page, with the access rules of the JSON share endpoint
// (ShowTask decides both, for an anonymous reader) and its status codes as styled error pages (the
// one mapping of api/errors.h: a 5xx page names its error id, logged as for JSON). Pages are
// cached like the JSON response, as the task's kSharePage view. Every page carries a Content-Security-
// Policy that allows no script at all, nosniff, no-referrer and DENY framing; X-Robots-Tag: noindex for
// unlisted tasks, errors, and public tasks unless the operator opted in. Thread-safe.
//
// Worst-case cost of a miss, for a task whose messages take S stored bytes (a stranger's request costs
// the owner's transcript, which one append of the 8 MiB body limit can fill with millions of tiny
// items): the page is at most 8 bytes per stored byte plus a few KB (web/share_page.h), so 8 * S + a
// few KB out per S in; memory per request S + the page + about 25 times the largest message while it
// is parsed; time linear in S (about 0.5 s for an 8 MB message of four million items on 2 cores). A
// page within the cache's largest entry (16 MiB by default) is built once per write; a larger one
// (an ordinary transcript of more than about 8 to 16 MB) is not kept, and each request rebuilds it at that
// cost.
#pragma once

#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"
#include "web/share_page.h"

namespace taskshare::api {

// From the cache alone, without blocking; nullopt if the store must be read. `id` must be canonical.
std::optional<Response> GetSharePageCached(ResponseCache& cache, const Request& request, std::string_view id);

// The styled error page of `status` (ToHttpError's status code; the heading says "This link has
// expired" for Reason::kShareExpired), for a share link refused before the task is looked at:
// kForbidden (sharing is off on this server) as 403, kRateLimited as 429 with `Retry-After:
// retry_after` when it is above 0. Never cached.
Response SharePageRefusal(const Status& status, const web::PageOptions& options, int retry_after = 0);

// The page of task `raw_id` for a signed-in request (api/sign_in.h): as `reader` sees it (null: signed
// in as nobody the store knows, who sees what the link shows anyone), built from the store on every
// request, never kept in or served from the cache, and sent with Cache-Control: private, no-store.
// A team, support or private task opens for the readers the visibility table lets read it
// (domain/access.h); ShowTask decides what each sees (only the owner sees the original).
Response GetSignedInSharePage(Store& store, secrets::ViewRedactors& redactors,
                              const web::PageOptions& options, const Request& request,
                              std::string_view raw_id, const User* reader, UnixMicros now);

// The full path (blocking on a miss). `redactors` and `now` as for LoadReaderView (api/reader_view.h).
Response GetSharePage(Store& store, secrets::ViewRedactors& redactors, ResponseCache& cache,
                      const web::PageOptions& options, const Request& request, std::string_view raw_id,
                      UnixMicros now);

}  // namespace taskshare::api
