// Parsing of the task API's request bodies and query strings into domain values. Every function is
// strict: a wrong type, an unknown enum value or an unknown field is kInvalidArgument with a message
// that names it. Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "domain/task.h"
#include "storage/store.h"

namespace taskshare::api {

// A POST /api/v1/tasks body, as a task to store (owner, times and seq left for the caller) and its
// first messages. `id` is a fresh UUID v4 when the body has none.
struct CreateTaskInput {
  Task task;
  std::vector<NewMessage> messages;
};
Result<CreateTaskInput> ParseCreateTask(std::string_view body);

// A PATCH /api/v1/tasks/{id} body; refuses an empty patch.
Result<TaskPatch> ParsePatchTask(std::string_view body);

// A POST /api/v1/tasks/{id}/messages body: 1 to kMaxMessagesPerAppend objects.
Result<std::vector<NewMessage>> ParseAppendMessages(std::string_view body);

// The decoded query parameters of GET /api/v1/tasks, as a query for `owner_id`.
Result<TaskQuery> ParseListQuery(const std::vector<std::pair<std::string, std::string>>& params,
                                 std::string owner_id);

// The opaque cursor of a list position, and back (kInvalidArgument for a cursor it did not make).
std::string EncodeCursor(const ListPosition& position);
Result<ListPosition> DecodeCursor(std::string_view cursor);

// The paging parameters every list takes (GET /api/v1/tasks, GET /api/v1/schedules): `limit`, an
// integer from 1 to kMaxPageSize (storage/store.h), into `limit`, and `cursor` (EncodeCursor's) into `after`.
// True if `key` is one of them, false for any other key (left to the caller), kInvalidArgument for a bad
// value.
Result<bool> ParsePagingParameter(std::string_view key, std::string_view value, int& limit,
                                  std::optional<ListPosition>& after);

// A whole imported task file: a SharedTaskResponse or a Get-task-details response.
struct ImportedTask {
  Task task;
  std::vector<NewMessage> messages;
  std::optional<std::string> created_by;  // the file's task.created_by, if any
};
Result<ImportedTask> ParseImportedTask(std::string_view text);

}  // namespace taskshare::api
