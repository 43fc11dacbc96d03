#include "storage/postgres/schedule_rows.h"

#include <optional>
#include <string>

#include "storage/schedule_codec.h"

namespace taskshare::postgres {

Result<Schedule> ReadScheduleRow(const Rows& rows, int row) {
  Schedule s;
  s.seq = rows.Int64(row, kScheduleSeq);
  s.id = rows.Text(row, kScheduleId);
  s.owner_id = rows.Text(row, kScheduleOwnerId);
  s.created_by = rows.Text(row, kScheduleEmail);
  s.name = rows.OptionalText(row, kScheduleName);
  s.task_message = rows.Text(row, kScheduleTaskMessage);
  s.anchor_at = rows.OptionalInt64(row, kScheduleAnchorAt);
  s.run_at = rows.OptionalInt64(row, kScheduleRunAt);
  s.model = rows.OptionalText(row, kScheduleModel);
  s.project_id = rows.OptionalText(row, kScheduleProjectId);
  s.execution_count = rows.Int64(row, kScheduleExecutionCount);
  s.last_executed_at = rows.OptionalInt64(row, kScheduleLastExecutedAt);
  s.next_execution_at = rows.OptionalInt64(row, kScheduleNextExecutionAt);
  s.created_at = rows.Int64(row, kScheduleCreatedAt);
  s.updated_at = rows.Int64(row, kScheduleUpdatedAt);

  RowDecoder decode("schedule", s.id);
  decode.Enum(rows.OptionalView(row, kScheduleType), "schedule_type", &s.type);
  decode.OptionalEnum(rows.OptionalView(row, kScheduleFrequency), "scan_frequency", &s.scan_frequency);
  decode.StartTime(rows.OptionalView(row, kScheduleStartTime), &s.start_time);
  decode.Enum(rows.OptionalView(row, kScheduleVisibility), "visibility", &s.visibility);
  decode.SecretNames(rows.OptionalView(row, kScheduleSecretNames), &s.secret_names);
  decode.Enum(rows.OptionalView(row, kScheduleStatus), "status", &s.status);
  CheckScheduleShape(s, decode);
  if (!decode.status().ok()) return decode.status();
  return s;
}

Result<Execution> ReadExecutionRow(const Rows& rows, int row) {
  Execution e;
  e.id = rows.Text(row, 0);
  e.schedule_id = rows.Text(row, 1);
  e.task_id = rows.OptionalText(row, 2);
  e.scheduled_at = rows.Int64(row, 3);
  e.started_at = rows.Int64(row, 4);
  e.completed_at = rows.OptionalInt64(row, 5);
  RowDecoder decode("execution", e.id);
  decode.Enum(rows.OptionalView(row, 6), "status", &e.status);
  if (!decode.status().ok()) return decode.status();
  return e;
}

}  // namespace taskshare::postgres
