#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <span>
#include <string>
#include <utility>

#include "common/time.h"
#include "domain/enums.h"
#include "domain/messages.h"
#include "domain/task_json.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/group_commit.h"
#include "storage/sqlite/message_rows.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/schedule_ops.h"
#include "storage/sqlite/task_rows.h"
#include "storage/task_codec.h"

namespace taskshare {
namespace {

using sqlite::BoolInt;
using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::InsertMessages;
using sqlite::LastMessageRowid;
using sqlite::LoadTask;
using sqlite::MessageRowid;
using sqlite::MessageTotals;
using sqlite::PendingAppend;
using sqlite::ReadTaskRow;
using sqlite::Statement;
using sqlite::StoredTask;
using sqlite::Transaction;
using sqlite::TxMode;

// ---- Queries shared by several operations, run inside the caller's transaction ----

// The seq, message_count and message_bytes of task `id`.
constexpr std::string_view kTaskRefSql = "SELECT seq, message_count, message_bytes FROM tasks WHERE id = ?1";

struct TaskRef {
  std::int64_t seq = 0;
  MessageTotals messages;
};

Result<TaskRef> FindTaskRef(Connection& conn, std::string_view id) {
  Result<Statement> stmt = conn.Query(kTaskRefSql, id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("Task not found");
  return TaskRef{stmt->ColumnInt64(0), {stmt->ColumnInt64(1), stmt->ColumnInt64(2)}};
}

// The tasks the user holds, kept by the triggers of migration 14.
constexpr std::string_view kTasksHeldSql = "SELECT task_count FROM users WHERE id = ?1";

Result<std::int64_t> TasksHeld(Connection& conn, std::string_view owner_id) {
  Result<Statement> stmt = conn.Query(kTasksHeldSql, owner_id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("User not found");
  return stmt->ColumnInt64(0);
}

}  // namespace

// ---- The store ----

// An append waiting for its group's commit.
struct sqlite::PendingAppend {
  std::string_view id;
  const std::vector<NewMessage>* messages;
  UnixMicros now;
  Result<AppendResult> result;
};

SqliteStore::SqliteStore(std::unique_ptr<ConnectionPool> pool, const Quotas& quotas, ChangeListener* changes)
    : pool_(std::move(pool)), quotas_(quotas), changes_(changes) {}

SqliteStore::~SqliteStore() = default;

namespace {

// Runs a query of one parameter: true if it returns a row.
Result<bool> Exists(Connection& conn, std::string_view sql, std::string_view param) {
  Result<Statement> stmt = conn.Query(sql, param);
  if (!stmt.ok()) return stmt.status();
  return stmt->Step();
}

constexpr std::string_view kTaskIdTakenSql = "SELECT 1 FROM tasks WHERE id = ?1";
constexpr std::string_view kTaskIdDeletedSql = "SELECT 1 FROM deleted_tasks WHERE id = ?1";
constexpr std::string_view kUserExistsSql = "SELECT 1 FROM users WHERE id = ?1";
constexpr std::string_view kInsertTaskSql =
    "INSERT INTO tasks(id, owner_id, title, status, visibility, source, completion_delivery, "
    "is_isolated, is_scheduled, model, project_id, secret_names, schedule_info, created_at, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr std::string_view kSetMessageTotalsSql =
    "UPDATE tasks SET message_count = ?2, message_bytes = ?3 WHERE seq = ?1";

// CreateTask's transaction.
Status InsertTask(ConnectionPool& pool, const Quotas& quotas, const Task& task,
                  const std::vector<NewMessage>& messages) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<bool> taken = Exists(*conn, kTaskIdTakenSql, task.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("Task already exists");
  // Under the write lock, so no delete can commit between this check and the insert; the trigger of
  // migration 12 refuses the insert anyway.
  Result<bool> deleted = Exists(*conn, kTaskIdDeletedSql, task.id);
  if (!deleted.ok()) return deleted.status();
  if (*deleted) return Status::AlreadyExists("Task id is already taken");
  Result<bool> owner = Exists(*conn, kUserExistsSql, task.owner_id);
  if (!owner.ok()) return owner.status();
  if (!*owner) return Status::NotFound("User not found");

  std::optional<std::string> schedule_info;
  if (task.schedule_info) schedule_info = ScheduleInfoToText(*task.schedule_info);
  Status s =
      conn->Run(kInsertTaskSql, task.id, task.owner_id, task.title, ToString(task.status),
                ToString(task.visibility), ToString(task.source), OptionalEnumText(task.completion_delivery),
                BoolInt(task.is_isolated), BoolInt(task.is_scheduled), task.model, task.project_id,
                SecretNamesToText(task.secret_names), schedule_info, task.created_at, task.updated_at);
  if (!s.ok()) return s;
  const std::int64_t seq = conn->LastInsertRowId();
  // Counted by the insert's trigger, under the write lock: no other create can pass the limit with it.
  Result<std::int64_t> held = TasksHeld(*conn, task.owner_id);
  if (!held.ok()) return held.status();
  if (s = CheckTasksHeld(quotas, *held); !s.ok()) return s;
  Result<MessageTotals> stored = InsertMessages(*conn, seq, {}, messages, &quotas);
  if (!stored.ok()) return stored.status();
  if (stored->count > 0) s = conn->Run(kSetMessageTotalsSql, seq, stored->count, stored->bytes);
  if (!s.ok()) return s;
  return tx->Commit();
}

}  // namespace

Status SqliteStore::CreateTask(const Task& task, const std::vector<NewMessage>& messages) {
  Status status = InsertTask(*pool_, quotas_, task, messages);
  changes_.Task(task.id, status);
  return status;
}

Result<Task> SqliteStore::GetTask(std::string_view id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<StoredTask> stored = LoadTask(*conn, id);
  if (!stored.ok()) return stored.status();
  return std::move(stored->task);
}

// A task's messages are the rowid range of its seq (storage/sqlite/task_rows.h, MessageRowid).
constexpr std::string_view kMessagesSql =
    "SELECT position, body, checksum, redaction_verdict FROM messages WHERE rowid BETWEEN ?1 AND ?2 "
    "ORDER BY rowid";

Result<TaskSnapshot> SqliteStore::GetSnapshot(std::string_view id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  // The task row and its messages must come from the same snapshot, or a concurrent append could
  // show messages the task's counters do not account for.
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kRead);
  if (!tx.ok()) return tx.status();
  Result<StoredTask> stored = LoadTask(*conn, id);
  if (!stored.ok()) return stored.status();
  TaskSnapshot snapshot{std::move(stored->task), {}, {}};
  // The row's count sizes the vectors once (capped: a damaged count must not allocate at will).
  const auto expected_count =
      static_cast<std::size_t>(std::clamp<std::int64_t>(stored->message_count, 0, 1 << 16));
  snapshot.messages.reserve(expected_count);
  snapshot.needs_no_redaction.reserve(expected_count);
  {
    const std::int64_t seq = snapshot.task.seq;
    Result<Statement> stmt = conn->Query(kMessagesSql, MessageRowid(seq, 0), LastMessageRowid(seq));
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      // Positions are dense from 0; a gap means rows were lost or edited behind the store's back.
      const auto expected = static_cast<std::int64_t>(snapshot.messages.size());
      if (stmt->ColumnInt64(0) != expected) {
        return CorruptTask(id, "messages.position", "skips position " + std::to_string(expected));
      }
      std::string body = stmt->ColumnText(1);
      std::optional<std::int64_t> checksum;
      if (!stmt->IsNull(2)) checksum = stmt->ColumnInt64(2);
      if (!MessageBodyIntact(body, checksum)) {
        return CorruptTask(id, "messages.body", "of position " + std::to_string(expected) + " is damaged");
      }
      std::optional<std::int64_t> verdict;
      if (!stmt->IsNull(3)) verdict = stmt->ColumnInt64(3);
      snapshot.needs_no_redaction.push_back(NeedsNoRedaction(body, verdict));
      snapshot.messages.push_back(std::move(body));
    }
  }
  if (static_cast<std::int64_t>(snapshot.messages.size()) != stored->message_count) {
    return CorruptTask(id, "message_count",
                       "says " + std::to_string(stored->message_count) + " but " +
                           std::to_string(snapshot.messages.size()) + " messages are stored");
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  return snapshot;
}

Result<PackedSnapshot> SqliteStore::GetPackedSnapshot(std::string_view id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  // One snapshot for the row and the blocks, as in GetSnapshot.
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kRead);
  if (!tx.ok()) return tx.status();
  Result<StoredTask> stored = LoadTask(*conn, id);
  if (!stored.ok()) return stored.status();
  Result<std::vector<MessageBlock>> blocks = sqlite::ReadBlocks(*conn, stored->task.seq);
  if (!blocks.ok()) return blocks.status();
  if (Status s = CheckBlocksCover(id, *blocks, stored->message_count); !s.ok()) return s;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return PackedSnapshot{std::move(stored->task), std::move(*blocks)};
}

Result<ShareSnapshot> SqliteStore::GetShareSnapshot(std::string_view id) {
  Result<PackedSnapshot> packed = GetPackedSnapshot(id);
  if (!packed.ok()) return packed.status();
  return ShareSnapshot(std::move(*packed));
}

constexpr std::string_view kSavepointSql = "SAVEPOINT append";
constexpr std::string_view kRollbackToSavepointSql = "ROLLBACK TO append";
constexpr std::string_view kReleaseSavepointSql = "RELEASE append";

constexpr std::string_view kAddMessagesSql =
    "UPDATE tasks SET message_count = ?2, message_bytes = ?3, updated_at = ?4 WHERE seq = ?1";

namespace {

// One append inside the group's transaction. Appends take turns on the write lock, so each reads the
// totals the one before it left, and no two can pass the byte limit together.
Result<AppendResult> AppendOne(Connection& conn, std::string_view id, const std::vector<NewMessage>& messages,
                               UnixMicros now, const Quotas& quotas) {
  Result<TaskRef> ref = FindTaskRef(conn, id);
  if (!ref.ok()) return ref.status();
  Result<MessageTotals> added = InsertMessages(conn, ref->seq, ref->messages, messages, &quotas);
  if (!added.ok()) return added.status();
  const AppendResult result{added->count, ref->messages.count + added->count};
  if (result.appended > 0) {
    Status s =
        conn.Run(kAddMessagesSql, ref->seq, result.message_count, ref->messages.bytes + added->bytes, now);
    if (!s.ok()) return s;
  }
  return result;
}

// Applies a group of appends in one transaction, each in a savepoint of its own so that one failing
// (a task deleted meanwhile, or over its byte limit, say) leaves the others whole; then commits once.
void ApplyAppends(ConnectionPool& pool, std::span<PendingAppend*> group, const Quotas& quotas) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  Status failed = tx.outcome();
  for (PendingAppend* append : group) {
    if (!failed.ok()) {
      append->result = failed;
      continue;
    }
    if (failed = conn->Run(kSavepointSql); !failed.ok()) {
      append->result = failed;
      continue;
    }
    append->result = AppendOne(*conn, append->id, *append->messages, append->now, quotas);
    if (!append->result.ok()) failed = conn->Run(kRollbackToSavepointSql);
    if (failed.ok()) failed = conn->Run(kReleaseSavepointSql);
  }
  if (failed.ok()) failed = tx->Commit();
  if (failed.ok()) return;
  // Nothing of this group is durable: every write that had succeeded fails with the commit.
  for (PendingAppend* append : group) {
    if (append->result.ok()) append->result = failed;
  }
}

}  // namespace

