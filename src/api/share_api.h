// GET /api/v1/tasks/{id}/share: the unauthenticated, read-only view of a shared task.
// Blocking (reads the store); thread-safe.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "storage/store.h"

namespace taskshare::api {

// 200 SharedTaskResponse for public and unlisted tasks; 400 for a malformed id; 403 "Task is not
// shared"; 404 "Task not found"; 500 "Failed to load snapshot" if the transcript cannot be read back
// intact. Credentials are never looked at.
Response GetSharedTask(Store& store, std::string_view raw_id);

}  // namespace taskshare::api
