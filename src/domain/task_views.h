// The response bodies that carry a whole transcript, assembled as text in one pass: the task's
// TaskInfo followed by each stored message's text as it is, so the cost is linear in the transcript
// and each message is copied once. Pure functions; thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "domain/task.h"

namespace taskshare {

// The SharedTaskResponse of the share endpoint: the anonymous TaskInfo, the messages, `is_shared` and
// `read_only` true. kInternal "Failed to load snapshot" if a stored message is not a JSON object; never
// a partial body.
Result<std::string> SharedTaskBody(const TaskSnapshot& snapshot);

// The body of GET /api/v1/tasks/{id}: {"task", "messages", "read_only"} with the full TaskInfo.
// Fails as SharedTaskBody does.
Result<std::string> TaskDetailsBody(const TaskSnapshot& snapshot, bool read_only);

}  // namespace taskshare
