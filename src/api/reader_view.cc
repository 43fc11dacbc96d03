#include "api/reader_view.h"

#include <variant>

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

// Ok if `reader` (null: anonymous) other than the owner may see `task` at all at `now`.
Status CheckOpen(const Task& task, const User* reader, UnixMicros now) {
  if (reader == nullptr) return CheckShareOpen(task, now);
  if (!CanRead(*reader, task)) return Status::Forbidden("you may not read this task", Reason::kNotReadable);
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

// A snapshot's messages, one text per row: never declines.
class RowsToShow : public MessagesToShow {
 public:
  explicit RowsToShow(TaskSnapshot& snapshot) : snapshot_(snapshot) {}

  bool KeepFirst(std::size_t count) override {
    if (snapshot_.messages.size() > count) snapshot_.messages.resize(count);
    if (snapshot_.needs_no_redaction.size() > count) snapshot_.needs_no_redaction.resize(count);
    return true;
  }
  bool Redact(const redact::Redactor& redactor) override {
    // A stored verdict says the built-in rules leave a body unchanged; it says nothing of secret values.
    const bool verdicts_hold = &redactor == &redact::Redactor::BuiltIn();
    const std::vector<bool>& verdicts = snapshot_.needs_no_redaction;
    for (std::size_t i = 0; i < snapshot_.messages.size(); ++i) {
      if (verdicts_hold && i < verdicts.size() && verdicts[i]) continue;
      snapshot_.messages[i] = redactor.RedactJson(snapshot_.messages[i]);
    }
    return true;
  }

 private:
  TaskSnapshot& snapshot_;
};

// A task's message blocks, which are served as stored: a cut must fall between blocks, and redaction
// is only the check that the built-in rules leave every block unchanged (its stored verdict).
class BlocksToShow : public MessagesToShow {
 public:
  BlocksToShow(std::string_view id, std::vector<MessageBlock>& blocks) : id_(id), blocks_(blocks) {}

  bool KeepFirst(std::size_t count) override {
    std::size_t kept = 0;
    std::size_t shown = 0;
    while (kept < blocks_.size() && shown + static_cast<std::size_t>(blocks_[kept].count) <= count) {
      shown += static_cast<std::size_t>(blocks_[kept++].count);
    }
    if (kept < blocks_.size() && shown < count) return false;  // the pin is inside a block
    blocks_.resize(kept);
    return true;
  }
  bool Redact(const redact::Redactor& redactor) override {
    if (redactor.has_secrets()) return false;
    redacted_ = true;
    return true;
  }

  // The shown blocks' texts joined by ','; nullopt if a block the view is redacted in is not clean.
  Result<std::optional<std::string>> Joined() const {
    std::string joined;
    bool clean = true;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      if (i != 0) joined += ',';
      if (Status s = UnpackBlock(id_, blocks_[i], joined, &clean); !s.ok()) return ReadError(s);
    }
    if (redacted_ && !clean) return std::optional<std::string>();
    return std::optional<std::string>(std::move(joined));
  }

 private:
  std::string_view id_;
  std::vector<MessageBlock>& blocks_;
  bool redacted_ = false;
};

RedactorOf RedactorsOf(Store& store, secrets::ViewRedactors& redactors) {
  return [&store, &redactors](const Task& task) { return redactors.For(store, task); };
}

// ShowTask over the rows of `view.snapshot`.
Status ShowRows(ReaderView& view, const User* reader, UnixMicros now, const RedactorOf& redactor_of) {
  RowsToShow rows(view.snapshot);
  auto shown = ShowTask(view.snapshot.task, rows, reader, now, redactor_of);
  if (!shown.ok()) return shown.status();
  static_cast<ShownTask&>(view) = std::move(*shown);
  return Status::Ok();
}

// ShowTask for an anonymous reader over `view`'s blocks, which it cuts at the pin and unpacks into
// `view.joined`: true if the blocks serve as they are, false if they decline (`view.task` and
// `view.blocks` may have been changed then).
Result<bool> ShowBlocks(std::string_view id, SharedBlocks& view, UnixMicros now,
                        const RedactorOf& redactor_of) {
  BlocksToShow blocks(id, view.blocks);
  auto shown = ShowTask(view.task, blocks, nullptr, now, redactor_of);
  if (!shown.ok()) return shown.status();
  if (shown->declined) return false;
  auto joined = blocks.Joined();
  if (!joined.ok()) return joined.status();
  if (!*joined) return false;
  view.joined = std::move(**joined);
  return true;
}

}  // namespace

