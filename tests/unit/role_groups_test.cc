// The one rule that turns a sign-in's groups into a role (domain/role_groups.h).
#include "domain/role_groups.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace taskshare {
namespace {

using Groups = std::vector<std::string_view>;

TEST(RoleGroupsTest, AdminBeforeSupportBeforeAPlainUser) {
  const RoleGroups groups{.admin = "root", .support = "helpdesk"};
  EXPECT_TRUE(groups.any());
  EXPECT_EQ(groups.RoleOf({"helpdesk", "root"}), Role::kAdmin);
  EXPECT_EQ(groups.RoleOf({"staff", "helpdesk"}), Role::kSupport);
  EXPECT_EQ(groups.RoleOf({"staff"}), Role::kUser);
  EXPECT_EQ(groups.RoleOf({}), Role::kUser);
  EXPECT_EQ(groups.RoleOf({"Root", "helpdesk ", "help"}), Role::kUser);  // exact names only
}

TEST(RoleGroupsTest, AnUnsetGroupMatchesNothingNotEvenAnEmptyName) {
  const RoleGroups support_only{.support = "helpdesk"};
  EXPECT_EQ(support_only.RoleOf({"", "helpdesk"}), Role::kSupport);
  EXPECT_EQ(support_only.RoleOf({""}), Role::kUser);
  EXPECT_FALSE(RoleGroups{}.any());
  EXPECT_EQ(RoleGroups{}.RoleOf({""}), Role::kUser);
}

TEST(SplitGroupListTest, SplitsAtCommasTrimsAndDropsEmptyNames) {
  EXPECT_EQ(SplitGroupList("a,b"), (Groups{"a", "b"}));
  EXPECT_EQ(SplitGroupList(" a , b c ,, "), (Groups{"a", "b c"}));
  EXPECT_EQ(SplitGroupList("staff, root"), (Groups{"staff", "root"}));  // a header sent twice
  EXPECT_EQ(SplitGroupList(""), Groups{});
  EXPECT_EQ(SplitGroupList(",\t,"), Groups{});
}

}  // namespace
}  // namespace taskshare
