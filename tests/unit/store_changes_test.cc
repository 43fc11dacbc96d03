// Storage contract for the reports of a store's own writes (StoreOptions::changes, storage/
// change_reports.h), run against every backend like store_test.cc: each write that can change what a
// viewer of a task sees is reported before the call returns, in the change feed's terms (a task's id,
// a secret's owner and name); writes refused before they wrote anything, reads, and writes that no view
// shows (users, keys, view counts, the kill switch, a new schedule, a secret's delete) are not.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/ids.h"
#include "domain/schedule_rules.h"
#include "recording_listener.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

using Events = std::vector<std::string>;

class StoreChangesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Reopen({}, &listener_);
  }
  void TearDown() override { store_.reset(); }

  static std::string TaskEvent(const std::string& id) { return "changed " + id; }

  RecordingListener listener_;
};

TEST_P(StoreChangesTest, EachWriteToATaskIsReportedByItsIdBeforeItReturns) {
  const User owner = AddUser("owner@example.com");
  EXPECT_EQ(listener_.Take(), Events{}) << "a new user changes no view";
  const Task task = NewTask(owner, 100);
  const Events changed{TaskEvent(task.id)};

  ASSERT_OK(store().CreateTask(task, {Keyed("a")}));
  EXPECT_EQ(listener_.Take(), changed) << "create";
  ASSERT_OK(store().AppendMessages(task.id, {Keyed("b")}, 200));
  EXPECT_EQ(listener_.Take(), changed) << "append";
  ASSERT_OK(store().AppendMessages(task.id, {Keyed("a"), Keyed("b")}, 300));
  EXPECT_EQ(listener_.Take(), Events{}) << "an append of stored messages only changes nothing";
  ASSERT_OK(store().UpdateTask(task.id, TitlePatch("renamed"), 400));
  EXPECT_EQ(listener_.Take(), changed) << "update";
  ASSERT_OK(store().ShareTask(task.id, ShareRequest{}, 500));
  EXPECT_EQ(listener_.Take(), changed) << "share";
  ASSERT_OK(store().UnshareTask(task.id, 600));
  EXPECT_EQ(listener_.Take(), changed) << "unshare";
  ASSERT_OK(store().GetSnapshot(task.id));
  ASSERT_OK(store().ListTasks(OwnedBy(owner.id)));
  ASSERT_OK(store().AddShareViews({{.task_id = task.id, .views = 3, .last_viewed_at = 700}}));
  EXPECT_EQ(listener_.Take(), Events{}) << "reads and view counts change no view";
  ASSERT_OK(store().DeleteTask(task.id));
  EXPECT_EQ(listener_.Take(), changed) << "delete";
}

TEST_P(StoreChangesTest, AWriteRefusedBeforeItWroteIsNotReported) {
  const User owner = AddUser("owner@example.com");
  const Task task = Create(NewTask(owner, 100));
  listener_.Take();
  const std::string unknown = NewUuidV4();

  EXPECT_EQ(store().CreateTask(task, {}).code(), Code::kAlreadyExists);
  Task orphan = NewTask(owner, 100);
  orphan.owner_id = NewUuidV4();
  EXPECT_EQ(store().CreateTask(orphan, {}).code(), Code::kNotFound);
  EXPECT_EQ(store().AppendMessages(unknown, {Keyed("a")}, 200).status().code(), Code::kNotFound);
  EXPECT_EQ(store().UpdateTask(unknown, TitlePatch("x"), 200).status().code(), Code::kNotFound);
  EXPECT_EQ(store().ShareTask(unknown, ShareRequest{}, 200).status().code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteTask(unknown).code(), Code::kNotFound);
  EXPECT_EQ(
      store().UpdateSchedule(unknown, [](const Schedule& s) { return Result<Schedule>(s); }).status().code(),
      Code::kNotFound);
  EXPECT_EQ(store().DeleteSecret(owner.id, "NONE").code(), Code::kNotFound);
  EXPECT_EQ(listener_.Take(), Events{});
}

