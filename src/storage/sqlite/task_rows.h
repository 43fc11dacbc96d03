// The mapping between the SQLite backend's rows and the domain's values: decoding task and user
// rows read by a Statement, and reading one task's row by id. The text forms shared with the other backends
// (secret names, enum spellings, message checksums) and the rules for corrupt values are in
// storage/task_codec.h.
//
// The database is trusted no more than any other input: a task column whose value the domain cannot
// represent (an unknown enum spelling, a boolean other than 0 or 1, unreadable JSON) is reported as
// kInternal "Failed to load snapshot" naming the task and the column, never returned as a value.
//
// Everything here is a pure function of its arguments and safe to call from any thread; a Statement
// passed in is only read, under the thread rules of storage/sqlite/db.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"
#include "domain/messages.h"
#include "domain/task.h"
#include "domain/user.h"
#include "storage/schedule_codec.h"
#include "storage/sqlite/db.h"
#include "storage/task_codec.h"

// The share settings of a task row (migration 5), in the order of TaskColumn.
#define TASKSHARE_SHARE_COLUMNS                                                    \
  "t.share_mode, t.share_pinned_messages, t.share_pinned_at, t.share_expires_at, " \
  "t.share_show_creator, t.share_redact "

// The columns every task query selects, in the order of TaskColumn, followed by the FROM clause
// that provides them: "SELECT " TASKSHARE_TASK_COLUMNS "WHERE ...". A macro so that each query
// stays one compile-time string literal.
// The column after t.schedule_info is the task's linked schedule (storage/schedule_codec.h).
#define TASKSHARE_TASK_COLUMNS                                                              \
  "t.seq, t.id, t.owner_id, u.email, u.team, t.title, t.status, t.visibility, t.source, "   \
  "t.completion_delivery, t.is_isolated, t.is_scheduled, t.model, t.project_id, "           \
  "t.secret_names, t.schedule_info, "                                                       \
  "(SELECT json_array(" TASKSHARE_LINKED_SCHEDULE_FIELDS ")" TASKSHARE_LINKED_SCHEDULE_FROM \
  "), "                                                                                     \
  "t.created_at, t.updated_at, t.message_count, " TASKSHARE_SHARE_COLUMNS                   \
  "FROM tasks t JOIN users u ON u.id = t.owner_id "

namespace taskshare::sqlite {

// The index of each column of TASKSHARE_TASK_COLUMNS; the two must change together.
// clang-format off
enum TaskColumn : int {
  kSeqColumn, kIdColumn, kOwnerIdColumn, kEmailColumn, kTeamColumn, kTitleColumn, kStatusColumn,
  kVisibilityColumn, kSourceColumn, kCompletionDeliveryColumn, kIsIsolatedColumn,
  kIsScheduledColumn, kModelColumn, kProjectIdColumn, kSecretNamesColumn, kScheduleInfoColumn,
  kLinkedScheduleColumn, kCreatedAtColumn, kUpdatedAtColumn, kMessageCountColumn,
  kShareModeColumn, kSharePinnedMessagesColumn, kSharePinnedAtColumn, kShareExpiresAtColumn,
  kShareShowCreatorColumn, kShareRedactColumn
};
// clang-format on

// A task row together with the message count it records, which GetSnapshot checks against the
// messages actually stored.
struct StoredTask {
  Task task;
  std::int64_t message_count = 0;
};

// Decodes the current row of `row`, a query selecting TASKSHARE_TASK_COLUMNS. On failure, kInternal
// "Failed to load snapshot" for the first corrupt column found (see CorruptTask).
Result<StoredTask> ReadTaskRow(const Statement& row);

// Reads and decodes the row of task `id` inside the caller's transaction, if any. kNotFound "Task not
// found" if there is none.
Result<StoredTask> LoadTask(Connection& conn, std::string_view id);

// Decodes the current row of `row`, a query selecting (id, email, role, team, created_at). On
// failure, kInternal "storage error" if the role is not one the domain knows.
Result<User> ReadUserRow(const Statement& row);

// The rowid of a task's message: task_seq * 2^24 + position, so that a task's messages are one range
// of the table's own B-tree, read in position order without an index (migration 9). Positions stay
// below 2^24 because no task holds more than kMaxMessagesPerTask messages (domain/messages.h), and
// seqs below 2^39 (half a trillion tasks) keep the rowid within 63 bits.
inline constexpr int kMessageRowidShift = 24;
static_assert(kMaxMessagesPerTask < (std::int64_t{1} << kMessageRowidShift),
              "a task's positions must fit in its rowid range");
inline constexpr std::int64_t MessageRowid(std::int64_t task_seq, std::int64_t position) {
  return (task_seq << kMessageRowidShift) + position;
}
// The rowids task `task_seq`'s messages may have: [MessageRowid(seq, 0), LastMessageRowid(seq)].
inline constexpr std::int64_t LastMessageRowid(std::int64_t task_seq) {
  return MessageRowid(task_seq, kMaxMessagesPerTask);
}

// The stored form of a boolean: 1 or 0.
inline std::int64_t BoolInt(bool value) { return value ? 1 : 0; }

}  // namespace taskshare::sqlite
