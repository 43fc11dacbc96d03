#include "storage/sqlite/schedule_rows.h"

#include <optional>
#include <string>

#include "storage/schedule_codec.h"

namespace taskshare::sqlite {
namespace {

std::optional<std::int64_t> OptionalInt(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.ColumnInt64(column);
}

}  // namespace

Result<Schedule> ReadScheduleRow(const Statement& row) {
  Schedule s;
  s.seq = row.ColumnInt64(kScheduleSeq);
  s.id = row.ColumnText(kScheduleId);
  s.owner_id = row.ColumnText(kScheduleOwnerId);
  s.created_by = row.ColumnText(kScheduleEmail);
  s.name = row.ColumnOptionalText(kScheduleName);
  s.task_message = row.ColumnText(kScheduleTaskMessage);
  s.anchor_at = OptionalInt(row, kScheduleAnchorAt);
  s.run_at = OptionalInt(row, kScheduleRunAt);
  s.model = row.ColumnOptionalText(kScheduleModel);
  s.project_id = row.ColumnOptionalText(kScheduleProjectId);
  s.execution_count = row.ColumnInt64(kScheduleExecutionCount);
  s.last_executed_at = OptionalInt(row, kScheduleLastExecutedAt);
  s.next_execution_at = OptionalInt(row, kScheduleNextExecutionAt);
  s.created_at = row.ColumnInt64(kScheduleCreatedAt);
  s.updated_at = row.ColumnInt64(kScheduleUpdatedAt);

  RowDecoder decode("schedule", s.id);
  decode.Enum(row.ColumnOptionalText(kScheduleType), "schedule_type", &s.type);
  decode.OptionalEnum(row.ColumnOptionalText(kScheduleFrequency), "scan_frequency", &s.scan_frequency);
  decode.StartTime(row.ColumnOptionalText(kScheduleStartTime), &s.start_time);
  decode.Enum(row.ColumnOptionalText(kScheduleVisibility), "visibility", &s.visibility);
  decode.SecretNames(row.ColumnOptionalText(kScheduleSecretNames), &s.secret_names);
  decode.Enum(row.ColumnOptionalText(kScheduleStatus), "status", &s.status);
  CheckScheduleShape(s, decode);
  if (!decode.status().ok()) return decode.status();
  return s;
}

Result<Execution> ReadExecutionRow(const Statement& row) {
  Execution e;
  e.id = row.ColumnText(0);
  e.schedule_id = row.ColumnText(1);
  e.task_id = row.ColumnOptionalText(2);
  e.scheduled_at = row.ColumnInt64(3);
  e.started_at = row.ColumnInt64(4);
  e.completed_at = OptionalInt(row, 5);
  RowDecoder decode("execution", e.id);
  decode.Enum(row.ColumnOptionalText(6), "status", &e.status);
  if (!decode.status().ok()) return decode.status();
  return e;
}

}  // namespace taskshare::sqlite
