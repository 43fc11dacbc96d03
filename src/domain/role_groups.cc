#include "domain/role_groups.h"

#include <algorithm>

#include "common/strings.h"

namespace taskshare {

Role RoleGroups::RoleOf(const std::vector<std::string_view>& groups) const {
  const auto member = [&groups](const std::string& group) {
    return !group.empty() && std::find(groups.begin(), groups.end(), group) != groups.end();
  };
  if (member(admin)) return Role::kAdmin;
  if (member(support)) return Role::kSupport;
  return Role::kUser;
}

std::vector<std::string_view> SplitGroupList(std::string_view header) {
  std::vector<std::string_view> groups;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view group = Trim(header.substr(0, comma));
    if (!group.empty()) groups.push_back(group);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return groups;
}

}  // namespace taskshare
