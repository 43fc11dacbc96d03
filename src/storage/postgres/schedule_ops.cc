#include "storage/postgres/schedule_ops.h"

#include <limits>
#include <utility>

#include "domain/schedule_rules.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/schedule_rows.h"
#include "storage/store.h"
#include "storage/task_codec.h"

namespace taskshare {
namespace {

using postgres::Connection;
using postgres::ConnectionPool;
using postgres::kScheduleId;
using postgres::kSchedulerLockKey;
using postgres::kUniqueViolation;
using postgres::ReadExecutionRow;
using postgres::ReadScheduleRow;
using postgres::Rows;
using postgres::Transaction;
using postgres::TxMode;

using Lease = ConnectionPool::Lease;

// Runs a statement whose rows the caller does not need.
template <typename... Args>
Status Exec(Connection& conn, std::string_view sql, const Args&... args) {
  Result<Rows> rows = conn.Query(sql, args...);
  return rows.outcome();
}

constexpr std::string_view kScheduleByIdSql =
    "SELECT " TASKSHARE_PG_SCHEDULE_COLUMNS "WHERE s.id = $1 AND s.deleted_at IS NULL";
constexpr std::string_view kLockScheduleSql =
    "SELECT " TASKSHARE_PG_SCHEDULE_COLUMNS "WHERE s.id = $1 AND s.deleted_at IS NULL FOR UPDATE OF s";

Result<Schedule> LoadSchedule(Connection& conn, std::string_view sql, std::string_view id) {
  Result<Rows> rows = conn.Query(sql, id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Schedule not found");
  return ReadScheduleRow(*rows, 0);
}

// Every field a schedule's owner or its runs can change.
constexpr std::string_view kWriteScheduleSql =
    "UPDATE schedules SET name = $2, task_message = $3, scan_frequency = $4, start_time = $5, "
    "anchor_at = $6, run_at = $7, visibility = $8, model = $9, secret_names = $10, project_id = $11, "
    "status = $12, execution_count = $13, last_executed_at = $14, next_execution_at = $15, "
    "updated_at = $16 WHERE id = $1";

Status WriteSchedule(Connection& conn, const Schedule& s) {
  return Exec(conn, kWriteScheduleSql, s.id, s.name, s.task_message, OptionalEnumText(s.scan_frequency),
              s.start_time, s.anchor_at, s.run_at, ToString(s.visibility), s.model,
              SecretNamesToText(s.secret_names), s.project_id, ToString(s.status), s.execution_count,
              s.last_executed_at, s.next_execution_at, s.updated_at);
}

// See the header: the rows of the schedule's tasks are rewritten unchanged so that the trigger on
// tasks reports them.
constexpr std::string_view kTouchScheduleTasksSql =
    "UPDATE tasks SET version = version WHERE id IN "
    "(SELECT task_id FROM schedule_executions WHERE schedule_id = $1 AND task_id IS NOT NULL)";

Status TouchScheduleTasks(Connection& conn, std::string_view schedule_id) {
  return Exec(conn, kTouchScheduleTasksSql, schedule_id);
}

// A scheduled task is written here rather than through PostgresStore::CreateTask, so that it shares
// the run's transaction; the columns are those of that insert, with the message count and bytes of its
// one message.
constexpr std::string_view kInsertScheduledTaskSql =
    "INSERT INTO tasks(id, owner_id, title, status, visibility, source, completion_delivery, "
    "is_isolated, is_scheduled, model, project_id, secret_names, schedule_info, created_at, "
    "updated_at, message_count, message_bytes) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $14, 1, $15) RETURNING seq";
constexpr std::string_view kInsertFirstMessageSql =
    "INSERT INTO messages(task_seq, position, msg_key, body, checksum, redaction_verdict) "
    "VALUES ($1, 0, NULL, $2, $3, $4)";
constexpr std::string_view kInsertExecutionSql =
    "INSERT INTO schedule_executions(id, schedule_id, task_id, scheduled_at, started_at, completed_at, "
    "status) VALUES ($1, $2, $3, $4, $5, $6, $7)";

// The writes of one run, inside the caller's transaction.
Status WriteRun(Connection& conn, const PlannedRun& run) {
  const Task& t = run.task;
  Result<Rows> inserted =
      conn.Query(kInsertScheduledTaskSql, t.id, t.owner_id, t.title, ToString(t.status),
                 ToString(t.visibility), ToString(t.source), OptionalEnumText(t.completion_delivery),
                 t.is_isolated, t.is_scheduled, t.model, t.project_id, SecretNamesToText(t.secret_names),
                 t.created_at, t.updated_at, static_cast<std::int64_t>(run.first_message.json.size()));
  if (!inserted.ok()) return inserted.status();
  const std::string& body = run.first_message.json;
  Status s = Exec(conn, kInsertFirstMessageSql, inserted->Int64(0, 0), body, MessageChecksum(body),
                  MessageRedactionVerdict(body));
  const Execution& e = run.execution;
  if (s.ok()) {
    s = Exec(conn, kInsertExecutionSql, e.id, e.schedule_id, e.task_id, e.scheduled_at, e.started_at,
             e.completed_at, ToString(e.status));
  }
  if (s.ok()) s = WriteSchedule(conn, run.schedule);
  // The earlier tasks of the schedule now show a new execution count and next run.
  if (s.ok()) s = TouchScheduleTasks(conn, run.schedule.id);
  return s;
}

constexpr std::string_view kTrySchedulerLockSql = "SELECT pg_try_advisory_xact_lock($1::bigint)";
constexpr std::string_view kDueScheduleSql =
    "SELECT " TASKSHARE_PG_SCHEDULE_COLUMNS
    "WHERE s.next_execution_at <= $1::bigint AND s.status = 'active' AND s.deleted_at IS NULL "
    "ORDER BY s.next_execution_at, s.seq LIMIT 1 FOR UPDATE OF s SKIP LOCKED";
constexpr std::string_view kFailScheduleSql =
    "UPDATE schedules SET status = 'failed', next_execution_at = NULL, updated_at = $2 WHERE id = $1";

constexpr std::string_view kScheduleIdTakenSql = "SELECT 1 FROM schedules WHERE id = $1";
constexpr std::string_view kUserExistsSql = "SELECT 1 FROM users WHERE id = $1";
constexpr std::string_view kInsertScheduleSql =
    "INSERT INTO schedules(id, owner_id, name, task_message, schedule_type, scan_frequency, start_time, "
    "anchor_at, run_at, visibility, model, secret_names, project_id, status, execution_count, "
    "last_executed_at, next_execution_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

// Keyset pagination as for tasks (see task_list.cc).
constexpr std::string_view kListSchedulesSql =
    "SELECT " TASKSHARE_PG_SCHEDULE_COLUMNS
    "WHERE s.owner_id = $1 AND s.deleted_at IS NULL AND (s.created_at, s.seq) < ($2::bigint, $3::bigint) "
    "AND ($4::text IS NULL OR s.status = $4::text) ORDER BY s.created_at DESC, s.seq DESC LIMIT $5::bigint";

constexpr std::string_view kDeleteScheduleSql =
    "UPDATE schedules SET deleted_at = $2, next_execution_at = NULL WHERE id = $1 AND deleted_at IS NULL";

constexpr std::string_view kListExecutionsSql = "SELECT " TASKSHARE_PG_EXECUTION_COLUMNS
                                                "FROM schedule_executions WHERE schedule_id = $1 "
                                                "ORDER BY started_at DESC, id DESC LIMIT $2::bigint";

constexpr std::string_view kScheduleTaskIdsSql =
    "SELECT task_id FROM schedule_executions WHERE schedule_id = $1 AND task_id IS NOT NULL";

constexpr std::string_view kSyncExecutionSql =
    "UPDATE schedule_executions SET status = $2, "
    "completed_at = CASE WHEN $3::boolean THEN COALESCE(completed_at, $4::bigint) ELSE NULL END "
    "WHERE task_id = $1";

}  // namespace

Status PostgresStore::CreateSchedule(const Schedule& s) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> taken = (*conn)->Query(kScheduleIdTakenSql, s.id);
  if (!taken.ok()) return taken.status();
  if (!taken->empty()) return Status::AlreadyExists("Schedule already exists");
  Result<Rows> owner = (*conn)->Query(kUserExistsSql, s.owner_id);
  if (!owner.ok()) return owner.status();
  if (owner->empty()) return Status::NotFound("User not found");
  Result<Rows> inserted = (*conn)->Query(
      kInsertScheduleSql, s.id, s.owner_id, s.name, s.task_message, ToString(s.type),
      OptionalEnumText(s.scan_frequency), s.start_time, s.anchor_at, s.run_at, ToString(s.visibility),
      s.model, SecretNamesToText(s.secret_names), s.project_id, ToString(s.status), s.execution_count,
      s.last_executed_at, s.next_execution_at, s.created_at, s.updated_at);
  if (!inserted.ok()) {
    // A concurrent create of the same id committed between the check and the insert.
    if ((*conn)->last_sqlstate() == kUniqueViolation) return Status::AlreadyExists("Schedule already exists");
    return inserted.status();
  }
  return tx->Commit();
}

Result<Schedule> PostgresStore::GetSchedule(std::string_view id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  return LoadSchedule(**conn, kScheduleByIdSql, id);
}

Result<SchedulePage> PostgresStore::ListSchedules(const ScheduleQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();
  const ListPosition after = query.after.value_or(ListPosition{kEnd, kEnd});
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kListSchedulesSql, query.owner_id, after.created_at, after.seq,
                                     OptionalEnumText(query.status), std::int64_t{query.limit} + 1);
  if (!rows.ok()) return rows.status();
  SchedulePage page;
  for (int i = 0; i < rows->size(); ++i) {
    if (i == query.limit) {
      const Schedule& last = page.schedules.back();
      page.next = ListPosition{last.created_at, last.seq};
      break;
    }
    Result<Schedule> schedule = ReadScheduleRow(*rows, i);
    if (!schedule.ok()) return schedule.status();
    page.schedules.push_back(std::move(*schedule));
  }
  return page;
}

