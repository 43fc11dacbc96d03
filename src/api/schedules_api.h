// The Schedules API (shaped like Neo's). Each handler parses its input, applies the access rule, calls
// the domain and the store and serializes the result; errors come back as ErrorResponse bodies.
// `raw_id` is the schedule id as it appeared in the path; `now` is the time of the clock the scheduler
// reads, from which due times are computed.
//
// Access: a schedule belongs to its owner alone. Only the owner sees it (in the list and by id) and
// changes it; anyone else, admins included, gets 403 for it, as for a private task. A schedule holds
// its owner's instructions and the names of their secrets, and what it produces is shared through the
// tasks it creates, whose visibility (selected_visibility_type) decides who reads them.
//
// Blocking (they call the store); thread-safe.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "api/tasks_api.h"
#include "domain/quotas.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

// How many of its most recent executions GET /api/v1/schedules/{id} returns.
inline constexpr int kExecutionsShown = 100;

// The quotas (domain/quotas.h) a schedule is held to when it is created, and when a patch sets the
// field concerned: schedule_message_bytes (413), secret_names_per_task and schedule_interval (409
// `limit_reached`), and on creation schedules_per_user (409 `limit_reached`). The count is read before
// the write, so creates racing at the limit may all pass it: a user can go past it by at most the
// requests they have in flight at once.

// POST /api/v1/schedules: 201 {"schedule"}.
Response CreateSchedule(Store& store, const Quotas& quotas, const User& caller, std::string_view body,
                        UnixMicros now);

// GET /api/v1/schedules: 200 {"schedules", "next_cursor", "has_more"} of the caller's own schedules.
Response ListSchedules(Store& store, const User& caller, const QueryParams& params);

// GET /api/v1/schedules/{id} (owner): 200 {"schedule", "executions"}, the executions newest first.
Response GetSchedule(Store& store, const User& caller, std::string_view raw_id);

// PATCH /api/v1/schedules/{id} (owner): 200 {"schedule"}.
Response PatchSchedule(Store& store, const Quotas& quotas, const User& caller, std::string_view raw_id,
                       std::string_view body, UnixMicros now);

// DELETE /api/v1/schedules/{id} (owner): 204.
Response DeleteSchedule(Store& store, const User& caller, std::string_view raw_id, UnixMicros now);

}  // namespace taskshare::api
