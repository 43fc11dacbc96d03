#include "api/share_api.h"

#include "api/cached_serving.h"
#include "api/errors.h"
#include "common/ids.h"
#include "domain/share_view.h"
#include "domain/task_views.h"
#include "redact/redactor.h"
#include "secrets/task_secrets.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kJson = "application/json";

BuiltResponse ErrorBuilt(const Status& status) {
  Response error = ErrorResponse(status);
  return {CachedResponse::Make(error.status, kJson, std::move(error.body), CachedResponse::Policy::kNoStore),
          status.code() == Code::kForbidden};
}

BuiltResponse BuildSharedTask(Store& store, const secrets::SecretBox* secrets, const std::string& id) {
  auto snapshot = LoadSharedSnapshot(store, secrets, id);
  if (!snapshot.ok()) return ErrorBuilt(snapshot.status());
  return {CachedResponse::Make(200, kJson, SharedTaskBody(*snapshot), CachedResponse::Policy::kRevalidate, {},
                               ShareCacheExpiry(snapshot->task)),
          true};
}

}  // namespace

std::int64_t ShareCacheExpiry(const Task& task) { return task.share.expires_at.value_or(0); }

void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values) {
  // The built-in rules alone are immutable, so one instance serves every thread; a task with secrets
  // gets a redactor of its own (built once per cache fill).
  std::optional<redact::Redactor> with_secrets;
  if (!secret_values.empty()) with_secrets.emplace(secret_values);
  const redact::Redactor& redactor = with_secrets ? *with_secrets : redact::Redactor::BuiltIn();
  Task& task = snapshot.task;
  task.title = redactor.RedactText(task.title);
  if (task.schedule_info && task.schedule_info->schedule_name) {
    task.schedule_info->schedule_name = redactor.RedactText(*task.schedule_info->schedule_name);
  }
  // A message stored with the current built-in rules' verdict that they leave it unchanged is skipped,
  // unless the task's own secret values must be looked for too.
  const std::vector<bool>& verdicts = snapshot.needs_no_redaction;
  for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
    if (!with_secrets && i < verdicts.size() && verdicts[i]) continue;
    snapshot.messages[i] = redactor.RedactJson(snapshot.messages[i]);
  }
}

Result<TaskSnapshot> LoadSharedSnapshot(Store& store, const secrets::SecretBox* secrets,
                                        const std::string& id) {
  auto snapshot = store.GetSnapshot(id);
  if (!snapshot.ok()) {
    if (snapshot.status().code() == Code::kNotFound) return Status::NotFound("Task not found");
    if (snapshot.status().code() == Code::kInternal) {
      return Status::Internal("Failed to load snapshot", snapshot.status().detail());
    }
    return snapshot.status();
  }
  if (Status s = CheckShareOpen(snapshot->task, NowMicros()); !s.ok()) return s;
  ApplySharePin(*snapshot);
  if (snapshot->task.share.redact) {
    auto values = secrets::SecretValuesOf(store, secrets, snapshot->task);
    if (!values.ok()) return values.status();
    RedactForViewers(*snapshot, *values);
  }
  return snapshot;
}

std::optional<Response> GetSharedTaskCached(ResponseCache& cache, const Request& request,
                                            std::string_view id) {
  return ServeFromCache(cache, CachedView::kShareJson, id, request);
}

Response GetSharedTask(Store& store, const secrets::SecretBox* secrets, ResponseCache& cache,
                       const Request& request, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  return ServeThroughCache(cache, CachedView::kShareJson, *id, request,
                           [&store, secrets, &id] { return BuildSharedTask(store, secrets, *id); });
}

}  // namespace taskshare::api
