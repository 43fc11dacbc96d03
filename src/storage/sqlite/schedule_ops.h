// The schedule operations of the SQLite backend (see storage/store.h for their contract), as functions
// over its connection pool, so that SqliteStore only forwards to them. Each takes a connection from
// `pool` for the length of the call. Thread-safe as the pool is.
//
// Write transactions begin IMMEDIATE, taking the database's write lock, so a schedule read inside one
// cannot change until it commits: that lock is what makes UpdateSchedule's read-modify-write and
// RunDueSchedule's pick-and-run atomic, and what keeps two processes on one file (which SQLite allows)
// from running the same due time twice.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/sqlite/db.h"
#include "storage/store.h"

namespace taskshare::sqlite {

Status CreateSchedule(ConnectionPool& pool, const Schedule& schedule);
Result<Schedule> GetSchedule(ConnectionPool& pool, std::string_view id);
Result<SchedulePage> ListSchedules(ConnectionPool& pool, const ScheduleQuery& query);
Result<Schedule> UpdateSchedule(ConnectionPool& pool, std::string_view id, const ScheduleUpdate& update);
Status DeleteSchedule(ConnectionPool& pool, std::string_view id, UnixMicros now);
Result<std::vector<Execution>> ListExecutions(ConnectionPool& pool, std::string_view schedule_id, int limit);
Result<std::vector<std::string>> ListScheduleTaskIds(ConnectionPool& pool, std::string_view schedule_id);
Result<std::optional<ScheduleRun>> RunDueSchedule(ConnectionPool& pool, UnixMicros now,
                                                  const RunPlanner& plan);

// Inside the caller's write transaction: moves the execution of task `task_id` (if it has one) to follow
// the task's new `status` (domain/schedule_rules.h). Does nothing when `status` is unset.
Status SyncExecution(Connection& conn, std::string_view task_id, std::optional<TaskStatus> status,
                     UnixMicros now);

// The schedule methods of Store, forwarding to the functions above: the base that the backend's store
// derives from, so that its own file keeps to tasks and users. `pool` must outlive it.
class ScheduleMethods : public Store {
 public:
  explicit ScheduleMethods(ConnectionPool& pool) : schedule_pool_(pool) {}

  Status CreateSchedule(const Schedule& schedule) override {
    return sqlite::CreateSchedule(schedule_pool_, schedule);
  }
  Result<Schedule> GetSchedule(std::string_view id) override {
    return sqlite::GetSchedule(schedule_pool_, id);
  }
  Result<SchedulePage> ListSchedules(const ScheduleQuery& query) override {
    return sqlite::ListSchedules(schedule_pool_, query);
  }
  Result<Schedule> UpdateSchedule(std::string_view id, const ScheduleUpdate& update) override {
    return sqlite::UpdateSchedule(schedule_pool_, id, update);
  }
  Status DeleteSchedule(std::string_view id, UnixMicros now) override {
    return sqlite::DeleteSchedule(schedule_pool_, id, now);
  }
  Result<std::vector<Execution>> ListExecutions(std::string_view schedule_id, int limit) override {
    return sqlite::ListExecutions(schedule_pool_, schedule_id, limit);
  }
  Result<std::vector<std::string>> ListScheduleTaskIds(std::string_view schedule_id) override {
    return sqlite::ListScheduleTaskIds(schedule_pool_, schedule_id);
  }
  Result<std::optional<ScheduleRun>> RunDueSchedule(UnixMicros now, const RunPlanner& plan) override {
    return sqlite::RunDueSchedule(schedule_pool_, now, plan);
  }

 private:
  ConnectionPool& schedule_pool_;
};

}  // namespace taskshare::sqlite