TEST_P(StoreChangesTest, RevokingAllSharingReportsEachTaskItMadePrivate) {
  const User owner = AddUser("owner@example.com");
  const Task shared = Create(NewTask(owner, 100));
  const Task also_shared = Create(NewTask(owner, 200));
  const Task private_task = Create(NewTask(owner, 300));
  ASSERT_OK(store().ShareTask(shared.id, ShareRequest{}, 400));
  ASSERT_OK(store().ShareTask(also_shared.id, {.visibility = Visibility::kPublic}, 400));
  listener_.Take();

  ASSERT_OK(store().UnshareAll(owner.id, 500));
  Events expected{TaskEvent(shared.id), TaskEvent(also_shared.id)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listener_.Take(), expected) << private_task.id << " was private already";
}

TEST_P(StoreChangesTest, AScheduleWriteReportsEveryTaskTheScheduleCreated) {
  constexpr UnixMicros kDay = 86'400'000'000;
  constexpr UnixMicros kStart = 1'927'584'000'000'000;  // 2031-01-31T00:00:00Z
  const User owner = AddUser("owner@example.com");
  Schedule schedule;
  schedule.id = NewUuidV4();
  schedule.owner_id = owner.id;
  schedule.name = "nightly";
  schedule.task_message = "Scan example.com";
  schedule.scan_frequency = ScanFrequency::kDaily;
  schedule.start_time = "10:00";
  ASSERT_OK(CompleteNewSchedule(schedule, kStart));
  ASSERT_OK(store().CreateSchedule(schedule));
  EXPECT_EQ(listener_.Take(), Events{}) << "a new schedule has no task yet";

  std::vector<std::string> created;
  for (UnixMicros now : {kStart + kDay, kStart + 2 * kDay}) {
    auto run = store().RunDueSchedule(now, [now](const Schedule& due) { return PlanRun(due, now); });
    ASSERT_OK(run);
    ASSERT_TRUE(run->has_value());
    created.push_back((*run)->task_id);
  }
  Events runs{TaskEvent(created[0]), TaskEvent(created[0]), TaskEvent(created[1])};
  std::sort(runs.begin(), runs.end());
  EXPECT_EQ(listener_.Take(), runs) << "each run reports the schedule's tasks, the one it created included";

  auto renamed = store().UpdateSchedule(schedule.id, [](const Schedule& current) {
    Schedule next = current;
    next.name = "renamed";
    return Result<Schedule>(next);
  });
  ASSERT_OK(renamed);
  std::sort(created.begin(), created.end());
  const Events both{TaskEvent(created[0]), TaskEvent(created[1])};
  EXPECT_EQ(listener_.Take(), both) << "update";
  auto refused = store().UpdateSchedule(
      schedule.id, [](const Schedule&) { return Result<Schedule>(Status::InvalidArgument("no")); });
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(listener_.Take(), Events{}) << "an update its function refused";
  ASSERT_OK(store().DeleteSchedule(schedule.id, kStart + 3 * kDay));
  EXPECT_EQ(listener_.Take(), both) << "delete";
}

TEST_P(StoreChangesTest, ASecretPutIsReportedByOwnerAndNameAndADeleteIsNot) {
  const User owner = AddUser("owner@example.com");
  ASSERT_OK(store().PutSecret(owner.id, "TOKEN", "sealed-1", 100));
  EXPECT_EQ(listener_.Take(), Events{"secret " + owner.id + " TOKEN"});
  ASSERT_OK(store().PutSecret(owner.id, "TOKEN", "sealed-2", 200));
  EXPECT_EQ(listener_.Take(), Events{"secret " + owner.id + " TOKEN"}) << "a new value";
  ASSERT_OK(store().DeleteSecret(owner.id, "TOKEN"));
  EXPECT_EQ(listener_.Take(), Events{}) << "the deleted value is retired and stays redacted: no view changes";

  Quotas two_values;
  two_values.secret_values_per_user = 2;
  Reopen(two_values, &listener_);
  EXPECT_EQ(store().PutSecret(owner.id, "OTHER", "sealed-3", 300).status().code(), Code::kLimitReached);
  EXPECT_EQ(listener_.Take(), Events{}) << "a put refused by the quota";
}

TEST_P(StoreChangesTest, UsersKeysAndTheKillSwitchReportNothing) {
  const User owner = AddUser("owner@example.com");
  ASSERT_OK(store().RotateApiKey(owner.id, "hash-of-owner@example.com", KeyHash("new-hash")));
  ASSERT_OK(store().SetSharingEnabled(false));
  ASSERT_OK(store().SetSharingEnabled(true));
  EXPECT_EQ(listener_.Take(), Events{});
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreChangesTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
