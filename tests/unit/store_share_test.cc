// Storage contract for share settings, run against every backend like store_test.cc: a share's
// settings round-trip, a pin is the message count at the moment of pinning and moves on every pin,
// unsharing resets everything, UnshareAll touches exactly the owner's shared tasks, and the list's
// `shared` filter follows the visibility.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreShareTest : public StoreTest {
 protected:
  static ShareRequest Pinned(Visibility visibility = Visibility::kUnlisted) {
    ShareRequest r;
    r.visibility = visibility;
    r.mode = ShareMode::kPinned;
    return r;
  }
};

TEST_P(StoreShareTest, NewTasksHaveTheDefaultSettings) {
  const User owner = AddUser("a@example.com");
  Task task = NewTask(owner, 100);
  task.visibility = Visibility::kPublic;
  task.share.mode = ShareMode::kPinned;  // ignored: a new task has the defaults
  task.share.pinned_messages = 7;
  task.share.pinned_at = 5;
  Create(task);
  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->share, ShareSettings{});
}

TEST_P(StoreShareTest, ShareStoresEverySettingAndPinsAtTheCurrentCount) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("1"), Keyed("2")});
  ShareRequest request = Pinned(Visibility::kPublic);
  request.expires_at = 9'000'000'000'000'000;
  request.show_creator = true;
  request.redact = false;
  Result<Task> shared = store().ShareTask(task.id, request, 500);
  ASSERT_OK(shared);
  EXPECT_EQ(shared->visibility, Visibility::kPublic);
  EXPECT_EQ(shared->updated_at, 500);
  ShareSettings expected;
  expected.mode = ShareMode::kPinned;
  expected.pinned_messages = 2;
  expected.pinned_at = 500;
  expected.expires_at = 9'000'000'000'000'000;
  expected.show_creator = true;
  expected.redact = false;
  EXPECT_EQ(shared->share, expected);

  // Every read of the task returns them: by id, in a snapshot, in a list, after a reopen.
  Reopen();
  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->share, expected);
  Result<TaskSnapshot> snapshot = store().GetSnapshot(task.id);
  ASSERT_OK(snapshot);
  EXPECT_EQ(snapshot->task.share, expected);
  EXPECT_EQ(snapshot->messages.size(), 2u) << "the store returns every message; the pin is applied by the view";
  Result<TaskPage> page = store().ListTasks(OwnedBy(owner.id));
  ASSERT_OK(page);
  ASSERT_EQ(page->tasks.size(), 1u);
  EXPECT_EQ(page->tasks[0].share, expected);
}

TEST_P(StoreShareTest, PinningAgainMovesThePinAndLiveClearsIt) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("1")});
  ASSERT_OK(store().ShareTask(task.id, Pinned(), 200));
  ASSERT_OK(store().AppendMessages(task.id, {Keyed("2"), Keyed("3")}, 300));
  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->share.pinned_messages, 1) << "appends after a pin do not move it";
  EXPECT_EQ(got->share.pinned_at, 200);

  Result<Task> again = store().ShareTask(task.id, Pinned(), 400);
  ASSERT_OK(again);
  EXPECT_EQ(again->share.pinned_messages, 3);
  EXPECT_EQ(again->share.pinned_at, 400);

  ShareRequest live;
  live.visibility = Visibility::kPublic;
  Result<Task> unpinned = store().ShareTask(task.id, live, 500);
  ASSERT_OK(unpinned);
  EXPECT_EQ(unpinned->share.mode, ShareMode::kLive);
  EXPECT_FALSE(unpinned->share.pinned_messages.has_value());
  EXPECT_FALSE(unpinned->share.pinned_at.has_value());
  EXPECT_EQ(unpinned->visibility, Visibility::kPublic);
}

