#include "storage/task_filters.h"

#include "common/strings.h"
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

std::optional<std::string> TitleNeedle(const std::string& title_contains) {
  if (title_contains.empty()) return std::nullopt;
  return AsciiLower(title_contains);
}

}  // namespace taskshare
