#include "storage/postgres/postgres_store.h"

#include <string>
#include <utility>

#include "common/time.h"
#include "domain/enums.h"
#include "domain/task_json.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/message_rows.h"
#include "storage/postgres/migrations.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/schedule_ops.h"
#include "storage/postgres/settings.h"
#include "storage/postgres/snapshot_reads.h"
#include "storage/postgres/task_rows.h"
#include "storage/task_codec.h"

namespace taskshare {
namespace {

using postgres::Connection;
using postgres::ConnectionPool;
using postgres::CurrentOnPrimary;
using postgres::FirstOfEachKey;
using postgres::InsertMessages;
using postgres::MessageTotals;
using postgres::ReadSnapshot;
using postgres::ReadTaskRow;
using postgres::Rows;
using postgres::StoredTask;
using postgres::Transaction;
using postgres::TxMode;
using postgres::VersionedSnapshot;

using Lease = ConnectionPool::Lease;

constexpr std::string_view kTaskByIdSql =
    "SELECT " TASKSHARE_PG_TASK_COLUMNS TASKSHARE_PG_TASK_FROM "WHERE t.id = $1";

Result<StoredTask> LoadTask(Connection& conn, std::string_view id) {
  Result<Rows> rows = conn.Query(kTaskByIdSql, id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Task not found");
  return ReadTaskRow(*rows, 0);
}

}  // namespace

PostgresStore::PostgresStore(std::unique_ptr<ConnectionPool> pool, std::unique_ptr<ConnectionPool> replica,
                             const Quotas& quotas, ChangeListener* changes)
    : pool_(std::move(pool)), replica_(std::move(replica)), quotas_(quotas), changes_(changes) {}

PostgresStore::~PostgresStore() = default;

namespace {

// Inserts the task only if its owner exists and its id is free; returns its seq, or no row when
// either check fails. ON CONFLICT waits for a concurrent insert of the same id and then skips, so
// a race is told apart from success without an error. The id of a deleted task fails the statement
// with unique_violation (the trigger of migration 9).
constexpr std::string_view kInsertTaskSql =
    "INSERT INTO tasks(id, owner_id, title, status, visibility, source, completion_delivery, "
    "is_isolated, is_scheduled, model, project_id, secret_names, schedule_info, created_at, "
    "updated_at, message_count, message_bytes) "
    "SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::boolean, "
    "$9::boolean, $10::text, $11::text, $12::text, $13::text, $14::bigint, $15::bigint, $16::bigint, "
    "$17::bigint "
    "WHERE EXISTS (SELECT 1 FROM users WHERE id = $2::text) "
    "ON CONFLICT (id) DO NOTHING RETURNING seq";
// The tasks the owner holds, the new one included: the insert's trigger (migration 11) has counted it
// and holds the owner's row until this transaction ends, so creates for one user take turns from here
// and each reads the count the one before it committed.
constexpr std::string_view kTasksHeldSql = "SELECT task_count FROM users WHERE id = $1";
// After an insert that did nothing: whether the id is taken, by a task or by a deleted one. The insert
// may have met a task whose delete committed before this statement began (read committed: a new
// snapshot), so deleted_tasks answers too.
constexpr std::string_view kTaskIdTakenSql =
    "SELECT 1 FROM tasks WHERE id = $1 UNION ALL SELECT 1 FROM deleted_tasks WHERE id = $1";

// CreateTask's write, which PostgresStore::CreateTask reports.
Status InsertTask(ConnectionPool& pool, const Quotas& quotas, const Task& task,
                  const std::vector<NewMessage>& messages) {
  // A new task has no stored keys yet, so the messages kept are exactly those stored.
  const std::vector<const NewMessage*> kept = FirstOfEachKey(messages);
  MessageTotals totals{static_cast<std::int64_t>(kept.size()), 0};
  for (const NewMessage* message : kept) totals.bytes += static_cast<std::int64_t>(message->json.size());
  std::optional<std::string> schedule_info;
  if (task.schedule_info) schedule_info = ScheduleInfoToText(*task.schedule_info);

  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> inserted = (*conn)->Query(
      kInsertTaskSql, task.id, task.owner_id, task.title, ToString(task.status), ToString(task.visibility),
      ToString(task.source), OptionalEnumText(task.completion_delivery), task.is_isolated, task.is_scheduled,
      task.model, task.project_id, SecretNamesToText(task.secret_names), schedule_info, task.created_at,
      task.updated_at, totals.count, totals.bytes);
  if (!inserted.ok()) {
    if ((*conn)->last_sqlstate() == postgres::kUniqueViolation) {
      return Status::AlreadyExists("Task id is already taken");
    }
    return inserted.status();
  }
  if (inserted->empty()) {
    Result<Rows> taken = (*conn)->Query(kTaskIdTakenSql, task.id);
    if (!taken.ok()) return taken.status();
    if (!taken->empty()) return Status::AlreadyExists("Task already exists");
    return Status::NotFound("User not found");
  }
  const std::int64_t seq = inserted->Int64(0, 0);
  Result<Rows> held = (*conn)->Query(kTasksHeldSql, task.owner_id);
  if (!held.ok()) return held.status();
  if (held->empty()) return Status::NotFound("User not found");
  if (Status s = CheckTasksHeld(quotas, held->Int64(0, 0)); !s.ok()) return s;
  Result<MessageTotals> stored = InsertMessages(**conn, seq, {}, kept, &quotas);
  if (!stored.ok()) return stored.status();
  if (stored->count != totals.count) {
    return Status::Internal("storage error", "task " + task.id + ": stored " + std::to_string(stored->count) +
                                                 " of " + std::to_string(totals.count) + " new messages");
  }
  return tx->Commit();
}

}  // namespace

Status PostgresStore::CreateTask(const Task& task, const std::vector<NewMessage>& messages) {
  const Status status = InsertTask(*pool_, quotas_, task, messages);
  changes_.Task(task.id, status);
  return status;
}

Result<Task> PostgresStore::GetTask(std::string_view id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<StoredTask> stored = LoadTask(**conn, id);
  if (!stored.ok()) return stored.status();
  return std::move(stored->task);
}

Result<TaskSnapshot> PostgresStore::GetSnapshot(std::string_view id) {
  // With a replica: its copy is served only once the primary confirms it is current. A replica that
  // lags (or lacks the task, or is unreachable, or holds a damaged row) costs a read on the primary,
  // never a stale answer: revoking, changing or deleting a task changes its row on the primary first.
  if (replica_) {
    Result<VersionedSnapshot> replicated = ReadSnapshot(*replica_, id);
    if (replicated.ok()) {
      Result<bool> current = CurrentOnPrimary(*pool_, id, *replicated);
      if (!current.ok()) return current.status();
      if (*current) return std::move(replicated->snapshot);
    }
  }
  Result<VersionedSnapshot> read = ReadSnapshot(*pool_, id);
  if (!read.ok()) return read.status();
  return std::move(read->snapshot);
}

// PostgreSQL keeps no message blocks: a share response is made from the rows.
Result<ShareSnapshot> PostgresStore::GetShareSnapshot(std::string_view id) {
  Result<TaskSnapshot> snapshot = GetSnapshot(id);
  if (!snapshot.ok()) return snapshot.status();
  return ShareSnapshot(std::move(*snapshot));
}

namespace {

// FOR UPDATE makes appends to one task take turns: the next one reads the count (and, in its next
// statement, the keys) that the previous one committed.
// So does the byte limit: no two appends can pass it together.
constexpr std::string_view kLockTaskSql =
    "SELECT seq, message_count, message_bytes FROM tasks WHERE id = $1 FOR UPDATE";
constexpr std::string_view kAddMessagesSql =
    "UPDATE tasks SET message_count = $2, message_bytes = $3, updated_at = $4 WHERE seq = $1";

// AppendMessages' write, which PostgresStore::AppendMessages reports.
Result<AppendResult> AppendToTask(ConnectionPool& pool, const Quotas& quotas, std::string_view id,
                                  const std::vector<NewMessage>& messages, UnixMicros now) {
  const std::vector<const NewMessage*> kept = FirstOfEachKey(messages);
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> task = (*conn)->Query(kLockTaskSql, id);
  if (!task.ok()) return task.status();
  if (task->empty()) return Status::NotFound("Task not found");
  const std::int64_t seq = task->Int64(0, 0);
  const MessageTotals before{task->Int64(0, 1), task->Int64(0, 2)};
  Result<MessageTotals> added = InsertMessages(**conn, seq, before, kept, &quotas);
  if (!added.ok()) return added.status();
  const AppendResult result{added->count, before.count + added->count};
  if (result.appended > 0) {
    Result<Rows> updated =
        (*conn)->Query(kAddMessagesSql, seq, result.message_count, before.bytes + added->bytes, now);
    if (!updated.ok()) return updated.status();
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  return result;
}

}  // namespace

Result<AppendResult> PostgresStore::AppendMessages(std::string_view id,
                                                   const std::vector<NewMessage>& messages, UnixMicros now) {
  Result<AppendResult> r = AppendToTask(*pool_, quotas_, id, messages, now);
  if (!r.ok() || r->appended > 0) changes_.Task(id, r.outcome());
  return r;
}

namespace {

// The update and the read of the updated row are one statement; the transaction keeps the update
// from being committed when the row cannot be read back, as on SQLite.
constexpr std::string_view kPatchTaskSql =
    "UPDATE tasks t SET title = COALESCE($2, t.title), status = COALESCE($3, t.status), "
    "visibility = COALESCE($4, t.visibility), model = COALESCE($5, t.model), updated_at = $6 "
    "FROM users u WHERE t.id = $1 AND u.id = t.owner_id "
    "RETURNING " TASKSHARE_PG_TASK_COLUMNS;

// UpdateTask's write, which PostgresStore::UpdateTask reports.
Result<Task> PatchTask(ConnectionPool& pool, std::string_view id, const TaskPatch& patch, UnixMicros now) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> rows = (*conn)->Query(kPatchTaskSql, id, patch.title, OptionalEnumText(patch.status),
                                     OptionalEnumText(patch.visibility), patch.model, now);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Task not found");
  Result<StoredTask> stored = ReadTaskRow(*rows, 0);
  if (!stored.ok()) return stored.status();
  // After the patch has locked the task's row, as a delete does before it touches the execution, so
  // that the two cannot deadlock; an execution that moved is read back with the task.
  Result<bool> synced = postgres::SyncExecution(**conn, id, patch.status, now);
  if (!synced.ok()) return synced.status();
  if (*synced) stored = LoadTask(**conn, id);
  if (!stored.ok()) return stored.status();
  if (Status s = tx->Commit(); !s.ok()) return s;
  return std::move(stored->task);
}

}  // namespace

Result<Task> PostgresStore::UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) {
  Result<Task> r = PatchTask(*pool_, id, patch, now);
  changes_.Task(id, r.outcome());
  return r;
}

namespace {

// The delete's trigger (migration 11) updates the owner's row, which every write holding both an
// owner's row and a task's row takes first: a create counts its task before anything else, and a
// schedule's run counts its new task before it touches the schedule's earlier ones. So a delete takes
// the owner's row before the task's, or it could hold the task a run is about to touch while waiting
// for the owner's row that run holds.
constexpr std::string_view kLockOwnerOfTaskSql =
    "SELECT 1 FROM users u JOIN tasks t ON t.owner_id = u.id WHERE t.id = $1 FOR NO KEY UPDATE OF u";
// The task's messages go with it (ON DELETE CASCADE), and its id into deleted_tasks, all in one
// statement; the count of rows is that of the ids recorded.
constexpr std::string_view kDeleteTaskSql =
    "WITH gone AS (DELETE FROM tasks WHERE id = $1 RETURNING id) "
    "INSERT INTO deleted_tasks(id, deleted_at) SELECT id, $2::bigint FROM gone";

// DeleteTask's write, which PostgresStore::DeleteTask reports.
Status RemoveTask(ConnectionPool& pool, std::string_view id) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> owner = (*conn)->Query(kLockOwnerOfTaskSql, id);
  if (!owner.ok()) return owner.status();
  if (owner->empty()) return Status::NotFound("Task not found");
  Result<Rows> deleted = (*conn)->Query(kDeleteTaskSql, id, NowMicros());
  if (!deleted.ok()) return deleted.status();
  // Deleted by a concurrent call since the owner's row was locked.
  if (deleted->affected() == 0) return Status::NotFound("Task not found");
  return tx->Commit();
}

}  // namespace

