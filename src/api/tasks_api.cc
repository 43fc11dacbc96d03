#include "api/tasks_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/reader_view.h"
#include "api/share_requests.h"
#include "api/task_requests.h"
#include "common/ids.h"
#include "domain/access.h"
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

Response CreateTask(Store& store, const Quotas& quotas, const User& caller, std::string_view body,
                    UnixMicros now) {
  auto in = ParseCreateTask(body);
  if (!in.ok()) return ErrorResponse(in.status());
  Task& task = in->task;
  if (Status s = CheckSecretNames(quotas, task.secret_names.size()); !s.ok()) return ErrorResponse(s);
  task.owner_id = caller.id;
  task.status = TaskStatus::kPending;
  task.created_at = task.updated_at = now;
  if (Status s = store.CreateTask(task, in->messages); !s.ok()) return ErrorResponse(s);
  return Json({{"id", task.id}, {"status", "pending"}}, 202);
}

Response ListTasks(Store& store, const User& caller, const QueryParams& params, std::string_view public_url,
                   UnixMicros now) {
  auto query = ParseListQuery(params, caller.id);
  if (!query.ok()) return ErrorResponse(query.status());
  auto page = store.ListTasks(*query);
  if (!page.ok()) return ErrorResponse(page.status());
  json::array tasks;
  tasks.reserve(page->tasks.size());
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

Response GetTask(Store& store, secrets::ViewRedactors& redactors, const User& caller, std::string_view raw_id,
                 UnixMicros now) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  auto view = LoadReaderView(store, redactors, *id, &caller, now);
  if (!view.ok()) return ErrorResponse(view.status());
  return JsonResponse(TaskDetailsBody(view->snapshot, view->fields(), !view->owner));
}

Response PatchTask(Store& store, const User& caller, std::string_view raw_id, std::string_view body,
                   UnixMicros now) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  auto patch = ParsePatchTask(body);
  if (!patch.ok()) return ErrorResponse(patch.status());
  auto updated = store.UpdateTask(task->id, *patch, now);
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

Response AppendMessages(Store& store, const User& caller, std::string_view raw_id, std::string_view body,
                        UnixMicros now) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  auto messages = ParseAppendMessages(body);
  if (!messages.ok()) return ErrorResponse(messages.status());
  auto result = store.AppendMessages(task->id, *messages, now);
  if (!result.ok()) return ErrorResponse(TaskLookupError(result.status()));
  return Json({{"appended", result->appended}, {"message_count", result->message_count}});
}

}  // namespace taskshare::api
