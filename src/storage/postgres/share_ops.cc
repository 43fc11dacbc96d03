// The share-settings methods of PostgresStore (see storage/store.h for their contract), on the primary.
// Each is one transaction: the UPDATE locks the task rows it changes, so a pin reads the message count
// of every append committed before it (appends lock the same row first), and the trigger of migration 2
// announces each changed task to the other nodes when it commits; once it has ended, the changed tasks
// are reported to this process (ChangeReports). UnshareAll updates the owner's schedules before their
// tasks (see kUnshareSchedulesSql for why). Thread-safe as the pool is.
#include <string>
#include <utility>
#include <vector>

#include "domain/enums.h"
#include "storage/change_reports.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/task_rows.h"

namespace taskshare {
namespace {

using postgres::ConnectionPool;
using postgres::ReadTaskRow;
using postgres::Rows;
using postgres::StoredTask;
using postgres::Transaction;
using postgres::TxMode;

using Lease = ConnectionPool::Lease;

// In read committed, an UPDATE that waited for a concurrent append's row lock evaluates message_count
// on the row that append committed, so the pin never misses a message acknowledged before it.
constexpr std::string_view kShareTaskSql =
    "UPDATE tasks t SET visibility = $2::text, share_mode = $3::text, "
    "share_pinned_messages = CASE WHEN $3::text = $8::text THEN t.message_count END, "
    "share_pinned_at = CASE WHEN $3::text = $8::text THEN $4::bigint END, "
    "share_expires_at = $5::bigint, share_show_creator = $6::boolean, share_redact = $7::boolean, "
    "updated_at = $4::bigint "
    "FROM users u WHERE t.id = $1 AND u.id = t.owner_id "
    "RETURNING " TASKSHARE_PG_TASK_COLUMNS;

// The settings a task returns to when it stops being shared: the column defaults of migration 5.
#define TASKSHARE_PG_UNSHARED_SETTINGS                                                                  \
  "visibility = 'private', share_mode = 'live', share_pinned_messages = NULL, share_pinned_at = NULL, " \
  "share_expires_at = NULL, share_show_creator = false, share_redact = true "

constexpr std::string_view kUnshareTaskSql = "UPDATE tasks t SET " TASKSHARE_PG_UNSHARED_SETTINGS
                                             ", updated_at = $2::bigint "
                                             "FROM users u WHERE t.id = $1 AND u.id = t.owner_id "
                                             "RETURNING " TASKSHARE_PG_TASK_COLUMNS;

// Revoke-all: $3 and $4 are the visibilities a share link serves (domain/access.h, IsShared), $5
// private. The trigger fires for each task row, so each task is announced. The schedules that would
// create shared tasks are made to create private ones first (a deleted schedule never runs again and
// keeps its row as it was): their UPDATE waits for the row lock of a run in progress (which holds it
// until it commits, storage/postgres/schedule_ops.h), and the tasks' UPDATE, a later statement of this
// read-committed transaction, then sees the task that run created and unshares it too.
constexpr std::string_view kUnshareSchedulesSql =
    "UPDATE schedules SET visibility = $5::text, updated_at = $2::bigint "
    "WHERE owner_id = $1 AND deleted_at IS NULL AND visibility IN ($3::text, $4::text) RETURNING id";
constexpr std::string_view kUnshareAllSql =
    "UPDATE tasks SET " TASKSHARE_PG_UNSHARED_SETTINGS
    ", updated_at = $2::bigint "
    "WHERE owner_id = $1 AND visibility IN ($3::text, $4::text) RETURNING id";

// The first column of every row of `rows`.
std::vector<std::string> Ids(const Rows& rows) {
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) ids.push_back(rows.Text(i, 0));
  return ids;
}

// Runs `sql` (an UPDATE ... RETURNING the task columns of one task, its parameters `args`) in a
// transaction of its own and returns the updated task.
template <typename... Args>
Result<Task> UpdateAndRead(ConnectionPool& pool, std::string_view sql, const Args&... args) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> rows = (*conn)->Query(sql, args...);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Task not found");
  Result<StoredTask> stored = ReadTaskRow(*rows, 0);
  if (!stored.ok()) return stored.status();
  if (Status s = tx->Commit(); !s.ok()) return s;
  return std::move(stored->task);
}

// UnshareAll's write, which PostgresStore::UnshareAll reports.
Result<RevokedSharing> RevokeAll(ConnectionPool& pool, std::string_view owner_id, UnixMicros now) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  const std::string_view is_public = ToString(Visibility::kPublic);
  const std::string_view unlisted = ToString(Visibility::kUnlisted);
  Result<Rows> schedules = (*conn)->Query(kUnshareSchedulesSql, owner_id, now, is_public, unlisted,
                                          ToString(Visibility::kPrivate));
  if (!schedules.ok()) return schedules.status();
  Result<Rows> tasks = (*conn)->Query(kUnshareAllSql, owner_id, now, is_public, unlisted);
  if (!tasks.ok()) return tasks.status();
  if (Status s = tx->Commit(); !s.ok()) return s;
  return RevokedSharing{Ids(*tasks), Ids(*schedules)};
}

}  // namespace

Result<Task> PostgresStore::ShareTask(std::string_view id, const ShareRequest& request, UnixMicros now) {
  Result<Task> r =
      UpdateAndRead(*pool_, kShareTaskSql, id, ToString(request.visibility), ToString(request.mode), now,
                    request.expires_at, request.show_creator, request.redact, ToString(ShareMode::kPinned));
  changes_.Task(id, r.outcome());
  return r;
}

Result<Task> PostgresStore::UnshareTask(std::string_view id, UnixMicros now) {
  Result<Task> r = UpdateAndRead(*pool_, kUnshareTaskSql, id, now);
  changes_.Task(id, r.outcome());
  return r;
}

Result<RevokedSharing> PostgresStore::UnshareAll(std::string_view owner_id, UnixMicros now) {
  Result<RevokedSharing> r = RevokeAll(*pool_, owner_id, now);
  changes_.Unshared(r);
  return r;
}

}  // namespace taskshare
