#include "storage/postgres/task_rows.h"

#include <optional>
#include <string>
#include <utility>

#include "domain/enums.h"
#include "storage/task_codec.h"

namespace taskshare::postgres {
namespace {

// A boolean column in the text format: t or f.
void DecodeBool(const Rows& rows, int row, int column, std::string_view name, TaskFieldDecoder& decode,
                bool* out) {
  const std::optional<std::string_view> text = rows.OptionalView(row, column);
  if (text != "t" && text != "f") decode.Fail(name, "is not a boolean");
  *out = text == "t";
}

}  // namespace

Result<StoredTask> ReadTaskRow(const Rows& rows, int row) {
  StoredTask stored;
  Task& t = stored.task;
  t.seq = rows.Int64(row, kSeqColumn);
  t.id = rows.Text(row, kIdColumn);
  t.owner_id = rows.Text(row, kOwnerIdColumn);
  t.created_by = rows.Text(row, kEmailColumn);
  t.owner_team = rows.OptionalText(row, kTeamColumn);
  t.title = rows.Text(row, kTitleColumn);
  t.model = rows.OptionalText(row, kModelColumn);
  t.project_id = rows.OptionalText(row, kProjectIdColumn);
  t.created_at = rows.Int64(row, kCreatedAtColumn);
  t.updated_at = rows.Int64(row, kUpdatedAtColumn);
  stored.message_count = rows.Int64(row, kMessageCountColumn);

  TaskFieldDecoder decode(t.id);
  decode.Enum(rows.OptionalView(row, kStatusColumn), "status", &t.status);
  decode.Enum(rows.OptionalView(row, kVisibilityColumn), "visibility", &t.visibility);
  decode.Enum(rows.OptionalView(row, kSourceColumn), "source", &t.source);
  decode.OptionalEnum(rows.OptionalView(row, kCompletionDeliveryColumn), "completion_delivery",
                      &t.completion_delivery);
  DecodeBool(rows, row, kIsIsolatedColumn, "is_isolated", decode, &t.is_isolated);
  DecodeBool(rows, row, kIsScheduledColumn, "is_scheduled", decode, &t.is_scheduled);
  decode.SecretNames(rows.OptionalView(row, kSecretNamesColumn), &t.secret_names);
  decode.Schedule(rows.OptionalView(row, kScheduleInfoColumn), &t.schedule_info);
  DecodeLinkedSchedule(rows.OptionalView(row, kLinkedScheduleColumn), decode, &t.schedule_info);
  ShareSettings& share = t.share;
  decode.Enum(rows.OptionalView(row, kShareModeColumn), "share_mode", &share.mode);
  share.pinned_messages = rows.OptionalInt64(row, kSharePinnedMessagesColumn);
  share.pinned_at = rows.OptionalInt64(row, kSharePinnedAtColumn);
  share.expires_at = rows.OptionalInt64(row, kShareExpiresAtColumn);
  DecodeBool(rows, row, kShareShowCreatorColumn, "share_show_creator", decode, &share.show_creator);
  DecodeBool(rows, row, kShareRedactColumn, "share_redact", decode, &share.redact);
  decode.SharePin(share);
  if (!decode.status().ok()) return decode.status();
  return stored;
}

Result<User> ReadUserRow(const Rows& rows, int row) {
  User user;
  user.id = rows.Text(row, 0);
  user.email = rows.Text(row, 1);
  const std::string_view role = rows.View(row, 2);
  std::optional<Role> parsed = Parse<Role>(role);
  if (!parsed) {
    return Status::Internal("storage error",
                            "user " + user.id + ": column role holds '" + std::string(role) + "'");
  }
  user.role = *parsed;
  user.team = rows.OptionalText(row, 3);
  user.created_at = rows.Int64(row, 4);
  return user;
}

}  // namespace taskshare::postgres
