#include "api/tasks_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/share_requests.h"
#include "api/task_requests.h"
#include "common/ids.h"
#include "domain/access.h"
#include "domain/share_view.h"
#include "domain/task_json.h"
#include "domain/task_views.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

Response Json(const json::object& o, int status = 200) { return JsonResponse(json::serialize(o), status); }

// A store failure on a task lookup, with the client-facing words of the contract.
Status TaskLookupError(const Status& s) {
  if (s.code() == Code::kNotFound) return Status::NotFound("Task not found");
  return s;
}

}  // namespace

Result<Task> OwnedTask(Store& store, const User& caller, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return Status::InvalidArgument("task id must be a UUID");
  auto task = store.GetTask(*id);
  if (!task.ok()) return TaskLookupError(task.status());
  if (!IsOwner(caller, *task)) return Status::Forbidden("only the task's owner may change it");
  return task;
}

Response CreateTask(Store& store, const User& caller, std::string_view body) {
  auto in = ParseCreateTask(body);
  if (!in.ok()) return ErrorResponse(in.status());
  Task& task = in->task;
  task.owner_id = caller.id;
  task.status = TaskStatus::kPending;
  task.created_at = task.updated_at = NowMicros();
  if (Status s = store.CreateTask(task, in->messages); !s.ok()) return ErrorResponse(s);
  return Json({{"id", task.id}, {"status", "pending"}}, 202);
}

Response ListTasks(Store& store, const User& caller, const QueryParams& params, std::string_view public_url) {
  auto query = ParseListQuery(params, caller.id);
  if (!query.ok()) return ErrorResponse(query.status());
  auto page = store.ListTasks(*query);
  if (!page.ok()) return ErrorResponse(page.status());
  json::array tasks;
  tasks.reserve(page->tasks.size());
  const UnixMicros now = NowMicros();
  for (const Task& t : page->tasks) {
    json::object info = TaskInfoToJson(t, TaskView::kFull);
    if (query->shared == true) info["share"] = ShareSettingsToJson(t, now, public_url);
    tasks.emplace_back(std::move(info));
  }
  json::object o;
  o["tasks"] = std::move(tasks);
  o["next_cursor"] = page->next ? json::value(EncodeCursor(*page->next)) : json::value(nullptr);
  o["has_more"] = page->next.has_value();
  return Json(o);
}

Response GetTask(Store& store, const User& caller, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  auto snapshot = store.GetSnapshot(*id);
  if (!snapshot.ok()) return ErrorResponse(TaskLookupError(snapshot.status()));
  if (!CanRead(caller, snapshot->task)) return ErrorResponse(Status::Forbidden("you may not read this task"));
  const bool owner = IsOwner(caller, snapshot->task);
  // Anyone else reads a shared task as its link shows it: no message after a pin, nothing once expired.
  if (!owner && IsShared(snapshot->task.visibility)) {
    if (Status s = CheckShareOpen(snapshot->task, NowMicros()); !s.ok()) return ErrorResponse(s);
    ApplySharePin(*snapshot);
  }
  return JsonResponse(TaskDetailsBody(*snapshot, !owner));
}

Response PatchTask(Store& store, const User& caller, std::string_view raw_id, std::string_view body) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  auto patch = ParsePatchTask(body);
  if (!patch.ok()) return ErrorResponse(patch.status());
  auto updated = store.UpdateTask(task->id, *patch, NowMicros());
  if (!updated.ok()) return ErrorResponse(TaskLookupError(updated.status()));
  return Json({{"task", TaskInfoToJson(*updated, TaskView::kFull)}});
}

Response DeleteTask(Store& store, const User& caller, std::string_view raw_id) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  if (Status s = store.DeleteTask(task->id); !s.ok()) return ErrorResponse(TaskLookupError(s));
  Response r;
  r.status = 204;
  r.content_type = {};
  return r;
}

Response AppendMessages(Store& store, const User& caller, std::string_view raw_id, std::string_view body) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  auto messages = ParseAppendMessages(body);
  if (!messages.ok()) return ErrorResponse(messages.status());
  auto result = store.AppendMessages(task->id, *messages, NowMicros());
  if (!result.ok()) return ErrorResponse(TaskLookupError(result.status()));
  return Json({{"appended", result->appended}, {"message_count", result->message_count}});
}

}  // namespace taskshare::api
