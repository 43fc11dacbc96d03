// The task: its TaskInfo fields, its schedule, and the inputs of the operations that change it.
// Plain values; no behaviour beyond defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/enums.h"

namespace taskshare {

struct ExecutionInfo {
  std::string execution_id;  // UUID
  UnixMicros scheduled_at = 0;
  UnixMicros started_at = 0;
  std::optional<UnixMicros> completed_at;
  ExecutionStatus status = ExecutionStatus::kPending;
};

struct ScheduleInfo {
  std::string schedule_id;  // UUID
  std::optional<std::string> schedule_name;
  ScheduleType schedule_type = ScheduleType::kRecurring;
  ScheduleStatus schedule_status = ScheduleStatus::kActive;
  std::int64_t execution_count = 0;
  std::optional<UnixMicros> last_executed_at;
  std::optional<UnixMicros> next_execution_at;
  std::optional<ScanFrequency> scan_frequency;
  std::optional<std::string> start_time;
  std::optional<ExecutionInfo> execution_info;
};

struct Task {
  std::string id;        // canonical lower-case UUID
  std::string owner_id;  // the owning user's id
  // Read from the owner's user row whenever a task is loaded; ignored when a task is stored.
  std::string created_by;                // the owner's email
  std::optional<std::string> owner_team;  // the owner's team
  std::string title;
  TaskStatus status = TaskStatus::kPending;
  Visibility visibility = Visibility::kPrivate;
  Source source = Source::kWeb;
  std::optional<CompletionDelivery> completion_delivery;
  bool is_isolated = false;
  bool is_scheduled = false;
  std::optional<std::string> model;
  std::optional<std::string> project_id;  // canonical UUID
  std::vector<std::string> secret_names;
  std::optional<ScheduleInfo> schedule_info;
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
  // Assigned by the store when the task is created: a strictly increasing insertion number, used to
  // order tasks that share a created_at. Ignored when a task is stored.
  std::int64_t seq = 0;
};

// A task with all of its messages, read in one consistent snapshot.
struct TaskSnapshot {
  Task task;
  std::vector<std::string> messages;  // each one message's JSON text, in order
};

// A message to store: its compact JSON text (an object) and its idempotency key, the JSON text of its
// `id` member when it has one.
struct NewMessage {
  std::string json;
  std::optional<std::string> key;
};

// The fields a PATCH may change; unset fields stay as they are.
struct TaskPatch {
  std::optional<std::string> title;
  std::optional<TaskStatus> status;
  std::optional<Visibility> visibility;
  std::optional<std::string> model;

  bool empty() const { return !title && !status && !visibility && !model; }
};

}  // namespace taskshare