TEST_P(StoreShareTest, UnshareMakesTheTaskPrivateWithDefaultSettings) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("1")});
  ShareRequest request = Pinned(Visibility::kPublic);
  request.expires_at = 9'000'000'000'000'000;
  request.show_creator = true;
  request.redact = false;
  ASSERT_OK(store().ShareTask(task.id, request, 200));
  Result<Task> unshared = store().UnshareTask(task.id, 300);
  ASSERT_OK(unshared);
  EXPECT_EQ(unshared->visibility, Visibility::kPrivate);
  EXPECT_EQ(unshared->share, ShareSettings{});
  EXPECT_EQ(unshared->updated_at, 300);
  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->visibility, Visibility::kPrivate);
  EXPECT_EQ(got->share, ShareSettings{});
}

TEST_P(StoreShareTest, ShareOperationsOnAMissingTaskAreNotFound) {
  const std::string missing = NewUuidV4();
  EXPECT_EQ(StatusOf(store().ShareTask(missing, Pinned(), 1)).code(), Code::kNotFound);
  EXPECT_EQ(StatusOf(store().UnshareTask(missing, 1)).code(), Code::kNotFound);
}

TEST_P(StoreShareTest, UnshareAllChangesExactlyTheOwnersSharedTasks) {
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  std::vector<std::string> shared;
  for (Visibility v : {Visibility::kPublic, Visibility::kUnlisted}) {
    Task t = NewTask(owner, 100);
    t.visibility = v;
    shared.push_back(Create(t).id);
  }
  const Task pinned = Create(NewTask(owner, 100), {Keyed("1")});
  ASSERT_OK(store().ShareTask(pinned.id, Pinned(), 150));
  shared.push_back(pinned.id);
  std::vector<std::string> untouched;
  for (Visibility v : {Visibility::kPrivate, Visibility::kTeam, Visibility::kSupport}) {
    Task t = NewTask(owner, 100);
    t.visibility = v;
    untouched.push_back(Create(t).id);
  }
  Task others = NewTask(other, 100);
  others.visibility = Visibility::kPublic;
  untouched.push_back(Create(others).id);

  Result<std::vector<std::string>> revoked = store().UnshareAll(owner.id, 200);
  ASSERT_OK(revoked);
  std::vector<std::string> got = *revoked;
  std::sort(got.begin(), got.end());
  std::sort(shared.begin(), shared.end());
  EXPECT_EQ(got, shared);
  for (const std::string& id : shared) {
    Result<Task> t = store().GetTask(id);
    ASSERT_OK(t);
    EXPECT_EQ(t->visibility, Visibility::kPrivate);
    EXPECT_EQ(t->share, ShareSettings{});
    EXPECT_EQ(t->updated_at, 200);
  }
  for (const std::string& id : untouched) {
    Result<Task> t = store().GetTask(id);
    ASSERT_OK(t);
    EXPECT_EQ(t->updated_at, 100) << id;
  }
  Result<Task> still_public = store().GetTask(others.id);
  ASSERT_OK(still_public);
  EXPECT_EQ(still_public->visibility, Visibility::kPublic);

  Result<std::vector<std::string>> none = store().UnshareAll(owner.id, 300);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreShareTest, ListFiltersOnShared) {
  const User owner = AddUser("a@example.com");
  std::vector<std::string> shared;
  std::vector<std::string> unshared;
  UnixMicros at = 100;
  for (Visibility v : {Visibility::kPublic, Visibility::kPrivate, Visibility::kUnlisted, Visibility::kTeam,
                       Visibility::kSupport}) {
    Task t = NewTask(owner, ++at);
    t.visibility = v;
    Create(t);
    const bool link = v == Visibility::kPublic || v == Visibility::kUnlisted;
    (link ? shared : unshared).push_back(t.id);
  }
  // The list is newest first.
  std::reverse(shared.begin(), shared.end());
  std::reverse(unshared.begin(), unshared.end());
  TaskQuery query = OwnedBy(owner.id, 1);  // one per page: the filter holds across pages
  query.shared = true;
  EXPECT_EQ(ListAllIds(query), shared);
  query.shared = false;
  EXPECT_EQ(ListAllIds(query), unshared);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreShareTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
