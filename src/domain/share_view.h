// What a share link shows of a task, as its owner's share settings (domain/task.h, ShareSettings)
// decide: whether the link is open at all, and which messages and times it shows. The one place these
// rules live, for the JSON share endpoint, the share page and authenticated readers who are not the
// owner. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/status.h"
#include "common/time.h"
#include "domain/task.h"

namespace taskshare {

// The client-facing message of a share link whose expires_at has passed.
inline constexpr std::string_view kShareExpiredMessage = "This share link has expired";

// True once `now` has reached the share's expires_at.
bool ShareExpired(const ShareSettings& share, UnixMicros now);

// Ok if a share link may serve `task` at `now`; kForbidden "Task is not shared" (Reason::kNotShared)
// unless the task is public or unlisted, kForbidden kShareExpiredMessage (Reason::kShareExpired) once
// its expires_at has passed.
Status CheckShareOpen(const Task& task, UnixMicros now);

// Cuts `snapshot` to what the link shows. In pinned mode: only the first pinned_messages messages,
// and an updated_at no later than the pin, so that nothing said after the pin shows, not even that
// something was. In live mode: unchanged.
void ApplySharePin(TaskSnapshot& snapshot);

// What ApplySharePin does, in two parts for a caller without a TaskSnapshot: how many of the first
// messages the link shows (nullopt: all of them), and the task's fields as the link shows them.
std::optional<std::int64_t> ShownMessageCount(const ShareSettings& share);
void ApplySharePinToTask(Task& task);

}  // namespace taskshare
