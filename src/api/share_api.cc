#include "api/share_api.h"

#include "api/cached_serving.h"
#include "api/errors.h"
#include "api/reader_view.h"
#include "common/ids.h"
#include "domain/task_views.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kJson = "application/json";

// The largest body the cache keeps packed. Each send of a packed body decompresses it into its
// connection's buffer (http/server.cc), so this bounds that buffer; larger bodies are kept as they are.
constexpr std::size_t kMostPackedBytes = 256 << 10;

BuiltResponse ErrorBuilt(const Status& status) {
  Response error = ErrorResponse(status);
  return {CachedResponse::Make(error.status, kJson, std::move(error.body), CachedResponse::Policy::kNoStore),
          {},
          {}};
}

// The response from `view`, kept packed by the cache: its blocks as they were stored, LZ4-compressed,
// between the head and tail that SharedTaskBody puts around the messages.
BuiltResponse BuiltFromBlocks(SharedBlocks view) {
  std::string head = SharedTaskBodyHead(view.task);
  std::string body;
  body.reserve(head.size() + view.joined.size() + kSharedTaskBodyTail.size());
  body.append(head).append(view.joined).append(kSharedTaskBodyTail);
  BuiltResponse built{CachedResponse::Make(200, kJson, std::move(body), CachedResponse::Policy::kRevalidate,
                                           {}, ShareCacheExpiry(view.task)),
                      {},
                      SecretsOf(view.task)};
  std::size_t packed_bytes = head.size() + kSharedTaskBodyTail.size() + view.blocks.size();
  for (const MessageBlock& b : view.blocks) packed_bytes += b.data.size();
  if (built.response->body_size(CachedResponse::Variant::kIdentity) > kMostPackedBytes ||
      packed_bytes >= built.response->body_size(CachedResponse::Variant::kIdentity)) {
    return built;
  }
  PackedBody& packed = built.packed;
  packed.Reserve(packed_bytes);
  packed.Add(head, head.size(), false);
  for (std::size_t i = 0; i < view.blocks.size(); ++i) {
    if (i != 0) packed.Add(",", 1, false);
    packed.Add(view.blocks[i].data, static_cast<std::size_t>(view.blocks[i].raw_bytes), true);
  }
  packed.Add(kSharedTaskBodyTail, kSharedTaskBodyTail.size(), false);
  return built;
}

BuiltResponse BuildSharedTask(Store& store, secrets::ViewRedactors& redactors, const std::string& id,
                              UnixMicros now) {
  auto view = LoadAnonymousView(store, redactors, id, now);
  if (!view.ok()) return ErrorBuilt(view.status());
  if (view->blocks) return BuiltFromBlocks(std::move(*view->blocks));
  const TaskSnapshot& shown = view->rows.snapshot;
  return {CachedResponse::Make(200, kJson, SharedTaskBody(shown), CachedResponse::Policy::kRevalidate, {},
                               ShareCacheExpiry(shown.task)),
          {},
          SecretsOf(shown.task)};
}

}  // namespace

std::int64_t ShareCacheExpiry(const Task& task) { return task.share.expires_at.value_or(0); }

std::optional<Response> GetSharedTaskCached(ResponseCache& cache, const Request& request,
                                            std::string_view id) {
  return ServeFromCache(cache, CachedView::kShareJson, id, request);
}

Response GetSharedTask(Store& store, secrets::ViewRedactors& redactors, ResponseCache& cache,
                       const Request& request, std::string_view raw_id, UnixMicros now) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  return ServeThroughCache(cache, CachedView::kShareJson, *id, request, [&store, &redactors, &id, now] {
    return BuildSharedTask(store, redactors, *id, now);
  });
}

}  // namespace taskshare::api
