// What a reader sees of a task: the one place that decides it, for every path that shows a task to
// anyone (the JSON share endpoint, the share page, GET /api/v1/tasks/{id}, and any path added later).
//
// The owner sees the original. Everyone else (users of the owner's team, support users, admins,
// other users, anonymous viewers of a share link) sees the share view:
//   - open only if they may read the task at all (domain/access.h) and, for a shared (public or
//     unlisted) task, only until the link's expires_at (domain/share_view.h);
//   - cut at the owner's pin;
//   - without `secret_names`, and without `created_by` unless the owner set show_creator;
//   - with the values of every secret the task names (current and retired ones, secrets/
//     task_secrets.h) replaced by [REDACTED:secret], whatever the share settings say, and with the
//     built-in credential rules applied unless the owner set redact: false;
//   - in every field a reader can see: title, model, created_by, the schedule's name, and every
//     message at any depth (strings, keys and numbers); a project_id that holds a secret value is
//     left out (it is an optional UUID, and there is nothing to put in its place).
//
// Thread-safe; blocks on the store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/task.h"
#include "domain/task_json.h"
#include "domain/user.h"
#include "redact/redactor.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"

namespace taskshare::api {

// A task as one reader sees it.
struct ReaderView {
  TaskSnapshot snapshot;
  bool owner = false;  // the reader owns the task, and sees the original
  // Which TaskInfo fields the reader gets: kFull for the owner, kAnonymous for everyone else.
  [[nodiscard]] TaskView fields() const { return owner ? TaskView::kFull : TaskView::kAnonymous; }
  // What the snapshot was redacted with, for a caller that shows its texts in another form (the
  // page's markdown, which must hide what the JSON hides however the markdown spells it). Null when
  // nothing is redacted: for the owner, and for a share with redact: false and no secret values.
  std::shared_ptr<const redact::Redactor> redactor;
};

// Task `id` (canonical) as `reader` sees it at time `now` (the server's clock, common/clock.h, against
// which a link's expires_at is compared); `reader` null is an anonymous share-link viewer. Errors:
// kNotFound "Task not found"; kForbidden "Task is not shared" (anonymous, and the task is not public
// or unlisted), "you may not read this task" (a user the visibility table keeps out), "This share
// link has expired" (anyone but the owner, past a shared task's expires_at); kInternal "Failed to load
// snapshot" if it cannot be read back intact; kUnavailable when the values of the secrets the task
// names cannot be read (no key in `redactors`, or another one): a non-owner never gets a view with a
// stored secret left in it. The redactor comes from `redactors`, shared with other views of the task.
Result<ReaderView> LoadReaderView(Store& store, secrets::ViewRedactors& redactors, const std::string& id,
                                  const User* reader, UnixMicros now);

// The anonymous share view of task `id` from the store's message blocks (Store::GetPackedSnapshot),
// when they give what LoadReaderView(store, secrets, id, nullptr, now) would, byte for byte: the task as the
// link shows it, and its shown messages' texts joined by ',' (storage/message_blocks.h) with the
// blocks they came from. nullopt when they do not and LoadReaderView must be used: a message the
// built-in rules would change, a task naming secret values, a pin inside a block. Errors as
// LoadReaderView's, a damaged block included. The store must keep blocks.
struct SharedBlocks {
  Task task;
  std::string joined;
  std::vector<MessageBlock> blocks;
};
Result<std::optional<SharedBlocks>> LoadSharedBlocks(Store& store, secrets::ViewRedactors& redactors,
                                                     const std::string& id, UnixMicros now);

// Redacts, with `redactor`, every field of `snapshot` that a reader can see (the list above). A
// message the snapshot marks as needing no redaction (its stored verdict under the current built-in
// rules) is not scanned again when `redactor` is the built-in rules alone.
void RedactForViewers(TaskSnapshot& snapshot, const redact::Redactor& redactor);

// RedactForViewers with secrets::ViewRedactor(snapshot.task.share, secret_values), as LoadReaderView redacts a
// view for a reader other than the owner.
void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values = {});

}  // namespace taskshare::api
