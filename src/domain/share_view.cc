#include "domain/share_view.h"

#include <algorithm>
#include <string>

#include "domain/access.h"

namespace taskshare {

bool ShareExpired(const ShareSettings& share, UnixMicros now) {
  return share.expires_at.has_value() && now >= *share.expires_at;
}

Status CheckShareOpen(const Task& task, UnixMicros now) {
  if (!IsShared(task.visibility)) return Status::Forbidden("Task is not shared", Reason::kNotShared);
  if (ShareExpired(task.share, now)) {
    return Status::Forbidden(std::string(kShareExpiredMessage), Reason::kShareExpired);
  }
  return Status::Ok();
}

std::optional<std::int64_t> ShownMessageCount(const ShareSettings& share) {
  if (share.mode != ShareMode::kPinned) return std::nullopt;
  // A pin without its count (a row written by hand) shows nothing rather than everything.
  return std::max<std::int64_t>(0, share.pinned_messages.value_or(0));
}

void ApplySharePinToTask(Task& task) {
  const ShareSettings& share = task.share;
  if (share.mode == ShareMode::kPinned && share.pinned_at) {
    task.updated_at = std::min(task.updated_at, *share.pinned_at);
  }
}

void ApplySharePin(TaskSnapshot& snapshot) {
  const std::optional<std::int64_t> count = ShownMessageCount(snapshot.task.share);
  if (count) {
    const auto shown = static_cast<std::size_t>(*count);
    if (snapshot.messages.size() > shown) snapshot.messages.resize(shown);
    if (snapshot.needs_no_redaction.size() > shown) snapshot.needs_no_redaction.resize(shown);
  }
  ApplySharePinToTask(snapshot.task);
}

}  // namespace taskshare
