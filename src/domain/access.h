// Access rules: who may read and who may change a task. Pure functions; thread-safe.
//
//   visibility  share link   authenticated read
//   public      anyone       any user
//   unlisted    anyone       any user
//   team        nobody       the owner and users of the owner's team
//   support     nobody       the owner and users with role support or admin
//   private     nobody       the owner only
//
// Only the owner may change a task.
#pragma once

#include "domain/task.h"
#include "domain/user.h"

namespace taskshare {

// True for visibilities that the unauthenticated share link serves.
bool IsShared(Visibility visibility);

bool IsOwner(const User& caller, const Task& task);

// True if a user of `role` reads every user's support tasks (role support or admin).
bool ReadsSupportTasks(Role role);

// True if `caller` may read `task` through the authenticated API.
bool CanRead(const User& caller, const Task& task);

}  // namespace taskshare
