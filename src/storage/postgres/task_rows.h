// The mapping between the PostgreSQL backend's rows and the domain's values: decoding the task and
// user rows of a query's result. The text forms shared with the other backends and the rules for
// corrupt values are in storage/task_codec.h: a task column whose value the domain cannot represent
// is reported as kInternal "Failed to load snapshot" naming the task and the column.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "domain/task.h"
#include "domain/user.h"
#include "storage/postgres/connection.h"
#include "storage/schedule_codec.h"

// The columns every task query selects, in the order of TaskColumn, and the FROM clause that
// provides them: "SELECT " TASKSHARE_PG_TASK_COLUMNS TASKSHARE_PG_TASK_FROM "WHERE ...". Macros so
// that each query stays one compile-time string literal. The columns are qualified by t (tasks) and
// u (users), so an UPDATE tasks t ... FROM users u can return them too.
// The column after t.schedule_info is the task's linked schedule (storage/schedule_codec.h): a
// correlated subquery, which unlike a join also works in UPDATE tasks t ... RETURNING.
#define TASKSHARE_PG_TASK_COLUMNS                                                                 \
  "t.seq, t.id, t.owner_id, u.email, u.team, t.title, t.status, t.visibility, t.source, "         \
  "t.completion_delivery, t.is_isolated, t.is_scheduled, t.model, t.project_id, "                 \
  "t.secret_names, t.schedule_info, "                                                             \
  "(SELECT json_build_array(" TASKSHARE_LINKED_SCHEDULE_FIELDS ")" TASKSHARE_LINKED_SCHEDULE_FROM \
  "), "                                                                                           \
  "t.created_at, t.updated_at, t.message_count, "                                                 \
  "t.share_mode, t.share_pinned_messages, t.share_pinned_at, t.share_expires_at, "                \
  "t.share_show_creator, t.share_redact "
#define TASKSHARE_PG_TASK_FROM "FROM tasks t JOIN users u ON u.id = t.owner_id "

namespace taskshare::postgres {

// The index of each column of TASKSHARE_PG_TASK_COLUMNS; the two must change together.
// clang-format off
enum TaskColumn : int {
  kSeqColumn, kIdColumn, kOwnerIdColumn, kEmailColumn, kTeamColumn, kTitleColumn, kStatusColumn,
  kVisibilityColumn, kSourceColumn, kCompletionDeliveryColumn, kIsIsolatedColumn,
  kIsScheduledColumn, kModelColumn, kProjectIdColumn, kSecretNamesColumn, kScheduleInfoColumn,
  kLinkedScheduleColumn, kCreatedAtColumn, kUpdatedAtColumn, kMessageCountColumn,
  kShareModeColumn, kSharePinnedMessagesColumn, kSharePinnedAtColumn, kShareExpiresAtColumn,
  kShareShowCreatorColumn, kShareRedactColumn, kTaskColumnCount
};
// clang-format on

// A task row together with the message count it records, which GetSnapshot checks against the
// messages actually stored.
struct StoredTask {
  Task task;
  std::int64_t message_count = 0;
};

// Decodes row `row` of `rows`, a result selecting TASKSHARE_PG_TASK_COLUMNS. kInternal "Failed to
// load snapshot" for the first corrupt column found.
Result<StoredTask> ReadTaskRow(const Rows& rows, int row);

// Decodes row `row` of `rows`, a result selecting (id, email, role, team, created_at). kInternal
// "storage error" if the role is not one the domain knows.
Result<User> ReadUserRow(const Rows& rows, int row);

}  // namespace taskshare::postgres
