// The share settings on the wire: parsing the body of PUT /api/v1/tasks/{id}/share, and the `share`
// object the owner reads back (from PUT, GET /api/v1/tasks/{id}/share/settings and the list of shared
// tasks). Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "common/status.h"
#include "common/time.h"
#include "domain/task.h"

namespace taskshare::api {

// A PUT /api/v1/tasks/{id}/share body: `visibility` (required: public or unlisted), `mode` (live, the
// default, or pinned), `expires_at` (RFC 3339, after `now`; absent or null: never), `show_creator`
// (default false), `redact` (default true). Strict like every body: kInvalidArgument naming the field
// for a wrong type, an unknown value or field, a private, team or support visibility, or an expiry
// that is not in the future.
Result<ShareRequest> ParseShareRequest(std::string_view body, UnixMicros now);

// The owner's view of a task's share: {"task_id", "url", "visibility", "shared", "mode",
// "pinned_message_count"?, "pinned_at"?, "expires_at"?, "expired", "show_creator", "redact"}. `url` is
// `public_url` + "/share/" + the id, the same whatever the settings; `shared` says whether the
// visibility is one a link serves, `expired` whether expires_at has passed at `now`.
boost::json::object ShareSettingsToJson(const Task& task, UnixMicros now, std::string_view public_url);

}  // namespace taskshare::api
