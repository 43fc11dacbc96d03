// The mapping between the PostgreSQL backend's schedule and execution rows and the domain's values.
// The text forms shared with the other backends, and the rules for corrupt values, are in
// storage/schedule_codec.h: a column whose value the domain cannot represent is reported as kInternal
// "storage error" naming the row and the column.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include "common/status.h"
#include "domain/schedule.h"
#include "storage/postgres/connection.h"

// The columns every schedule query selects, in the order of ScheduleColumn, and the FROM clause that
// provides them: "SELECT " TASKSHARE_PG_SCHEDULE_COLUMNS "WHERE ...".
#define TASKSHARE_PG_SCHEDULE_COLUMNS                                                             \
  "s.seq, s.id, s.owner_id, u.email, s.name, s.task_message, s.schedule_type, s.scan_frequency, " \
  "s.start_time, s.anchor_at, s.run_at, s.visibility, s.model, s.secret_names, s.project_id, "    \
  "s.status, s.execution_count, s.last_executed_at, s.next_execution_at, s.created_at, "          \
  "s.updated_at FROM schedules s JOIN users u ON u.id = s.owner_id "

// The columns every execution query selects, in the order ReadExecutionRow reads them.
#define TASKSHARE_PG_EXECUTION_COLUMNS \
  "id, schedule_id, task_id, scheduled_at, started_at, completed_at, status "

namespace taskshare::postgres {

// The index of each column of TASKSHARE_PG_SCHEDULE_COLUMNS; the two must change together.
// clang-format off
enum ScheduleColumn : int {
  kScheduleSeq, kScheduleId, kScheduleOwnerId, kScheduleEmail, kScheduleName, kScheduleTaskMessage,
  kScheduleType, kScheduleFrequency, kScheduleStartTime, kScheduleAnchorAt, kScheduleRunAt,
  kScheduleVisibility, kScheduleModel, kScheduleSecretNames, kScheduleProjectId, kScheduleStatus,
  kScheduleExecutionCount, kScheduleLastExecutedAt, kScheduleNextExecutionAt, kScheduleCreatedAt,
  kScheduleUpdatedAt
};
// clang-format on

// Decodes row `row` of `rows`, a result selecting TASKSHARE_PG_SCHEDULE_COLUMNS.
Result<Schedule> ReadScheduleRow(const Rows& rows, int row);

// Decodes row `row` of `rows`, a result selecting TASKSHARE_PG_EXECUTION_COLUMNS.
Result<Execution> ReadExecutionRow(const Rows& rows, int row);

}  // namespace taskshare::postgres