Result<AppendResult> SqliteStore::AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,
                                                 UnixMicros now) {
  PendingAppend append{id, &messages, now, Status::Internal("storage error", "append was not applied")};
  appends_.Run(append, [this](std::span<PendingAppend*> group) { ApplyAppends(*pool_, group, quotas_); });
  if (!append.result.ok() || append.result->appended > 0) changes_.Task(id, append.result.outcome());
  return std::move(append.result);
}

constexpr std::string_view kPatchTaskSql =
    "UPDATE tasks SET title = COALESCE(?2, title), status = COALESCE(?3, status), "
    "visibility = COALESCE(?4, visibility), model = COALESCE(?5, model), updated_at = ?6 "
    "WHERE id = ?1";

namespace {

// UpdateTask's transaction.
Result<Task> PatchTask(ConnectionPool& pool, std::string_view id, const TaskPatch& patch, UnixMicros now) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Status s = conn->Run(kPatchTaskSql, id, patch.title, OptionalEnumText(patch.status),
                       OptionalEnumText(patch.visibility), patch.model, now);
  if (!s.ok()) return s;
  if (conn->Changes() == 0) return Status::NotFound("Task not found");
  if (s = sqlite::SyncExecution(*conn, id, patch.status, now); !s.ok()) return s;
  Result<StoredTask> stored = LoadTask(*conn, id);
  if (!stored.ok()) return stored.status();
  if (s = tx->Commit(); !s.ok()) return s;
  return std::move(stored->task);
}

}  // namespace

