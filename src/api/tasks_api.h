// The authenticated task operations. Each handler parses its input, applies the access rules, calls
// the store and serializes the result; errors come back as ErrorResponse bodies. `raw_id` is the
// task id as it appeared in the path. Blocking (they call the store); thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/forms.h"
#include "api/http_types.h"
#include "domain/quotas.h"
#include "domain/user.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"

namespace taskshare::api {

// The writes below stamp the task with `now`, the server's time (RouterOptions::clock, common/clock.h).

// POST /api/v1/tasks: 202 {"id", "status": "pending"}; 409 when the id is taken, and 409
// `limit_reached` past `quotas`' secret_names_per_task or (as the store decides) tasks_per_user; 413
// past task_bytes. created_at and updated_at are `now`.
Response CreateTask(Store& store, const Quotas& quotas, const User& caller, std::string_view body,
                    UnixMicros now);

// GET /api/v1/tasks: 200 {"tasks", "next_cursor", "has_more"} of the caller's own tasks. With
// shared=true each task also carries its `share` (api/share_requests.h), its url on `public_url` and
// whether it has expired at `now`.
Response ListTasks(Store& store, const User& caller, const QueryParams& params, std::string_view public_url,
                   UnixMicros now);

// The task named by `raw_id` if `caller` owns it: kInvalidArgument for a malformed id, kNotFound "Task
// not found", kForbidden "only the task's owner may change it".
Result<Task> OwnedTask(Store& store, const User& caller, std::string_view raw_id);

// GET /api/v1/tasks/{id}: 200 {"task", "messages", "read_only"} for callers who may read it, as
// ShowTask (api/reader_view.h) decides: the owner gets the original, anyone else the share view
// (redacted, cut at the pin, 403 once a shared task's link has expired, no secret_names), redacted
// with a redactor from `redactors`; `now` as for LoadReaderView.
Response GetTask(Store& store, secrets::ViewRedactors& redactors, const User& caller, std::string_view raw_id,
                 UnixMicros now);

// PATCH /api/v1/tasks/{id} (owner): 200 {"task"}, updated at `now`.
Response PatchTask(Store& store, const User& caller, std::string_view raw_id, std::string_view body,
                   UnixMicros now);

// DELETE /api/v1/tasks/{id} (owner): 204.
Response DeleteTask(Store& store, const User& caller, std::string_view raw_id);

// POST /api/v1/tasks/{id}/messages (owner): 200 {"appended", "message_count"}; 413 past the store's
// task_bytes (StoreOptions::quotas). The task is updated at `now`.
Response AppendMessages(Store& store, const User& caller, std::string_view raw_id, std::string_view body,
                        UnixMicros now);

}  // namespace taskshare::api
