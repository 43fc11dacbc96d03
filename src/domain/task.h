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

// How a share link serves a task, set by its owner (PUT /api/v1/tasks/{id}/share). The defaults are
// what a task made public or unlisted by other means gets: every message, no expiry, no creator,
// credentials redacted.
struct ShareSettings {
  ShareMode mode = ShareMode::kLive;
  // Set exactly when mode is kPinned: how many messages the task had when the owner pinned (viewers
  // see messages [0, pinned_messages)), and when that was.
  std::optional<std::int64_t> pinned_messages;
  std::optional<UnixMicros> pinned_at;
  // From this instant on the link answers 403 "This share link has expired"; unset: never.
  std::optional<UnixMicros> expires_at;
  bool show_creator = false;  // put created_by back into the anonymous view
  bool redact = true;         // redact credentials for anonymous viewers (src/redact)

  bool operator==(const ShareSettings&) const = default;
};

struct Task {
  std::string id;        // canonical lower-case UUID
  std::string owner_id;  // the owning user's id
  // Read from the owner's user row whenever a task is loaded; ignored when a task is stored.
  std::string created_by;                 // the owner's email
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
  // Read with the task; changed only by Store::ShareTask, UnshareTask and UnshareAll, ignored when a
  // task is created (a new task has the defaults).
  ShareSettings share;
  // Assigned by the store when the task is created: a strictly increasing insertion number, used to
  // order tasks that share a created_at. Ignored when a task is stored.
  std::int64_t seq = 0;
};

// A task with all of its messages, read in one consistent snapshot.
struct TaskSnapshot {
  Task task;
  std::vector<std::string> messages;  // each one message's JSON text, in order
  // needs_no_redaction[i]: message i was found, when it was stored, to be left unchanged by the
  // current built-in redaction rules (storage/task_codec.h). May be shorter than `messages`; a missing
  // entry means not known.
  std::vector<bool> needs_no_redaction;
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

// What the owner asks of a share link (PUT /api/v1/tasks/{id}/share): the whole of its settings.
// visibility is kPublic or kUnlisted. With mode kPinned the store pins at the task's current last
// message, whatever was pinned before.
struct ShareRequest {
  Visibility visibility = Visibility::kUnlisted;
  ShareMode mode = ShareMode::kLive;
  std::optional<UnixMicros> expires_at;
  bool show_creator = false;
  bool redact = true;
};

}  // namespace taskshare
