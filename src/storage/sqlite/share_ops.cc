// The share-settings methods of SqliteStore (see storage/store.h for their contract). Each takes a
// connection from the pool for the length of the call and runs in one IMMEDIATE write transaction, so
// the message count a pin reads is the one appends have committed, and none can slip in between; and
// no schedule's run can slip between UnshareAll's change of the schedules and that of the tasks.
#include <string>
#include <utility>
#include <vector>

#include "domain/enums.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/task_rows.h"

namespace taskshare {
namespace {

using sqlite::BoolInt;
using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::LoadTask;
using sqlite::Statement;
using sqlite::StoredTask;
using sqlite::Transaction;
using sqlite::TxMode;

// The pin is the message count this statement reads: under the write lock, the count of every append
// committed before it and of none after.
constexpr std::string_view kShareTaskSql =
    "UPDATE tasks SET visibility = ?2, share_mode = ?3, "
    "share_pinned_messages = CASE WHEN ?3 = ?8 THEN message_count END, "
    "share_pinned_at = CASE WHEN ?3 = ?8 THEN ?4 END, "
    "share_expires_at = ?5, share_show_creator = ?6, share_redact = ?7, updated_at = ?4 "
    "WHERE id = ?1";

// The settings a task returns to when it stops being shared: the column defaults of migration 5.
#define TASKSHARE_UNSHARED_SETTINGS                                                                     \
  "visibility = 'private', share_mode = 'live', share_pinned_messages = NULL, share_pinned_at = NULL, " \
  "share_expires_at = NULL, share_show_creator = 0, share_redact = 1 "

constexpr std::string_view kUnshareTaskSql =
    "UPDATE tasks SET " TASKSHARE_UNSHARED_SETTINGS ", updated_at = ?2 WHERE id = ?1";

// Revoke-all: ?3 and ?4 are the visibilities a share link serves (domain/access.h, IsShared), ?5
// private. The schedules that would create shared tasks are made to create private ones in the same
// transaction (a deleted schedule never runs again and keeps its row as it was).
constexpr std::string_view kUnshareAllSql = "UPDATE tasks SET " TASKSHARE_UNSHARED_SETTINGS
                                            ", updated_at = ?2 "
                                            "WHERE owner_id = ?1 AND visibility IN (?3, ?4) RETURNING id";
constexpr std::string_view kUnshareSchedulesSql =
    "UPDATE schedules SET visibility = ?5, updated_at = ?2 "
    "WHERE owner_id = ?1 AND deleted_at IS NULL AND visibility IN (?3, ?4) RETURNING id";

// The first column of every row of `sql`, run with `args`.
template <typename... Args>
Result<std::vector<std::string>> Ids(Connection& conn, std::string_view sql, const Args&... args) {
  Result<Statement> stmt = conn.Query(sql, args...);
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> ids;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return ids;
    ids.push_back(stmt->ColumnText(0));
  }
}

// Runs `sql` (an UPDATE of one task's row by id, its parameters `args`) and returns the updated task.
template <typename... Args>
Result<Task> UpdateAndLoad(ConnectionPool& pool, std::string_view id, std::string_view sql,
                           const Args&... args) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = conn->Run(sql, id, args...); !s.ok()) return s;
  if (conn->Changes() == 0) return Status::NotFound("Task not found");
  Result<StoredTask> stored = LoadTask(*conn, id);
  if (!stored.ok()) return stored.status();
  if (Status s = tx->Commit(); !s.ok()) return s;
  return std::move(stored->task);
}

// UnshareAll's transaction.
Result<RevokedSharing> RevokeSharing(ConnectionPool& pool, std::string_view owner_id, UnixMicros now) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  const std::string_view is_public = ToString(Visibility::kPublic);
  const std::string_view unlisted = ToString(Visibility::kUnlisted);
  Result<std::vector<std::string>> schedules =
      Ids(*conn, kUnshareSchedulesSql, owner_id, now, is_public, unlisted, ToString(Visibility::kPrivate));
  if (!schedules.ok()) return schedules.status();
  Result<std::vector<std::string>> tasks = Ids(*conn, kUnshareAllSql, owner_id, now, is_public, unlisted);
  if (!tasks.ok()) return tasks.status();
  if (Status s = tx->Commit(); !s.ok()) return s;
  return RevokedSharing{std::move(*tasks), std::move(*schedules)};
}

}  // namespace

Result<Task> SqliteStore::ShareTask(std::string_view id, const ShareRequest& request, UnixMicros now) {
  Result<Task> shared =
      UpdateAndLoad(*pool_, id, kShareTaskSql, ToString(request.visibility), ToString(request.mode), now,
                    request.expires_at, BoolInt(request.show_creator), BoolInt(request.redact),
                    ToString(ShareMode::kPinned));
  changes_.Task(id, shared.outcome());
  return shared;
}

Result<Task> SqliteStore::UnshareTask(std::string_view id, UnixMicros now) {
  Result<Task> unshared = UpdateAndLoad(*pool_, id, kUnshareTaskSql, now);
  changes_.Task(id, unshared.outcome());
  return unshared;
}

Result<RevokedSharing> SqliteStore::UnshareAll(std::string_view owner_id, UnixMicros now) {
  Result<RevokedSharing> revoked = RevokeSharing(*pool_, owner_id, now);
  changes_.Unshared(revoked);
  return revoked;
}

}  // namespace taskshare