Result<Task> SqliteStore::UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) {
  Result<Task> updated = PatchTask(*pool_, id, patch, now);
  changes_.Task(id, updated.outcome());
  return updated;
}

constexpr std::string_view kDeleteMessagesSql = "DELETE FROM messages WHERE task_seq = ?1";
constexpr std::string_view kDeleteTaskSql = "DELETE FROM tasks WHERE seq = ?1";
constexpr std::string_view kRecordDeletedTaskSql =
    "INSERT INTO deleted_tasks(id, deleted_at) VALUES (?1, ?2)";

namespace {

// DeleteTask's transaction.
Status RemoveTask(ConnectionPool& pool, std::string_view id) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<TaskRef> ref = FindTaskRef(*conn, id);
  if (!ref.ok()) return ref.status();
  Status s = conn->Run(kDeleteMessagesSql, ref->seq);
  if (s.ok()) s = conn->Run(kDeleteTaskSql, ref->seq);
  if (s.ok()) s = conn->Run(kRecordDeletedTaskSql, id, NowMicros());
  if (!s.ok()) return s;
  return tx->Commit();
}

}  // namespace

Status SqliteStore::DeleteTask(std::string_view id) {
  Status status = RemoveTask(*pool_, id);
  changes_.Task(id, status);
  return status;
}

