// Schedules: a task message that the scheduler turns into a new task at each due time, the record of
// each such run (an Execution), and the inputs of the operations that change them. Plain values; the
// rules that fill them in are in domain/schedule_rules.h, the time arithmetic in domain/schedule_time.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/enums.h"
#include "domain/task.h"

namespace taskshare {

struct Schedule {
  std::string id;        // canonical lower-case UUID
  std::string owner_id;  // the owning user's id
  // Read from the owner's user row whenever a schedule is loaded; ignored when one is stored.
  std::string created_by;  // the owner's email
  std::optional<std::string> name;
  std::string task_message;  // the text of the first (user) message of every task it creates
  ScheduleType type = ScheduleType::kRecurring;
  // Recurring schedules only: how often, and the UTC time of day ("HH:MM") of every due time.
  std::optional<ScanFrequency> scan_frequency;
  std::optional<std::string> start_time;
  // Recurring schedules only: one due time of the schedule's grid (see domain/schedule_time.h), the
  // day the schedule was created at start_time, which may be before its first run. Every due time is
  // anchor_at plus a whole number of periods (for monthly schedules: of months, on the anchor's day of
  // the month, or the month's last day when it is shorter). Its UTC time of day is start_time.
  std::optional<UnixMicros> anchor_at;
  // One-time schedules only: when it runs.
  std::optional<UnixMicros> run_at;
  // Of the tasks it creates: public, private or team.
  Visibility visibility = Visibility::kPrivate;
  std::optional<std::string> model;
  std::vector<std::string> secret_names;
  std::optional<std::string> project_id;  // canonical UUID
  ScheduleStatus status = ScheduleStatus::kActive;
  std::int64_t execution_count = 0;
  std::optional<UnixMicros> last_executed_at;
  // When the scheduler runs it next. Set exactly when status is active; the scheduler runs a schedule
  // once this is at or before its clock's time.
  std::optional<UnixMicros> next_execution_at;
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
  // Assigned by the store when the schedule is created: a strictly increasing insertion number that
  // orders schedules sharing a created_at. Ignored when a schedule is stored.
  std::int64_t seq = 0;
};

// One run of a schedule: the task it created and where that task stands.
struct Execution {
  std::string id;  // canonical UUID
  std::string schedule_id;
  std::optional<std::string> task_id;      // unset once the task has been deleted
  UnixMicros scheduled_at = 0;             // the due time it ran for
  UnixMicros started_at = 0;               // when the scheduler created the task
  std::optional<UnixMicros> completed_at;  // when the task reached completed, error or aborted
  ExecutionStatus status = ExecutionStatus::kPending;
};

// What one run of a due schedule writes, in one transaction: a new task with its first message, the
// execution that records it, and the schedule as it is afterwards.
struct PlannedRun {
  Task task;
  NewMessage first_message;
  Execution execution;
  Schedule schedule;
};

// The fields a PATCH may change; unset fields stay as they are. `schedule_type` is only compared with
// the schedule's own: a schedule never changes type.
struct SchedulePatch {
  std::optional<std::string> name;
  std::optional<std::string> task_message;
  std::optional<ScheduleType> schedule_type;
  std::optional<ScanFrequency> scan_frequency;
  std::optional<std::string> start_time;  // "HH:MM", already checked
  std::optional<UnixMicros> run_at;       // already resolved to a time
  std::optional<Visibility> visibility;
  std::optional<std::string> model;
  std::optional<std::vector<std::string>> secret_names;
  std::optional<std::string> project_id;
  std::optional<ScheduleStatus> status;  // active or paused

  bool empty() const {
    return !name && !task_message && !schedule_type && !scan_frequency && !start_time && !run_at &&
           !visibility && !model && !secret_names && !project_id && !status;
  }
};

}  // namespace taskshare
