// The response bodies that carry a whole transcript, assembled as text in one pass: the task's
// TaskInfo followed by each stored message's text as it is, so the cost is linear in the transcript
// and each message is copied once. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "domain/task.h"
#include "domain/task_json.h"

namespace taskshare {

// The SharedTaskResponse of the share endpoint: the anonymous TaskInfo, the messages, `is_shared` and
// `read_only` true. The store has already refused a snapshot whose rows were damaged.
std::string SharedTaskBody(const TaskSnapshot& snapshot);

// SharedTaskBody in three parts, for a caller that has the messages' texts joined by ',' already
// (storage/message_blocks.h): SharedTaskBodyHead(task) + joined + kSharedTaskBodyTail.
std::string SharedTaskBodyHead(const Task& task);
inline constexpr std::string_view kSharedTaskBodyTail = "],\"is_shared\":true,\"read_only\":true}";

// The body of GET /api/v1/tasks/{id}: {"task", "messages", "read_only"} with the TaskInfo fields of
// `view`.
std::string TaskDetailsBody(const TaskSnapshot& snapshot, TaskView view, bool read_only);

}  // namespace taskshare
