// The schedules of the PostgreSQL backend: PostgresStore's schedule methods (see storage/store.h for
// their contract) are defined in schedule_ops.cc, on the primary, each taking a connection from the
// pool for the length of the call; this header declares what the task methods share with them
// (SyncExecution) and the scheduler's advisory lock. Thread-safe as the pool is.
//
// Exactly one scheduler acts at a time, however many nodes share the database: RunDueSchedule's
// transaction first takes a transaction-level advisory lock private to the scheduler
// (pg_try_advisory_xact_lock, kSchedulerLockKey) and does nothing when another node holds it; it then
// locks the due schedule's row (FOR UPDATE SKIP LOCKED) and reads its due time again under that lock,
// so even without the advisory lock no due time could run twice. Creating the task, recording the
// execution and advancing next_execution_at commit together or not at all.
//
// Every write that changes a schedule touches the rows of the tasks it created (an UPDATE that
// changes no value), so that the tasks_changed trigger (migrations.cc, version 2) announces each of
// them to other nodes' caches and bumps their version, which a read replica's copy is checked against:
// the schedule_info those tasks show is read from the schedule's row. Once its transaction has ended,
// each such write also reports those tasks to this process (ChangeReports::ScheduleTasks), except a run
// that fails (RunDueSchedule returning an error): which schedule it picked is then unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "common/time.h"
#include "domain/enums.h"
#include "storage/postgres/connection.h"

namespace taskshare::postgres {

// The advisory lock of the scheduler: "tasksha" "S" in ASCII, taken by nothing else.
inline constexpr std::int64_t kSchedulerLockKey = 0x7461736b73686153;

// Inside the caller's write transaction: moves the execution of task `task_id` (if it has one) to follow
// the task's new `status` (domain/schedule_rules.h). Does nothing when `status` is unset. True if an
// execution changed.
Result<bool> SyncExecution(Connection& conn, std::string_view task_id, std::optional<TaskStatus> status,
                           UnixMicros now);

}  // namespace taskshare::postgres
