// The JSON mapping of tasks: TaskInfo, ScheduleInfo and ExecutionInfo exactly as the spec spells them,
// and the strict parsing of imported TaskInfo objects. Pure functions; thread-safe.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/task.h"

namespace taskshare {

// Which TaskInfo fields a reader gets: anonymous share viewers do not see `secret_names`, nor
// `created_by` unless the owner's share settings say show_creator.
enum class TaskView { kFull, kAnonymous };

// TaskInfo as a JSON object. Unset optional fields are left out.
boost::json::object TaskInfoToJson(const Task& task, TaskView view);

boost::json::object ScheduleInfoToJson(const ScheduleInfo& info);

// Strict parsing of a ScheduleInfo object (required fields, exact enums, UUIDs and RFC 3339 times;
// nullable fields may be null; unknown fields refused). kInvalidArgument naming the offending field,
// prefixed with `where` ("task.schedule_info").
Result<ScheduleInfo> ScheduleInfoFromJson(const boost::json::value& v, std::string_view where);

// ScheduleInfo as compact JSON text and back, for storage. The parse returns kInternal if the text
// is not a valid ScheduleInfo; its strings are taken as stored (json_reader.h, Origin::kStored).
std::string ScheduleInfoToText(const ScheduleInfo& info);
Result<ScheduleInfo> ScheduleInfoFromText(std::string_view text);

// Strict parsing of a TaskInfo object as found in an imported file: every field of the spec with its
// type and enum checked, `id`, `created_at`, `title`, `visibility` and `status` required, unknown
// fields refused. `created_by` is accepted but not stored in the result (the owner decides it).
// kInvalidArgument naming the offending field.
Result<Task> TaskInfoFromJson(const boost::json::value& v);

}  // namespace taskshare