Result<ShownTask> ShowTask(Task& task, MessagesToShow& messages, const User* reader, UnixMicros now,
                           const RedactorOf& redactor_of) {
  ShownTask shown;
  if (reader != nullptr && IsOwner(*reader, task)) {
    shown.owner = true;
    return shown;
  }
  if (Status s = CheckOpen(task, reader, now); !s.ok()) return s;
  if (const std::optional<std::int64_t> count = ShownMessageCount(task.share)) {
    if (!messages.KeepFirst(static_cast<std::size_t>(*count))) {
      shown.declined = true;
      return shown;
    }
  }
  ApplySharePinToTask(task);
  auto redactor = redactor_of(task);
  if (!redactor.ok()) return redactor.status();
  shown.redactor = std::move(*redactor);
  if (shown.redactor) {
    RedactTaskFields(task, *shown.redactor);
    shown.declined = !messages.Redact(*shown.redactor);
  }
  return shown;
}

Result<ShownTask> ShowListedTask(Task& task, Store& store, secrets::ViewRedactors& redactors,
                                 const User* reader, UnixMicros now) {
  class NoMessages : public MessagesToShow {
   public:
    bool KeepFirst(std::size_t) override { return true; }
    bool Redact(const redact::Redactor&) override { return true; }
  } none;
  auto shown = ShowTask(task, none, reader, now, RedactorsOf(store, redactors));
  if (!shown.ok() || shown->owner) return shown;
  task.secret_names.clear();
  if (!task.share.show_creator) task.created_by.clear();
  return shown;
}

void RedactForViewers(TaskSnapshot& snapshot, const redact::Redactor& redactor) {
  RedactTaskFields(snapshot.task, redactor);
  RowsToShow(snapshot).Redact(redactor);
}

void RedactForViewers(TaskSnapshot& snapshot, const std::vector<std::string>& secret_values) {
  if (auto redactor = secrets::ViewRedactor(snapshot.task.share, secret_values)) {
    RedactForViewers(snapshot, *redactor);
  }
}

Result<ReaderView> LoadReaderView(Store& store, secrets::ViewRedactors& redactors, const std::string& id,
                                  const User* reader, UnixMicros now) {
  auto snapshot = store.GetSnapshot(id);
  if (!snapshot.ok()) return ReadError(snapshot.status());
  ReaderView view;
  view.snapshot = std::move(*snapshot);
  if (Status s = ShowRows(view, reader, now, RedactorsOf(store, redactors)); !s.ok()) return s;
  return view;
}

Result<std::optional<SharedBlocks>> LoadSharedBlocks(Store& store, secrets::ViewRedactors& redactors,
                                                     const std::string& id, UnixMicros now) {
  auto read = store.GetShareSnapshot(id);
  if (!read.ok()) return ReadError(read.status());
  auto* packed = std::get_if<PackedSnapshot>(&*read);
  if (!packed) return std::optional<SharedBlocks>();  // rows: LoadReaderView must be used
  SharedBlocks view{std::move(packed->task), {}, std::move(packed->blocks)};
  auto served = ShowBlocks(id, view, now, RedactorsOf(store, redactors));
  if (!served.ok()) return served.status();
  if (!*served) return std::optional<SharedBlocks>();  // LoadReaderView must be used
  return std::optional<SharedBlocks>(std::move(view));
}

Result<AnonymousView> LoadAnonymousView(Store& store, secrets::ViewRedactors& redactors,
                                        const std::string& id, UnixMicros now) {
  const RedactorOf redactor_of = RedactorsOf(store, redactors);
  AnonymousView out;
  auto read = store.GetShareSnapshot(id);
  if (!read.ok()) return ReadError(read.status());
  auto* packed = std::get_if<PackedSnapshot>(&*read);
  if (!packed) {
    out.rows.snapshot = std::move(std::get<TaskSnapshot>(*read));
    if (Status s = ShowRows(out.rows, nullptr, now, redactor_of); !s.ok()) return s;
    return out;
  }
  SharedBlocks view{packed->task, {}, std::move(packed->blocks)};
  auto served = ShowBlocks(id, view, now, redactor_of);
  if (!served.ok()) return served.status();
  if (*served) {
    out.blocks = std::move(view);
    return out;
  }
  // Declined: the rows from the blocks already read (cut at the pin, if they were, which the rows'
  // own cut then leaves as it is), never a second read.
  out.rows.snapshot.task = std::move(packed->task);
  if (Status s = UnpackMessages(id, view.blocks, out.rows.snapshot); !s.ok()) return ReadError(s);
  if (Status s = ShowRows(out.rows, nullptr, now, redactor_of); !s.ok()) return s;
  return out;
}

}  // namespace taskshare::api