// The kill switch: instance_settings' one row, none meaning on (migration 11).
constexpr std::string_view kSharingEnabledSql = "SELECT sharing_enabled FROM instance_settings WHERE id = 1";
constexpr std::string_view kSetSharingEnabledSql =
    "INSERT INTO instance_settings(id, sharing_enabled) VALUES (1, ?1) "
    "ON CONFLICT(id) DO UPDATE SET sharing_enabled = excluded.sharing_enabled";

Result<bool> SqliteStore::GetSharingEnabled() {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Prepare(kSharingEnabledSql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return !*row || stmt->ColumnInt64(0) != 0;
}

Status SqliteStore::SetSharingEnabled(bool enabled) {
  ConnectionPool::Lease conn = pool_->Acquire();
  return conn->Run(kSetSharingEnabledSql, BoolInt(enabled));
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("the SQLite database path is empty");
  if (options.busy_timeout_ms < 0) {
    return Status::InvalidArgument("the SQLite busy timeout must not be negative");
  }
  Result<std::unique_ptr<ConnectionPool>> pool =
      ConnectionPool::Open(options.path, options.connections, options.busy_timeout_ms);
  if (!pool.ok()) return pool.status();
  {
    ConnectionPool::Lease conn = (*pool)->Acquire();
    if (Status s = sqlite::ApplyMigrations(*conn); !s.ok()) return s;
  }
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(std::move(*pool), options.quotas, options.changes));
}

}  // namespace taskshare
