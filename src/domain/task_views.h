// The response bodies that carry a whole transcript, assembled as text in one pass: the task's
// TaskInfo followed by each stored message's text as it is, so the cost is linear in the transcript
// and each message is copied once. Pure functions; thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "domain/task.h"

namespace taskshare {

// Ok if every stored message of `snapshot` is one complete JSON object; else kInternal "Failed to load
// snapshot" naming the message in the detail. Callers check this before serving a transcript, so that
// a corrupt row is never served as a partial or broken body.
Status CheckMessages(const TaskSnapshot& snapshot);

// The SharedTaskResponse of the share endpoint: the anonymous TaskInfo, the messages, `is_shared` and
// `read_only` true. `snapshot` must have passed CheckMessages.
std::string SharedTaskBody(const TaskSnapshot& snapshot);

// The body of GET /api/v1/tasks/{id}: {"task", "messages", "read_only"} with the full TaskInfo.
// `snapshot` must have passed CheckMessages.
std::string TaskDetailsBody(const TaskSnapshot& snapshot, bool read_only);

}  // namespace taskshare
