#include "api/share_api.h"

#include "api/errors.h"
#include "common/ids.h"
#include "domain/access.h"
#include "domain/task_views.h"

namespace taskshare::api {

Response GetSharedTask(Store& store, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  auto snapshot = store.GetSnapshot(*id);
  if (!snapshot.ok()) {
    if (snapshot.status().code() == Code::kNotFound) return ErrorResponse(Status::NotFound("Task not found"));
    if (snapshot.status().code() == Code::kInternal) {
      return ErrorResponse(Status::Internal("Failed to load snapshot", snapshot.status().detail()));
    }
    return ErrorResponse(snapshot.status());
  }
  if (!IsShared(snapshot->task.visibility)) return ErrorResponse(Status::Forbidden("Task is not shared"));
  auto body = SharedTaskBody(*snapshot);
  if (!body.ok()) return ErrorResponse(body.status());
  return JsonResponse(std::move(*body));
}

}  // namespace taskshare::api
