#include "api/reader_view.h"

#include "domain/access.h"
#include "domain/share_view.h"
#include "storage/message_blocks.h"

namespace taskshare::api {
namespace {

// The errors of a snapshot read as a reader is told them.
Status ReadError(const Status& status) {
  if (status.code() == Code::kNotFound) return Status::NotFound("Task not found");
  if (status.code() == Code::kInternal) return Status::Internal("Failed to load snapshot", status.detail());
  return status;
}

// Ok if `reader` (null: anonymous) may see `task` at all at `now`.
Status CheckOpen(const Task& task, const User* reader, UnixMicros now) {
  if (reader == nullptr) return CheckShareOpen(task, now);
  if (!CanRead(*reader, task)) return Status::Forbidden("you may not read this task");
  if (IsShared(task.visibility)) return CheckShareOpen(task, now);
  return Status::Ok();
}

// The texts of a task outside its messages, as a reader other than the owner is shown them. Kept
// beside TaskInfoToJson's list of fields by ReaderViewTest.EveryServedFieldIsRedacted.
void RedactTaskFields(Task& task, const redact::Redactor& redactor) {
  task.title = redactor.RedactText(task.title);
  if (task.model) task.model = redactor.RedactText(*task.model);
  task.created_by = redactor.RedactText(task.created_by);
  if (task.project_id && redactor.RedactText(*task.project_id) != *task.project_id) task.project_id.reset();
  if (task.schedule_info && task.schedule_info->schedule_name) {
    task.schedule_info->schedule_name = redactor.RedactText(*task.schedule_info->schedule_name);
  }
}

}  // namespace

void RedactForViewers(TaskSnapshot& snapshot, const redact::Redactor& redactor) {
  RedactTaskFields(snapshot.task, redactor);
  // A stored verdict says the built-in rules leave a body unchanged; it says nothing of secret values.
  const bool verdicts_hold = &redactor == &redact::Redactor::BuiltIn();
  const std::vector<bool>& verdicts = snapshot.needs_no_redaction;
  for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
    if (verdicts_hold && i < verdicts.size() && verdicts[i]) continue;
    snapshot.messages[i] = redactor.RedactJson(snapshot.messages[i]);
  }
}

void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values) {
  if (auto redactor = secrets::ViewRedactor(snapshot.task.share, secret_values)) RedactForViewers(snapshot, *redactor);
}

Result<ReaderView> LoadReaderView(Store& store, secrets::ViewRedactors& redactors, const std::string& id,
                                  const User* reader, UnixMicros now) {
  auto snapshot = store.GetSnapshot(id);
  if (!snapshot.ok()) return ReadError(snapshot.status());
  ReaderView view;
  view.snapshot = std::move(*snapshot);
  Task& task = view.snapshot.task;
  if (reader != nullptr && IsOwner(*reader, task)) {
    view.owner = true;
    return view;
  }
  if (Status s = CheckOpen(task, reader, now); !s.ok()) return s;
  ApplySharePin(view.snapshot);
  auto redactor = redactors.For(store, task);
  if (!redactor.ok()) return redactor.status();
  view.redactor = std::move(*redactor);
  if (view.redactor) RedactForViewers(view.snapshot, *view.redactor);
  return view;
}

Result<std::optional<SharedBlocks>> LoadSharedBlocks(Store& store, secrets::ViewRedactors& redactors,
                                                     const std::string& id, UnixMicros now) {
  const std::optional<SharedBlocks> kFromRows;  // the answer when LoadReaderView must be used
  auto packed = store.GetPackedSnapshot(id);
  if (!packed.ok()) return ReadError(packed.status());
  SharedBlocks view{std::move(packed->task), {}, std::move(packed->blocks)};
  Task& task = view.task;
  if (Status s = CheckOpen(task, nullptr, now); !s.ok()) return s;
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
  auto found = redactors.For(store, task);
  if (!found.ok()) return found.status();
  const std::shared_ptr<const redact::Redactor> redactor = std::move(*found);
  if (redactor && redactor->has_secrets()) return kFromRows;
  if (redactor) RedactTaskFields(task, *redactor);
  bool clean = true;
  for (std::size_t i = 0; i < view.blocks.size(); ++i) {
    if (i != 0) view.joined += ',';
    if (Status s = UnpackBlock(id, view.blocks[i], view.joined, &clean); !s.ok()) return ReadError(s);
  }
  if (redactor && !clean) return kFromRows;
  return std::optional<SharedBlocks>(std::move(view));
}

}  // namespace taskshare::api
