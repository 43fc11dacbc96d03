// The JSON mapping of schedules and executions as the Schedules API returns them. Unset optional
// fields are left out. Pure functions; thread-safe.
#pragma once

#include <boost/json/fwd.hpp>

#include "domain/schedule.h"

namespace taskshare {

// {"id", "name", "task_message", "schedule_type", "scan_frequency", "start_time", "run_at",
//  "selected_visibility_type", "model", "secrets", "project_id", "status", "execution_count",
//  "last_executed_at", "next_execution_at", "created_by", "created_at", "updated_at"}
boost::json::object ScheduleToJson(const Schedule& schedule);

// The spec's ExecutionInfo fields and the task's id: {"execution_id", "task_id", "scheduled_at",
// "started_at", "completed_at", "status"}.
boost::json::object ExecutionToJson(const Execution& execution);

}  // namespace taskshare
