// Storage contract for share settings, run against every backend like store_test.cc: a share's
// settings round-trip, a pin is the message count at the moment of pinning and moves on every pin,
// unsharing resets everything, UnshareAll touches exactly the owner's shared tasks and makes their
// sharing schedules create private tasks, and the list's `shared` filter follows the visibility.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "domain/schedule_rules.h"
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
  EXPECT_EQ(snapshot->messages.size(), 2u)
      << "the store returns every message; the pin is applied by the view";
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

  Result<RevokedSharing> revoked = store().UnshareAll(owner.id, 200);
  ASSERT_OK(revoked);
  EXPECT_TRUE(revoked->schedule_ids.empty());
  std::vector<std::string> got = revoked->task_ids;
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

  Result<RevokedSharing> none = store().UnshareAll(owner.id, 300);
  ASSERT_OK(none);
  EXPECT_TRUE(none->task_ids.empty());
  EXPECT_TRUE(none->schedule_ids.empty());
}

// Revoke-all stops future sharing too: the owner's schedules that would create public or unlisted
// tasks create private ones from then on, changed in the same call; other schedules stay as they are.
TEST_P(StoreShareTest, UnshareAllMakesTheOwnersSharingSchedulesCreatePrivateTasks) {
  constexpr UnixMicros kJan31 = 1'927'584'000'000'000;  // 2031-01-31T00:00:00Z
  constexpr UnixMicros kHour = 3'600'000'000;
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  const auto add_schedule = [&](const User& user, Visibility visibility, bool deleted = false) {
    Schedule s;
    s.id = NewUuidV4();
    s.owner_id = user.id;
    s.task_message = "Scan example.com";
    s.scan_frequency = ScanFrequency::kDaily;
    s.start_time = "10:00";
    s.visibility = visibility;
    EXPECT_TRUE(CompleteNewSchedule(s, kJan31).ok());
    EXPECT_TRUE(store().CreateSchedule(s).ok());
    if (deleted) {
      EXPECT_TRUE(store().DeleteSchedule(s.id, kJan31).ok());
    }
    return s.id;
  };
  const std::string public_schedule = add_schedule(owner, Visibility::kPublic);
  const std::string paused_public = add_schedule(owner, Visibility::kPublic);
  ASSERT_OK(store().UpdateSchedule(paused_public, [](const Schedule& current) -> Result<Schedule> {
    Schedule paused = current;
    paused.status = ScheduleStatus::kPaused;
    paused.next_execution_at.reset();
    return paused;
  }));
  const std::string team_schedule = add_schedule(owner, Visibility::kTeam);
  const std::string deleted_public = add_schedule(owner, Visibility::kPublic, true);
  const std::string others_public = add_schedule(other, Visibility::kPublic);

  Result<RevokedSharing> revoked = store().UnshareAll(owner.id, kJan31 + 1);
  ASSERT_OK(revoked);
  std::vector<std::string> got = revoked->schedule_ids;
  std::sort(got.begin(), got.end());
  std::vector<std::string> expected = {public_schedule, paused_public};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);
  const auto is_private = [&](const std::string& id) {
    return db_->QueryInt("SELECT COUNT(*) FROM schedules WHERE id = '" + id +
                         "' AND visibility = 'private'") == 1;
  };
  EXPECT_TRUE(is_private(public_schedule));
  EXPECT_TRUE(is_private(paused_public));
  EXPECT_FALSE(is_private(team_schedule));
  EXPECT_FALSE(is_private(deleted_public));
  EXPECT_FALSE(is_private(others_public));
  Result<Schedule> changed = store().GetSchedule(public_schedule);
  ASSERT_OK(changed);
  EXPECT_EQ(changed->updated_at, kJan31 + 1);

  // The next runs: the owner's schedule creates a private task, the other user's still a public one.
  const UnixMicros due = kJan31 + 10 * kHour;
  std::vector<ScheduleRun> runs;
  for (int i = 0; i < 10; ++i) {
    auto run = store().RunDueSchedule(due, [due](const Schedule& s) { return PlanRun(s, due); });
    ASSERT_OK(run);
    if (!run->has_value()) break;
    runs.push_back(**run);
  }
  const std::map<std::string, Visibility> created = {{public_schedule, Visibility::kPrivate},
                                                     {team_schedule, Visibility::kTeam},
                                                     {others_public, Visibility::kPublic}};
  ASSERT_EQ(runs.size(), created.size());
  for (const ScheduleRun& run : runs) {
    ASSERT_OK(run.error);
    Result<Task> task = store().GetTask(run.task_id);
    ASSERT_OK(task);
    ASSERT_TRUE(created.contains(run.schedule_id)) << run.schedule_id;
    EXPECT_EQ(task->visibility, created.at(run.schedule_id)) << run.schedule_id;
  }
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
