#include "storage/task_filters.h"

#include "domain/access.h"

namespace taskshare {

std::optional<TaskQuery> EffectiveFilters(const TaskQuery& query) {
  TaskQuery out = query;
  if (out.visibility && out.shared) {
    // Checking shared on the rows of one visibility would read all of them when none can match.
    if (IsShared(*out.visibility) != *out.shared) return std::nullopt;
    out.shared.reset();
  }
  return out;
}

}  // namespace taskshare
