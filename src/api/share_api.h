// GET /api/v1/tasks/{id}/share: the unauthenticated, read-only view of a shared task, as JSON.
//
// Between two writes the share response of a task is a fixed string of bytes, so it is built once,
// kept in the ResponseCache (the 200 with its ETag and gzip variant, or the 403 of a task that is not
// shared), and served from there until a write invalidates it (a write to the owner's secrets
// included) or, for a link with an expiry, until it expires. Credentials are never looked at.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "cache/response_cache.h"
#include "secrets/secret_box.h"
#include "storage/store.h"

namespace taskshare::api {

// The snapshot of task `id` as a share link may show it now: kNotFound "Task not found", kForbidden
// "Task is not shared" unless the task is public or unlisted, kForbidden "This share link has expired"
// past its expires_at, kInternal "Failed to load snapshot" if it cannot be read back intact,
// kUnavailable when the values of the owner's secrets that the task names cannot be read
// (secrets/task_secrets.h: no key in `secrets`, or the wrong one); cut at the owner's pin
// (domain/share_view.h) and, unless the owner turned redaction off, with credentials and those values
// redacted as RedactForViewers does. What it decides is what a share link serves, for the JSON endpoint
// and the page alike; LoadSharedBlocks below gives the same view from message blocks, or declines.
// `secrets` is null when the server has no secrets key.
Result<TaskSnapshot> LoadSharedSnapshot(Store& store, const secrets::SecretBox* secrets,
                                        const std::string& id);

// A share view made from the task's message blocks: the task as the link shows it, and its shown
// messages' texts joined by ',' (storage/message_blocks.h) with the blocks they came from.
struct SharedBlocks {
  Task task;
  std::string joined;
  std::vector<MessageBlock> blocks;
};

// LoadSharedSnapshot's view of task `id`, from the store's message blocks (Store::GetPackedSnapshot),
// when they give it unchanged; nullopt when they do not and LoadSharedSnapshot must be used: a message
// the built-in rules would change, a task naming secret values to redact, a pin inside a block. Errors
// as LoadSharedSnapshot's, a damaged block included. The store must keep blocks.
Result<std::optional<SharedBlocks>> LoadSharedBlocks(Store& store, const secrets::SecretBox* secrets,
                                                     const std::string& id);

// The expires_at (Unix microseconds; 0: none) of a cached 200 built from `task`: its share's expiry,
// so that no cache serves the link's content past it.
std::int64_t ShareCacheExpiry(const Task& task);

// Replaces credentials (src/redact: keys, tokens, passwords, private keys, Authorization and Cookie
// values) and every occurrence of `secret_values` (also escaped or percent-encoded) in the title, the
// schedule name and every message, at any depth, with [REDACTED:<rule>] ([REDACTED:secret] for the
// values). Anything the share endpoints serve has been through this; the owner's own API shows the
// original. Without secret values, a message the snapshot marks as needing no redaction (its verdict,
// stored with it, under the current built-in rules) is left as it is, without being scanned again.
void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values = {});

// From the cache alone, without blocking; nullopt if the store must be read. `id` must be canonical.
std::optional<Response> GetSharedTaskCached(ResponseCache& cache, const Request& request,
                                            std::string_view id);

// The full path (blocking on a miss): 200 SharedTaskResponse; 400 for a malformed id; 403, 404 or 500
// as LoadSharedSnapshot decides, in the spec's ErrorResponse shape.
Response GetSharedTask(Store& store, const secrets::SecretBox* secrets, ResponseCache& cache,
                       const Request& request, std::string_view raw_id);

}  // namespace taskshare::api
