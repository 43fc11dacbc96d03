// What a reader sees of a task: ShowTask below is the one function that decides it, for every path
// that shows a task to anyone (the JSON share endpoint from rows or from message blocks, the share
// page, GET /api/v1/tasks/{id}, and any path added later).
//
// The owner sees the original. Everyone else (users of the owner's team, support users, admins,
// other users, anonymous viewers of a share link) sees the share view:
//   - open only if they may read the task at all (domain/access.h: a private, team or support task,
//     and a revoked link, is closed to anonymous readers) and, for a shared (public or unlisted) task,
//     only until the link's expires_at (domain/share_view.h); a refusal carries its Reason;
//   - cut at the owner's pin;
//   - without `secret_names`, and without `created_by` unless the owner set show_creator;
//   - with the values of every secret the task names (current and retired ones, secrets/
//     task_secrets.h) replaced by [REDACTED:secret], whatever the share settings say, and with the
//     built-in credential rules applied unless the owner set redact: false;
//   - in every field a reader can see: title, model, created_by, the schedule's name, and every
//     message at any depth (strings, keys and numbers); a project_id that holds a secret value is
//     left out (it is an optional UUID, and there is nothing to put in its place).
//
// Thread-safe; ShowTask blocks only in the redactor it is given, LoadReaderView and LoadSharedBlocks
// on the store.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/task.h"
#include "domain/task_json.h"
#include "domain/user.h"
#include "redact/redactor.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"

namespace taskshare::api {

// A task's messages in the form a reader path holds them (one text per row, or the store's message
// blocks), cut and redacted by ShowTask. A form may decline a step it cannot take exactly.
class MessagesToShow {
 public:
  virtual ~MessagesToShow() = default;
  // Keeps only the first `count` messages; false if this form cannot cut there.
  virtual bool KeepFirst(std::size_t count) = 0;
  // Redacts every message with `redactor`; false if this form cannot.
  virtual bool Redact(const redact::Redactor& redactor) = 0;
};

// The redactor of a view of a task shown to a reader other than its owner (ViewRedactors::For).
using RedactorOf = std::function<Result<std::shared_ptr<const redact::Redactor>>(const Task&)>;

// What ShowTask decided, beside the task and messages it changed in place.
struct ShownTask {
  bool owner = false;  // the reader owns the task, and sees the original
  // A form of the messages declined a step: nothing of this view may be served, and the caller reads
  // the task again as rows (which never decline).
  bool declined = false;
  // What the view was redacted with, for a caller that shows its texts in another form (the page's
  // markdown, which must hide what the JSON hides however the markdown spells it). Null when nothing
  // is redacted: for the owner, and for a share with redact: false and no secret values.
  std::shared_ptr<const redact::Redactor> redactor;
  // Which TaskInfo fields the reader gets: kFull for the owner, kAnonymous (no secret_names; no
  // created_by unless show_creator) for everyone else.
  [[nodiscard]] TaskView fields() const { return owner ? TaskView::kFull : TaskView::kAnonymous; }
};

// The one decision of what `reader` (null: an anonymous viewer of a share link) sees at `now` of
// `task`, with `messages` its messages in order, as the rule above states: `task` and `messages` are
// left as stored for the owner, and turned into the share view in place for anyone else. `redactor_of`
// is asked only for a reader other than the owner to whom the task is open. Errors: kForbidden "Task
// is not shared" (Reason::kNotShared; anonymous, and the task is not public or unlisted), "you may not
// read this task" (Reason::kNotReadable: a user the visibility table keeps out), "This share link has
// expired" (Reason::kShareExpired; anyone but the owner, past a shared task's expires_at); `redactor_of`'s
// errors as they are (kUnavailable when the secrets cannot be read): a non-owner never gets a view
// with a stored secret left in it.
Result<ShownTask> ShowTask(Task& task, MessagesToShow& messages, const User* reader, UnixMicros now,
                           const RedactorOf& redactor_of);

// `task`, without its messages, as `reader` sees it at `now` in a list of tasks: ShowTask on the task
// alone, and then, for a reader other than the owner, the fields TaskView::kAnonymous leaves out
// emptied (secret_names; created_by unless show_creator), so that a list shows no more than a read of
// the task would. Errors as ShowTask's: a list leaves out a task it refuses.
Result<ShownTask> ShowListedTask(Task& task, Store& store, secrets::ViewRedactors& redactors,
                                 const User* reader, UnixMicros now);

// A task as one reader sees it.
struct ReaderView : ShownTask {
  TaskSnapshot snapshot;
};

// Task `id` (canonical) as `reader` sees it at `now` (the server's clock, common/clock.h, against which
// a link's expires_at is compared): its rows read from the store, and ShowTask. Errors:
// kNotFound "Task not found"; kInternal "Failed to load snapshot" if it cannot be read back intact;
// ShowTask's, kUnavailable when the values of the secrets the task names cannot be read (no key in
// `redactors`, or another one). The redactor comes from `redactors`, shared with other views of the
// task.
Result<ReaderView> LoadReaderView(Store& store, secrets::ViewRedactors& redactors, const std::string& id,
                                  const User* reader, UnixMicros now);

// The anonymous share view of task `id` from the store's message blocks (Store::GetShareSnapshot),
// decided by ShowTask as LoadReaderView(store, redactors, id, nullptr, now) is: the task as the link shows
// it, and its shown messages' texts joined by ',' (storage/message_blocks.h) with the blocks they came
// from, byte for byte what the rows give. nullopt when the blocks decline and LoadReaderView must be
// used: a message the built-in rules would change, a task naming secret values, a pin inside a
// block, or a store that keeps no blocks. Errors as LoadReaderView's, a damaged block included.
struct SharedBlocks {
  Task task;
  std::string joined;
  std::vector<MessageBlock> blocks;
};
Result<std::optional<SharedBlocks>> LoadSharedBlocks(Store& store, secrets::ViewRedactors& redactors,
                                                     const std::string& id, UnixMicros now);

// The anonymous share view of task `id` from one read of the store (Store::GetShareSnapshot): when it
// gives message blocks, LoadSharedBlocks' view (`blocks`) if they serve as stored, and otherwise the
// rows view (`rows`, as LoadReaderView(store, redactors, id, nullptr, now) gives it) made from the
// messages of the same blocks; when it gives rows, the rows view. Errors as LoadReaderView's.
struct AnonymousView {
  std::optional<SharedBlocks> blocks;
  ReaderView rows;  // the view when `blocks` is empty
};
Result<AnonymousView> LoadAnonymousView(Store& store, secrets::ViewRedactors& redactors,
                                        const std::string& id, UnixMicros now);

// Redacts, with `redactor`, every field of `snapshot` that a reader can see (the list above). A
// message the snapshot marks as needing no redaction (its stored verdict under the current built-in
// rules) is not scanned again when `redactor` is the built-in rules alone.
void RedactForViewers(TaskSnapshot& snapshot, const redact::Redactor& redactor);

// RedactForViewers with secrets::ViewRedactor(snapshot.task.share, secret_values), as ShowTask redacts
// a view for a reader other than the owner.
void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values = {});

}  // namespace taskshare::api
