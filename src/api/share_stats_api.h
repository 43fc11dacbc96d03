// GET /api/v1/tasks/{id}/share/stats: how often the task's share link was viewed, for its owner.
//
// A view is a GET of the JSON share endpoint or of the share page, without credentials, answered 200
// or 304 (a cache hit counts like a miss; a revalidation is someone looking at the task again). HEAD
// requests, refusals, errors and requests that carry an API key (the owner's tools) do not count.
// Counts are added to the database about once a second (observe/view_counter.h), so a view shows here
// within about a second. Blocking; thread-safe.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

// True if `request`, answered with `response`, counts as a view of a share link (see above).
bool CountsAsView(const Request& request, const Response& response);

// 200 {"views": N, "last_viewed_at": RFC 3339 or null} for the task's owner; 403 for anyone else, 404
// for an unknown task, 400 for a malformed id, as the other owner operations answer.
Response GetShareStats(Store& store, const User& caller, std::string_view raw_id);

}  // namespace taskshare::api
