#include "domain/access.h"

#include <gtest/gtest.h>

namespace taskshare {
namespace {

User MakeUser(std::string id, Role role, std::optional<std::string> team) {
  return User{
      .id = std::move(id), .email = "x@example.com", .role = role, .team = std::move(team), .created_at = 0};
}

TEST(AccessTest, SharedVisibilities) {
  EXPECT_TRUE(IsShared(Visibility::kPublic));
  EXPECT_TRUE(IsShared(Visibility::kUnlisted));
  EXPECT_FALSE(IsShared(Visibility::kPrivate));
  EXPECT_FALSE(IsShared(Visibility::kTeam));
  EXPECT_FALSE(IsShared(Visibility::kSupport));
}

// Who may read a task, by visibility and by caller, as the table of docs/api.md states.
TEST(AccessTest, ReadMatrix) {
  const User owner = MakeUser("owner", Role::kUser, "red");
  const User teammate = MakeUser("mate", Role::kUser, "red");
  const User other = MakeUser("other", Role::kUser, "blue");
  const User loner = MakeUser("loner", Role::kUser, std::nullopt);
  const User support = MakeUser("support", Role::kSupport, std::nullopt);
  const User admin = MakeUser("admin", Role::kAdmin, "blue");
  struct Row {
    Visibility v;
    bool owner, teammate, other, loner, support, admin;
  };
  const Row rows[] = {
      {Visibility::kPublic, true, true, true, true, true, true},
      {Visibility::kUnlisted, true, true, true, true, true, true},
      {Visibility::kTeam, true, true, false, false, false, false},
      {Visibility::kSupport, true, false, false, false, true, true},
      {Visibility::kPrivate, true, false, false, false, false, false},
  };
  for (const Row& r : rows) {
    Task t;
    t.owner_id = "owner";
    t.owner_team = "red";
    t.visibility = r.v;
    SCOPED_TRACE(std::string(ToString(r.v)));
    EXPECT_EQ(CanRead(owner, t), r.owner);
    EXPECT_EQ(CanRead(teammate, t), r.teammate);
    EXPECT_EQ(CanRead(other, t), r.other);
    EXPECT_EQ(CanRead(loner, t), r.loner);
    EXPECT_EQ(CanRead(support, t), r.support);
    EXPECT_EQ(CanRead(admin, t), r.admin);
  }
}

TEST(AccessTest, NoTeamIsNotATeam) {
  Task t;
  t.owner_id = "owner";
  t.visibility = Visibility::kTeam;  // the owner has no team
  EXPECT_FALSE(CanRead(MakeUser("loner", Role::kUser, std::nullopt), t));
}

TEST(AccessTest, OnlyTheOwnerOwns) {
  Task t;
  t.owner_id = "owner";
  EXPECT_TRUE(IsOwner(MakeUser("owner", Role::kUser, std::nullopt), t));
  EXPECT_FALSE(IsOwner(MakeUser("admin", Role::kAdmin, std::nullopt), t));
}

}  // namespace
}  // namespace taskshare
