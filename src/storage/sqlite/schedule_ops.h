// The schedules of the SQLite backend. schedule_ops.cc defines SqliteStore's schedule methods (see
// storage/store.h for their contract), each taking a connection from the pool for the length of the
// call; this header declares what the task methods use of it.
//
// Write transactions begin IMMEDIATE, taking the database's write lock, so a schedule read inside one
// cannot change until it commits: that lock is what makes UpdateSchedule's read-modify-write and
// RunDueSchedule's pick-and-run atomic, and what keeps two processes on one file (which SQLite allows)
// from running the same due time twice.
#pragma once

#include <optional>
#include <string_view>

#include "common/status.h"
#include "common/time.h"
#include "domain/enums.h"
#include "storage/sqlite/db.h"

namespace taskshare::sqlite {

// Inside the caller's write transaction: moves the execution of task `task_id` (if it has one) to follow
// the task's new `status` (domain/schedule_rules.h). Does nothing when `status` is unset.
Status SyncExecution(Connection& conn, std::string_view task_id, std::optional<TaskStatus> status,
                     UnixMicros now);

}  // namespace taskshare::sqlite
