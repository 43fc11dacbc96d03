#include "storage/sqlite/task_rows.h"

#include <utility>

namespace taskshare::sqlite {
namespace {

// The value of a text column, std::nullopt for NULL.
std::optional<std::string> Text(const Statement& row, int column) { return row.ColumnOptionalText(column); }

// SQLite has no boolean type: the flags are stored as 0 or 1.
void DecodeBool(const Statement& row, int column, std::string_view name, TaskFieldDecoder& decode,
                bool* out) {
  const std::int64_t value = row.ColumnInt64(column);
  if (row.IsNull(column) || (value != 0 && value != 1)) decode.Fail(name, "is not 0 or 1");
  *out = value == 1;
}

std::optional<std::int64_t> OptionalInt(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.ColumnInt64(column);
}

}  // namespace

Result<StoredTask> ReadTaskRow(const Statement& row) {
  StoredTask stored;
  Task& t = stored.task;
  t.seq = row.ColumnInt64(kSeqColumn);
  t.id = row.ColumnText(kIdColumn);
  t.owner_id = row.ColumnText(kOwnerIdColumn);
  t.created_by = row.ColumnText(kEmailColumn);
  t.owner_team = row.ColumnOptionalText(kTeamColumn);
  t.title = row.ColumnText(kTitleColumn);
  t.model = row.ColumnOptionalText(kModelColumn);
  t.project_id = row.ColumnOptionalText(kProjectIdColumn);
  t.created_at = row.ColumnInt64(kCreatedAtColumn);
  t.updated_at = row.ColumnInt64(kUpdatedAtColumn);
  stored.message_count = row.ColumnInt64(kMessageCountColumn);

  TaskFieldDecoder decode(t.id);
  decode.Enum(Text(row, kStatusColumn), "status", &t.status);
  decode.Enum(Text(row, kVisibilityColumn), "visibility", &t.visibility);
  decode.Enum(Text(row, kSourceColumn), "source", &t.source);
  decode.OptionalEnum(Text(row, kCompletionDeliveryColumn), "completion_delivery", &t.completion_delivery);
  DecodeBool(row, kIsIsolatedColumn, "is_isolated", decode, &t.is_isolated);
  DecodeBool(row, kIsScheduledColumn, "is_scheduled", decode, &t.is_scheduled);
  decode.SecretNames(Text(row, kSecretNamesColumn), &t.secret_names);
  decode.Schedule(Text(row, kScheduleInfoColumn), &t.schedule_info);
  DecodeLinkedSchedule(Text(row, kLinkedScheduleColumn), decode, &t.schedule_info);
  ShareSettings& share = t.share;
  decode.Enum(Text(row, kShareModeColumn), "share_mode", &share.mode);
  share.pinned_messages = OptionalInt(row, kSharePinnedMessagesColumn);
  share.pinned_at = OptionalInt(row, kSharePinnedAtColumn);
  share.expires_at = OptionalInt(row, kShareExpiresAtColumn);
  DecodeBool(row, kShareShowCreatorColumn, "share_show_creator", decode, &share.show_creator);
  DecodeBool(row, kShareRedactColumn, "share_redact", decode, &share.redact);
  decode.SharePin(share);
  if (!decode.status().ok()) return decode.status();
  return stored;
}

constexpr std::string_view kTaskByIdSql = "SELECT " TASKSHARE_TASK_COLUMNS "WHERE t.id = ?1";

Result<StoredTask> LoadTask(Connection& conn, std::string_view id) {
  Result<Statement> stmt = conn.Query(kTaskByIdSql, id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("Task not found");
  return ReadTaskRow(*stmt);
}

Result<User> ReadUserRow(const Statement& row) {
  User user;
  user.id = row.ColumnText(0);
  user.email = row.ColumnText(1);
  const std::string role = row.ColumnText(2);
  std::optional<Role> parsed = Parse<Role>(role);
  if (!parsed) {
    return Status::Internal("storage error", "user " + user.id + ": column role holds '" + role + "'");
  }
  user.role = *parsed;
  user.team = row.ColumnOptionalText(3);
  user.created_at = row.ColumnInt64(4);
  return user;
}

}  // namespace taskshare::sqlite
