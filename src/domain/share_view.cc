#include "domain/share_view.h"

#include <algorithm>
#include <string>

#include "domain/access.h"

namespace taskshare {

bool ShareExpired(const ShareSettings& share, UnixMicros now) {
  return share.expires_at.has_value() && now >= *share.expires_at;
}

Status CheckShareOpen(const Task& task, UnixMicros now) {
  if (!IsShared(task.visibility)) return Status::Forbidden("Task is not shared");
  if (ShareExpired(task.share, now)) return Status::Forbidden(std::string(kShareExpiredMessage));
  return Status::Ok();
}

void ApplySharePin(TaskSnapshot& snapshot) {
  const ShareSettings& share = snapshot.task.share;
  if (share.mode != ShareMode::kPinned) return;
  // A pin without its count (a row written by hand) shows nothing rather than everything.
  const auto shown = static_cast<std::size_t>(std::max<std::int64_t>(0, share.pinned_messages.value_or(0)));
  if (snapshot.messages.size() > shown) snapshot.messages.resize(shown);
  if (snapshot.needs_no_redaction.size() > shown) snapshot.needs_no_redaction.resize(shown);
  if (share.pinned_at) snapshot.task.updated_at = std::min(snapshot.task.updated_at, *share.pinned_at);
}

}  // namespace taskshare