Status PostgresStore::DeleteTask(std::string_view id) {
  const Status status = RemoveTask(*pool_, id);
  changes_.Task(id, status);
  return status;
}

namespace {

// The kill switch: instance_settings' one row, none meaning on. The table's trigger (migration 8)
// announces every write to the change feed when it commits.
constexpr std::string_view kSharingEnabledSql = "SELECT sharing_enabled FROM instance_settings WHERE id = 1";
constexpr std::string_view kSetSharingEnabledSql =
    "INSERT INTO instance_settings(id, sharing_enabled) VALUES (1, $1::boolean) "
    "ON CONFLICT (id) DO UPDATE SET sharing_enabled = EXCLUDED.sharing_enabled";

}  // namespace

Result<bool> PostgresStore::GetSharingEnabled() {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kSharingEnabledSql);
  if (!rows.ok()) return rows.status();
  return rows->empty() || rows->View(0, 0) == "t";
}

Status PostgresStore::SetSharingEnabled(bool enabled) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> stored = (*conn)->Query(kSetSharingEnabledSql, enabled);
  return stored.outcome();
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  if (Status s = postgres::CheckUrl(options.url); !s.ok()) return s;
  if (!options.replica_url.empty()) {
    if (Status s = postgres::CheckUrl(options.replica_url); !s.ok()) {
      return Status::InvalidArgument("replica: " + s.message());
    }
  }
  if (options.connect_timeout_s < 0 || options.lock_timeout_ms < 0 || options.statement_timeout_ms < 0 ||
      options.tcp_user_timeout_ms < 0) {
    return Status::InvalidArgument("PostgreSQL timeouts must not be negative");
  }
  Result<std::unique_ptr<ConnectionPool>> pool = ConnectionPool::Open(
      postgres::SettingsFor(options, options.url, postgres::kPoolApplication), options.connections);
  if (!pool.ok()) return pool.status();
  {
    Result<Lease> conn = (*pool)->Acquire();
    if (!conn.ok()) return conn.status();
    if (Status s = postgres::ApplyMigrations(**conn); !s.ok()) return s;
  }
  std::unique_ptr<ConnectionPool> replica;
  if (!options.replica_url.empty()) {
    Result<std::unique_ptr<ConnectionPool>> opened = ConnectionPool::Open(
        postgres::SettingsFor(options, options.replica_url, postgres::kReplicaApplication),
        options.connections);
    if (!opened.ok())
      return Status::Unavailable("service unavailable", "read replica: " + opened.status().detail());
    replica = std::move(*opened);
  }
  return std::unique_ptr<Store>(
      std::make_unique<PostgresStore>(std::move(*pool), std::move(replica), options.quotas, options.changes));
}

}  // namespace taskshare