namespace {

// UpdateSchedule's write, which PostgresStore::UpdateSchedule reports.
Result<Schedule> RewriteSchedule(ConnectionPool& pool, std::string_view id, const ScheduleUpdate& update) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Schedule> current = LoadSchedule(**conn, kLockScheduleSql, id);
  if (!current.ok()) return current.status();
  Result<Schedule> updated = update(*current);
  if (!updated.ok()) return updated.status();
  Status s = WriteSchedule(**conn, *updated);
  if (s.ok()) s = TouchScheduleTasks(**conn, updated->id);
  if (!s.ok()) return s;
  Result<Schedule> stored = LoadSchedule(**conn, kScheduleByIdSql, id);
  if (!stored.ok()) return stored.status();
  if (s = tx->Commit(); !s.ok()) return s;
  return stored;
}

// DeleteSchedule's write, which PostgresStore::DeleteSchedule reports.
Status MarkScheduleDeleted(ConnectionPool& pool, std::string_view id, UnixMicros now) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> deleted = (*conn)->Query(kDeleteScheduleSql, id, now);
  if (!deleted.ok()) return deleted.status();
  if (deleted->affected() == 0) return Status::NotFound("Schedule not found");
  if (Status s = TouchScheduleTasks(**conn, id); !s.ok()) return s;
  return tx->Commit();
}

}  // namespace

