// Parsing of the Schedules API's request bodies and query strings into domain values. Every function
// is strict, as task_requests.h: a wrong type, an unknown enum value or an unknown field is
// kInvalidArgument with a message that names it. Rules that relate fields to each other or to the
// stored schedule are domain/schedule_rules.h's. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "domain/schedule.h"
#include "storage/store.h"

namespace taskshare::api {

// Longest schedule name, in characters (Unicode code points).
inline constexpr std::size_t kMaxScheduleNameChars = 256;

// A POST /api/v1/schedules body: the fields the client sent, each checked on its own (run_at resolved
// against `now`), with the defaults schedule_type recurring, selected_visibility_type private and status
// active. Id, owner, times and derived fields are left to the caller and CompleteNewSchedule.
Result<Schedule> ParseCreateSchedule(std::string_view body, UnixMicros now);

// A PATCH /api/v1/schedules/{id} body (run_at resolved against `now`); refuses an empty patch.
Result<SchedulePatch> ParsePatchSchedule(std::string_view body, UnixMicros now);

// The decoded query parameters of GET /api/v1/schedules (limit, cursor, status), for `owner_id`.
Result<ScheduleQuery> ParseScheduleListQuery(const std::vector<std::pair<std::string, std::string>>& params,
                                             std::string owner_id);

}  // namespace taskshare::api
