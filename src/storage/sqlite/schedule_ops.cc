#include "storage/sqlite/schedule_ops.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/schedule_rules.h"
#include "storage/sqlite/message_rows.h"
#include "storage/sqlite/schedule_rows.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/task_rows.h"
#include "storage/store.h"
#include "storage/task_codec.h"

namespace taskshare {
namespace {

using sqlite::BoolInt;
using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::InsertMessages;
using sqlite::kScheduleId;
using sqlite::MessageTotals;
using sqlite::ReadExecutionRow;
using sqlite::ReadScheduleRow;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TxMode;

constexpr std::string_view kScheduleByIdSql =
    "SELECT " TASKSHARE_SCHEDULE_COLUMNS "WHERE s.id = ?1 AND s.deleted_at IS NULL";

Result<Schedule> LoadSchedule(Connection& conn, std::string_view id) {
  Result<Statement> stmt = conn.Query(kScheduleByIdSql, id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("Schedule not found");
  return ReadScheduleRow(*stmt);
}

// Every field a schedule's owner or its runs can change.
constexpr std::string_view kWriteScheduleSql =
    "UPDATE schedules SET name = ?2, task_message = ?3, scan_frequency = ?4, start_time = ?5, "
    "anchor_at = ?6, run_at = ?7, visibility = ?8, model = ?9, secret_names = ?10, project_id = ?11, "
    "status = ?12, execution_count = ?13, last_executed_at = ?14, next_execution_at = ?15, "
    "updated_at = ?16 WHERE id = ?1";

Status WriteSchedule(Connection& conn, const Schedule& s) {
  return conn.Run(kWriteScheduleSql, s.id, s.name, s.task_message, OptionalEnumText(s.scan_frequency),
                  s.start_time, s.anchor_at, s.run_at, ToString(s.visibility), s.model,
                  SecretNamesToText(s.secret_names), s.project_id, ToString(s.status), s.execution_count,
                  s.last_executed_at, s.next_execution_at, s.updated_at);
}

Result<bool> Exists(Connection& conn, std::string_view sql, std::string_view param) {
  Result<Statement> stmt = conn.Query(sql, param);
  if (!stmt.ok()) return stmt.status();
  return stmt->Step();
}

// A scheduled task is written here rather than through SqliteStore::CreateTask, so that it shares the
// run's transaction; the columns are those of that insert, with the message count and bytes of its one
// message.
constexpr std::string_view kInsertScheduledTaskSql =
    "INSERT INTO tasks(id, owner_id, title, status, visibility, source, completion_delivery, "
    "is_isolated, is_scheduled, model, project_id, secret_names, schedule_info, created_at, "
    "updated_at, message_count, message_bytes) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13, ?14, 1, ?15)";
constexpr std::string_view kInsertExecutionSql =
    "INSERT INTO schedule_executions(id, schedule_id, task_id, scheduled_at, started_at, completed_at, "
    "status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

// The writes of one run, inside the caller's transaction.
Status WriteRun(Connection& conn, const PlannedRun& run) {
  const Task& t = run.task;
  Status s =
      conn.Run(kInsertScheduledTaskSql, t.id, t.owner_id, t.title, ToString(t.status), ToString(t.visibility),
               ToString(t.source), OptionalEnumText(t.completion_delivery), BoolInt(t.is_isolated),
               BoolInt(t.is_scheduled), t.model, t.project_id, SecretNamesToText(t.secret_names),
               t.created_at, t.updated_at, static_cast<std::int64_t>(run.first_message.json.size()));
  if (!s.ok()) return s;
  const std::int64_t seq = conn.LastInsertRowId();
  // The first message goes in without its key: the run made it, and nothing can repeat it. Its size is
  // bounded by the schedule's own quota (schedule_message_bytes), not by task_bytes.
  Result<MessageTotals> stored =
      InsertMessages(conn, seq, {}, {NewMessage{run.first_message.json, std::nullopt}}, nullptr);
  if (!stored.ok()) s = stored.status();
  const Execution& e = run.execution;
  if (s.ok()) {
    s = conn.Run(kInsertExecutionSql, e.id, e.schedule_id, e.task_id, e.scheduled_at, e.started_at,
                 e.completed_at, ToString(e.status));
  }
  if (s.ok()) s = WriteSchedule(conn, run.schedule);
  return s;
}

constexpr std::string_view kDueScheduleSql =
    "SELECT " TASKSHARE_SCHEDULE_COLUMNS
    "WHERE s.next_execution_at <= ?1 AND s.status = 'active' AND s.deleted_at IS NULL "
    "ORDER BY s.next_execution_at, s.seq LIMIT 1";
constexpr std::string_view kFailScheduleSql =
    "UPDATE schedules SET status = 'failed', next_execution_at = NULL, updated_at = ?2 WHERE id = ?1";

constexpr std::string_view kScheduleIdTakenSql = "SELECT 1 FROM schedules WHERE id = ?1";
constexpr std::string_view kUserExistsSql = "SELECT 1 FROM users WHERE id = ?1";
constexpr std::string_view kInsertScheduleSql =
    "INSERT INTO schedules(id, owner_id, name, task_message, schedule_type, scan_frequency, start_time, "
    "anchor_at, run_at, visibility, model, secret_names, project_id, status, execution_count, "
    "last_executed_at, next_execution_at, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

}  // namespace

Status SqliteStore::CreateSchedule(const Schedule& s) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<bool> taken = Exists(*conn, kScheduleIdTakenSql, s.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("Schedule already exists");
  Result<bool> owner = Exists(*conn, kUserExistsSql, s.owner_id);
  if (!owner.ok()) return owner.status();
  if (!*owner) return Status::NotFound("User not found");
  Status st = conn->Run(kInsertScheduleSql, s.id, s.owner_id, s.name, s.task_message, ToString(s.type),
                        OptionalEnumText(s.scan_frequency), s.start_time, s.anchor_at, s.run_at,
                        ToString(s.visibility), s.model, SecretNamesToText(s.secret_names), s.project_id,
                        ToString(s.status), s.execution_count, s.last_executed_at, s.next_execution_at,
                        s.created_at, s.updated_at);
  if (!st.ok()) return st;
  return tx->Commit();
}

Result<Schedule> SqliteStore::GetSchedule(std::string_view id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  return LoadSchedule(*conn, id);
}

// Keyset pagination as for tasks (see kListTasksSql in sqlite_store.cc).
constexpr std::string_view kListSchedulesSql =
    "SELECT " TASKSHARE_SCHEDULE_COLUMNS
    "WHERE s.owner_id = ?1 AND s.deleted_at IS NULL AND (s.created_at, s.seq) < (?2, ?3) "
    "AND (?4 IS NULL OR s.status = ?4) ORDER BY s.created_at DESC, s.seq DESC LIMIT ?5";

Result<SchedulePage> SqliteStore::ListSchedules(const ScheduleQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();
  const ListPosition after = query.after.value_or(ListPosition{kEnd, kEnd});
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kListSchedulesSql, query.owner_id, after.created_at, after.seq,
                                       OptionalEnumText(query.status), std::int64_t{query.limit} + 1);
  if (!stmt.ok()) return stmt.status();
  SchedulePage page;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.schedules.size()) == query.limit) {
      const Schedule& last = page.schedules.back();
      page.next = ListPosition{last.created_at, last.seq};
      break;
    }
    Result<Schedule> schedule = ReadScheduleRow(*stmt);
    if (!schedule.ok()) return schedule.status();
    page.schedules.push_back(std::move(*schedule));
  }
  return page;
}