Result<Schedule> PostgresStore::UpdateSchedule(std::string_view id, const ScheduleUpdate& update) {
  Result<Schedule> r = RewriteSchedule(*pool_, id, update);
  changes_.ScheduleTasks(*this, id, r.outcome());
  return r;
}

Status PostgresStore::DeleteSchedule(std::string_view id, UnixMicros now) {
  const Status status = MarkScheduleDeleted(*pool_, id, now);
  changes_.ScheduleTasks(*this, id, status);
  return status;
}

Result<std::vector<Execution>> PostgresStore::ListExecutions(std::string_view schedule_id, int limit) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kListExecutionsSql, schedule_id, std::int64_t{limit});
  if (!rows.ok()) return rows.status();
  std::vector<Execution> out;
  out.reserve(rows->size());
  for (int i = 0; i < rows->size(); ++i) {
    Result<Execution> e = ReadExecutionRow(*rows, i);
    if (!e.ok()) return e.status();
    out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<std::string>> PostgresStore::ListScheduleTaskIds(std::string_view schedule_id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kScheduleTaskIdsSql, schedule_id);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> ids;
  ids.reserve(rows->size());
  for (int i = 0; i < rows->size(); ++i) ids.push_back(rows->Text(i, 0));
  return ids;
}

namespace {

// RunDueSchedule's write, which PostgresStore::RunDueSchedule reports.
Result<std::optional<ScheduleRun>> RunFirstDue(ConnectionPool& pool, UnixMicros now, const RunPlanner& plan) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  std::string id;
  Status failure;
  {
    Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
    if (!tx.ok()) return tx.status();
    Result<Rows> locked = (*conn)->Query(kTrySchedulerLockSql, kSchedulerLockKey);
    if (!locked.ok()) return locked.status();
    if (locked->View(0, 0) != "t") return std::optional<ScheduleRun>();  // another node is acting
    Result<Rows> due = (*conn)->Query(kDueScheduleSql, now);
    if (!due.ok()) return due.status();
    if (due->empty()) return std::optional<ScheduleRun>();
    id = due->Text(0, kScheduleId);
    Result<Schedule> schedule = ReadScheduleRow(*due, 0);
    if (schedule.ok()) {
      const PlannedRun run = plan(*schedule);
      Status s = WriteRun(**conn, run);
      if (s.ok()) s = tx->Commit();
      if (s.ok()) return std::optional<ScheduleRun>(ScheduleRun{id, run.task.id, run.execution.id, {}});
      failure = s;
    } else {
      failure = schedule.status();
    }
  }  // rolled back
  if (!SetsScheduleAside(failure)) return failure;
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = Exec(**conn, kFailScheduleSql, id, now); !s.ok()) return s;
  if (Status s = TouchScheduleTasks(**conn, id); !s.ok()) return s;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return std::optional<ScheduleRun>(ScheduleRun{id, "", "", failure});
}

}  // namespace

Result<std::optional<ScheduleRun>> PostgresStore::RunDueSchedule(UnixMicros now, const RunPlanner& plan) {
  Result<std::optional<ScheduleRun>> r = RunFirstDue(*pool_, now, plan);
  if (r.ok() && r->has_value()) changes_.ScheduleTasks(*this, (*r)->schedule_id, Status::Ok());
  return r;
}

Result<bool> postgres::SyncExecution(Connection& conn, std::string_view task_id,
                                     std::optional<TaskStatus> status, UnixMicros now) {
  if (!status) return false;
  Result<Rows> updated =
      conn.Query(kSyncExecutionSql, task_id, ToString(ExecutionStatusOf(*status)), IsFinished(*status), now);
  if (!updated.ok()) return updated.status();
  return updated->affected() > 0;
}

}  // namespace taskshare
