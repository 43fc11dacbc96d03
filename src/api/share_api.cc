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

// The largest body the cache keeps packed. Each send of a packed body decompresses it into its
// connection's buffer (http/server.cc), so this bounds that buffer; larger bodies are kept as they are.
constexpr std::size_t kMostPackedBytes = 256 << 10;

// The errors of a snapshot read as a share link reports them.
Status ShareReadError(const Status& status) {
  if (status.code() == Code::kNotFound) return Status::NotFound("Task not found");
  if (status.code() == Code::kInternal) return Status::Internal("Failed to load snapshot", status.detail());
  return status;
}

// The task's own texts that a share view shows, through `redactor`.
void RedactTaskFields(Task& task, const redact::Redactor& redactor) {
  task.title = redactor.RedactText(task.title);
  if (task.schedule_info && task.schedule_info->schedule_name) {
    task.schedule_info->schedule_name = redactor.RedactText(*task.schedule_info->schedule_name);
  }
}

BuiltResponse ErrorBuilt(const Status& status) {
  Response error = ErrorResponse(status);
  return {CachedResponse::Make(error.status, kJson, std::move(error.body), CachedResponse::Policy::kNoStore),
          status.code() == Code::kForbidden,
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
                      true,
                      {}};
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

BuiltResponse BuildSharedTask(Store& store, const secrets::SecretBox* secrets, const std::string& id) {
  if (store.KeepsMessageBlocks()) {
    auto blocks = LoadSharedBlocks(store, secrets, id);
    if (!blocks.ok()) return ErrorBuilt(blocks.status());
    if (*blocks) return BuiltFromBlocks(std::move(**blocks));
  }
  auto snapshot = LoadSharedSnapshot(store, secrets, id);
  if (!snapshot.ok()) return ErrorBuilt(snapshot.status());
  return {CachedResponse::Make(200, kJson, SharedTaskBody(*snapshot), CachedResponse::Policy::kRevalidate, {},
                               ShareCacheExpiry(snapshot->task)),
          true,
          {}};
}

}  // namespace

std::int64_t ShareCacheExpiry(const Task& task) { return task.share.expires_at.value_or(0); }

void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values) {
  // The built-in rules alone are immutable, so one instance serves every thread; a task with secrets
  // gets a redactor of its own (built once per cache fill).
  std::optional<redact::Redactor> with_secrets;
  if (!secret_values.empty()) with_secrets.emplace(secret_values);
  const redact::Redactor& redactor = with_secrets ? *with_secrets : redact::Redactor::BuiltIn();
  RedactTaskFields(snapshot.task, redactor);
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
  if (!snapshot.ok()) return ShareReadError(snapshot.status());
  if (Status s = CheckShareOpen(snapshot->task, NowMicros()); !s.ok()) return s;
  ApplySharePin(*snapshot);
  if (snapshot->task.share.redact) {
    auto values = secrets::SecretValuesOf(store, secrets, snapshot->task);
    if (!values.ok()) return values.status();
    RedactForViewers(*snapshot, *values);
  }
  return snapshot;
}

Result<std::optional<SharedBlocks>> LoadSharedBlocks(Store& store, const secrets::SecretBox* secrets,
                                                     const std::string& id) {
  const std::optional<SharedBlocks> kFromRows;  // the answer when LoadSharedSnapshot must be used
  auto packed = store.GetPackedSnapshot(id);
  if (!packed.ok()) return ShareReadError(packed.status());
  SharedBlocks view{std::move(packed->task), {}, std::move(packed->blocks)};
  Task& task = view.task;
  if (Status s = CheckShareOpen(task, NowMicros()); !s.ok()) return s;
  if (const std::optional<std::int64_t> shown = ShownMessageCount(task.share)) {
    std::size_t kept = 0;
    std::int64_t count = 0;
    while (kept < view.blocks.size() && count + view.blocks[kept].count <= *shown) {
      count += view.blocks[kept++].count;
    }
    if (kept < view.blocks.size() && count < *shown) return kFromRows;  // the pin is inside a block
    view.blocks.resize(kept);
  }
  ApplySharePinToTask(task);
  if (task.share.redact) {
    auto values = secrets::SecretValuesOf(store, secrets, task);
    if (!values.ok()) return values.status();
    if (!values->empty()) return kFromRows;
    RedactTaskFields(task, redact::Redactor::BuiltIn());
  }
  bool clean = true;
  for (std::size_t i = 0; i < view.blocks.size(); ++i) {
    if (i != 0) view.joined += ',';
    if (Status s = UnpackBlock(id, view.blocks[i], view.joined, &clean); !s.ok()) return ShareReadError(s);
  }
  if (task.share.redact && !clean) return kFromRows;
  return std::optional<SharedBlocks>(std::move(view));
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
