// The owner's controls of a task's share link. The link itself (GET /api/v1/tasks/{id}/share, the
// spec's anonymous operation) is api/share_api.h; these need the owner's API key, and every one that
// changes what the link serves goes through the store's share operations, which report the change
// (storage/change_reports.h) so that the task's cached responses are evicted before the handler
// answers. `public_url`
// is the base of the share URL the responses carry. Blocking (they call the store); thread-safe.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

// PUT /api/v1/tasks/{id}/share (owner): replaces the share settings (api/share_requests.h); 200
// {"share"}. A pinned mode pins at the task's current last message, again on every PUT. `now` is the
// server's time (common/clock.h): an expires_at must be after it, and `expired` is computed at it.
Response PutShare(Store& store, const User& caller, std::string_view raw_id, std::string_view body,
                  std::string_view public_url, UnixMicros now);

// GET /api/v1/tasks/{id}/share/settings (owner): 200 {"share"}, `expired` as of `now`.
Response GetShareSettings(Store& store, const User& caller, std::string_view raw_id,
                          std::string_view public_url, UnixMicros now);

// DELETE /api/v1/tasks/{id}/share (owner): the task becomes private with default settings, updated at
// `now` (the server's time); 204.
Response DeleteShare(Store& store, const User& caller, std::string_view raw_id, UnixMicros now);

// POST /api/v1/shares/revoke-all: every public or unlisted task of the caller becomes private, and
// every schedule of theirs that would create such tasks now creates private ones, in one transaction
// (Store::UnshareAll); 200 {"revoked": N, "task_ids": [...], "schedules_made_private": [...]}. The
// body must be empty or {} (400 otherwise, and nothing changes). What changes is updated at `now` (the
// server's time).
Response RevokeAllShares(Store& store, const User& caller, std::string_view body, UnixMicros now);

}  // namespace taskshare::api