namespace {

// UpdateSchedule's transaction.
Result<Schedule> RewriteSchedule(ConnectionPool& pool, std::string_view id, const ScheduleUpdate& update) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Schedule> current = LoadSchedule(*conn, id);
  if (!current.ok()) return current.status();
  Result<Schedule> updated = update(*current);
  if (!updated.ok()) return updated.status();
  if (Status s = WriteSchedule(*conn, *updated); !s.ok()) return s;
  Result<Schedule> stored = LoadSchedule(*conn, id);
  if (!stored.ok()) return stored.status();
  if (Status s = tx->Commit(); !s.ok()) return s;
  return stored;
}

}  // namespace

Result<Schedule> SqliteStore::UpdateSchedule(std::string_view id, const ScheduleUpdate& update) {
  Result<Schedule> updated = RewriteSchedule(*pool_, id, update);
  changes_.ScheduleTasks(*this, id, updated.outcome());
  return updated;
}

constexpr std::string_view kDeleteScheduleSql =
    "UPDATE schedules SET deleted_at = ?2, next_execution_at = NULL WHERE id = ?1 AND deleted_at IS NULL";

namespace {

// DeleteSchedule's transaction.
Status MarkScheduleDeleted(ConnectionPool& pool, std::string_view id, UnixMicros now) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = conn->Run(kDeleteScheduleSql, id, now); !s.ok()) return s;
  if (conn->Changes() == 0) return Status::NotFound("Schedule not found");
  return tx->Commit();
}

}  // namespace

