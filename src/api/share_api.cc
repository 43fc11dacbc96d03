#include "api/share_api.h"

#include "api/errors.h"
#include "api/negotiation.h"
#include "common/ids.h"
#include "domain/access.h"
#include "domain/task_views.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kJson = "application/json";

// The share response of task `id` as the store has it now: a 200 or a 403 to cache, or the error
// response of anything else (never cached).
Result<std::shared_ptr<const CachedResponse>> BuildSharedTask(Store& store, const std::string& id) {
  auto snapshot = store.GetSnapshot(id);
  if (!snapshot.ok()) {
    if (snapshot.status().code() == Code::kNotFound) return Status::NotFound("Task not found");
    if (snapshot.status().code() == Code::kInternal) {
      return Status::Internal("Failed to load snapshot", snapshot.status().detail());
    }
    return snapshot.status();
  }
  if (!IsShared(snapshot->task.visibility)) {
    Response forbidden = ErrorResponse(Status::Forbidden("Task is not shared"));
    return CachedResponse::Make(forbidden.status, kJson, std::move(forbidden.body), CachedResponse::Policy::kNoStore);
  }
  auto body = SharedTaskBody(*snapshot);
  if (!body.ok()) return body.status();
  return CachedResponse::Make(200, kJson, std::move(*body), CachedResponse::Policy::kRevalidate);
}

bool NeedsGzip(const CachedResponse& cached, const Request& request) {
  return cached.status() == 200 && !cached.has_gzip_attempted() && AcceptsGzip(request.accept_encoding);
}

}  // namespace

std::optional<Response> GetSharedTaskCached(ResponseCache& cache, const Request& request, std::string_view id) {
  auto cached = cache.Get(id, CachedView::kShareJson);
  if (!cached || NeedsGzip(*cached, request)) return std::nullopt;
  return Serve(std::move(cached), request);
}

Response GetSharedTask(Store& store, ResponseCache& cache, const Request& request, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  // The ticket comes first: whatever is read after it is dropped by Fill() if a write lands meanwhile.
  const ResponseCache::Ticket ticket = cache.BeginFill(*id);
  auto cached = cache.Get(*id, CachedView::kShareJson);
  bool fresh = false;
  if (!cached) {
    auto built = BuildSharedTask(store, *id);
    if (!built.ok()) return ErrorResponse(built.status());
    cached = std::move(*built);
    fresh = true;
  }
  if (NeedsGzip(*cached, request)) {
    cached = cached->WithGzip();
    fresh = true;
  }
  if (fresh) cache.Fill(ticket, *id, CachedView::kShareJson, cached);
  return Serve(std::move(cached), request);
}

}  // namespace taskshare::api
