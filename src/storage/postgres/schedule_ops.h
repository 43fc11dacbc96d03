// The schedule operations of the PostgreSQL backend (see storage/store.h for their contract), as
// functions over its connection pool, so that PostgresStore only forwards to them. Each takes a
// connection from `pool` for the length of the call. Thread-safe as the pool is.
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
// the schedule_info those tasks show is read from the schedule's row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace taskshare::postgres {

// The advisory lock of the scheduler: "tasksha" "S" in ASCII, taken by nothing else.
inline constexpr std::int64_t kSchedulerLockKey = 0x7461736b73686153;

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
// the task's new `status` (domain/schedule_rules.h). Does nothing when `status` is unset. True if an
// execution changed.
Result<bool> SyncExecution(Connection& conn, std::string_view task_id, std::optional<TaskStatus> status,
                           UnixMicros now);

// The schedule methods of Store, forwarding to the functions above: the base that the backend's store
// derives from, so that its own file keeps to tasks and users. `pool` must outlive it.
class ScheduleMethods : public Store {
 public:
  explicit ScheduleMethods(ConnectionPool& pool) : schedule_pool_(pool) {}

  Status CreateSchedule(const Schedule& schedule) override {
    return postgres::CreateSchedule(schedule_pool_, schedule);
  }
  Result<Schedule> GetSchedule(std::string_view id) override {
    return postgres::GetSchedule(schedule_pool_, id);
  }
  Result<SchedulePage> ListSchedules(const ScheduleQuery& query) override {
    return postgres::ListSchedules(schedule_pool_, query);
  }
  Result<Schedule> UpdateSchedule(std::string_view id, const ScheduleUpdate& update) override {
    return postgres::UpdateSchedule(schedule_pool_, id, update);
  }
  Status DeleteSchedule(std::string_view id, UnixMicros now) override {
    return postgres::DeleteSchedule(schedule_pool_, id, now);
  }
  Result<std::vector<Execution>> ListExecutions(std::string_view schedule_id, int limit) override {
    return postgres::ListExecutions(schedule_pool_, schedule_id, limit);
  }
  Result<std::vector<std::string>> ListScheduleTaskIds(std::string_view schedule_id) override {
    return postgres::ListScheduleTaskIds(schedule_pool_, schedule_id);
  }
  Result<std::optional<ScheduleRun>> RunDueSchedule(UnixMicros now, const RunPlanner& plan) override {
    return postgres::RunDueSchedule(schedule_pool_, now, plan);
  }

 private:
  ConnectionPool& schedule_pool_;
};

}  // namespace taskshare::postgres
