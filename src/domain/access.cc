#include "domain/access.h"

namespace taskshare {

bool IsShared(Visibility visibility) {
  return visibility == Visibility::kPublic || visibility == Visibility::kUnlisted;
}

bool IsOwner(const User& caller, const Task& task) { return caller.id == task.owner_id; }

bool ReadsSupportTasks(Role role) { return role == Role::kSupport || role == Role::kAdmin; }

bool CanRead(const User& caller, const Task& task) {
  if (IsOwner(caller, task)) return true;
  switch (task.visibility) {
    case Visibility::kPublic:
    case Visibility::kUnlisted:
      return true;
    case Visibility::kTeam:
      return caller.team.has_value() && caller.team == task.owner_team;
    case Visibility::kSupport:
      return ReadsSupportTasks(caller.role);
    case Visibility::kPrivate:
      return false;
  }
  return false;
}

}  // namespace taskshare