Status SqliteStore::DeleteSchedule(std::string_view id, UnixMicros now) {
  Status status = MarkScheduleDeleted(*pool_, id, now);
  changes_.ScheduleTasks(*this, id, status);
  return status;
}

constexpr std::string_view kListExecutionsSql = "SELECT " TASKSHARE_EXECUTION_COLUMNS
                                                "FROM schedule_executions WHERE schedule_id = ?1 "
                                                "ORDER BY started_at DESC, id DESC LIMIT ?2";

Result<std::vector<Execution>> SqliteStore::ListExecutions(std::string_view schedule_id, int limit) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kListExecutionsSql, schedule_id, std::int64_t{limit});
  if (!stmt.ok()) return stmt.status();
  std::vector<Execution> out;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Result<Execution> e = ReadExecutionRow(*stmt);
    if (!e.ok()) return e.status();
    out.push_back(std::move(*e));
  }
  return out;
}

constexpr std::string_view kScheduleTaskIdsSql =
    "SELECT task_id FROM schedule_executions WHERE schedule_id = ?1 AND task_id IS NOT NULL";

Result<std::vector<std::string>> SqliteStore::ListScheduleTaskIds(std::string_view schedule_id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kScheduleTaskIdsSql, schedule_id);
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> ids;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ids.push_back(stmt->ColumnText(0));
  }
  return ids;
}

namespace {

// RunDueSchedule's transactions.
Result<std::optional<ScheduleRun>> RunFirstDue(ConnectionPool& pool, UnixMicros now, const RunPlanner& plan) {
  ConnectionPool::Lease conn = pool.Acquire();
  std::string id;
  Status failure;
  {
    Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
    if (!tx.ok()) return tx.status();
    Result<Statement> stmt = conn->Query(kDueScheduleSql, now);
    if (!stmt.ok()) return stmt.status();
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<ScheduleRun>();
    id = stmt->ColumnText(kScheduleId);
    Result<Schedule> due = ReadScheduleRow(*stmt);
    if (due.ok()) {
      const PlannedRun run = plan(*due);
      Status s = WriteRun(*conn, run);
      if (s.ok()) s = tx->Commit();
      if (s.ok()) return std::optional<ScheduleRun>(ScheduleRun{id, run.task.id, run.execution.id, {}});
      failure = s;
    } else {
      failure = due.status();
    }
  }  // rolled back
  if (!SetsScheduleAside(failure)) return failure;
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = conn->Run(kFailScheduleSql, id, now); !s.ok()) return s;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return std::optional<ScheduleRun>(ScheduleRun{id, "", "", failure});
}

}  // namespace

Result<std::optional<ScheduleRun>> SqliteStore::RunDueSchedule(UnixMicros now, const RunPlanner& plan) {
  Result<std::optional<ScheduleRun>> run = RunFirstDue(*pool_, now, plan);
  if (run.ok() && run->has_value()) changes_.ScheduleTasks(*this, (*run)->schedule_id, Status::Ok());
  return run;
}

constexpr std::string_view kSyncExecutionSql =
    "UPDATE schedule_executions SET status = ?2, "
    "completed_at = CASE WHEN ?3 = 1 THEN COALESCE(completed_at, ?4) ELSE NULL END WHERE task_id = ?1";

Status sqlite::SyncExecution(Connection& conn, std::string_view task_id, std::optional<TaskStatus> status,
                             UnixMicros now) {
  if (!status) return Status::Ok();
  return conn.Run(kSyncExecutionSql, task_id, ToString(ExecutionStatusOf(*status)),
                  BoolInt(IsFinished(*status)), now);
}

}  // namespace taskshare
