// The scheduler driven by a ManualClock, over every backend: tasks appear when their schedule is due
// and not before, a missed stretch runs once, one-time schedules complete, monthly schedules keep their
// day across short months, and two schedulers sharing one database make exactly one task per due time.
#include "scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "domain/schedule_rules.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

constexpr UnixMicros kHour = 3'600'000'000;
constexpr UnixMicros kDay = 24 * kHour;

UnixMicros At(const char* text) { return ParseRfc3339(text).value_or(0); }

class SchedulerTest : public StoreTest {
 protected:
  Schedule Add(const User& owner, ScheduleType type, std::optional<ScanFrequency> frequency,
               std::optional<std::string> start_time, std::optional<UnixMicros> run_at = std::nullopt) {
    Schedule s;
    s.id = NewUuidV4();
    s.owner_id = owner.id;
    s.task_message = "scan";
    s.type = type;
    s.scan_frequency = frequency;
    s.start_time = std::move(start_time);
    s.run_at = run_at;
    const Status completed = CompleteNewSchedule(s, clock_.Now());
    EXPECT_TRUE(completed.ok()) << Describe(completed);
    const Status created = store().CreateSchedule(s);
    EXPECT_TRUE(created.ok()) << Describe(created);
    return s;
  }

  int Tick(Scheduler& scheduler) {
    Result<int> made = scheduler.Tick();
    EXPECT_TRUE(made.ok()) << Describe(StatusOf(made));
    return made.ok() ? *made : -1;
  }

  // The scheduled_at of each execution of the schedule, oldest first.
  std::vector<std::string> ScheduledAt(const std::string& schedule_id) {
    Result<std::vector<Execution>> executions = store().ListExecutions(schedule_id, 1000);
    EXPECT_TRUE(executions.ok());
    std::vector<std::string> out;
    if (!executions.ok()) return out;
    for (auto it = executions->rbegin(); it != executions->rend(); ++it) {
      out.push_back(FormatRfc3339(it->scheduled_at));
    }
    return out;
  }

  ManualClock clock_{At("2032-01-31T08:00:00Z")};
};

TEST_P(SchedulerTest, TasksAppearWhenDueAndNotBefore) {
  const User owner = AddUser("tick@example.com");
  const Schedule s = Add(owner, ScheduleType::kRecurring, ScanFrequency::kDaily, "09:30");
  Scheduler scheduler(store(), clock_);
  EXPECT_EQ(Tick(scheduler), 0);
  clock_.Set(At("2032-01-31T09:29:59.999999Z"));
  EXPECT_EQ(Tick(scheduler), 0);
  clock_.Set(At("2032-01-31T09:30:00Z"));
  EXPECT_EQ(Tick(scheduler), 1);
  EXPECT_EQ(Tick(scheduler), 0);
  clock_.Advance(kDay - 1);
  EXPECT_EQ(Tick(scheduler), 0);
  clock_.Advance(1);
  EXPECT_EQ(Tick(scheduler), 1);
  EXPECT_EQ(ScheduledAt(s.id), (std::vector<std::string>{"2032-01-31T09:30:00Z", "2032-02-01T09:30:00Z"}));
  Result<TaskPage> tasks =
      store().ListTasks(Filtered(owner.id, TaskStatus::kPending, Visibility::kPrivate, true));
  ASSERT_OK(tasks);
  EXPECT_EQ(tasks->tasks.size(), 2u);
}

TEST_P(SchedulerTest, AfterDowntimeAMissedScheduleRunsOnce) {
  const User owner = AddUser("down@example.com");
  const Schedule s = Add(owner, ScheduleType::kRecurring, ScanFrequency::kHourly, "08:15");
  Scheduler scheduler(store(), clock_);
  clock_.Set(At("2032-02-03T17:40:00Z"));  // three days and many hourly due times later
  EXPECT_EQ(Tick(scheduler), 1);
  EXPECT_EQ(Tick(scheduler), 0);
  EXPECT_EQ(ScheduledAt(s.id), std::vector<std::string>{"2032-02-03T17:15:00Z"});
  Result<Schedule> after = store().GetSchedule(s.id);
  ASSERT_OK(after);
  EXPECT_EQ(FormatRfc3339(*after->next_execution_at), "2032-02-03T18:15:00Z");
  EXPECT_EQ(after->execution_count, 1);
}

TEST_P(SchedulerTest, OneTimeSchedulesCompleteAfterTheirRun) {
  const User owner = AddUser("once@example.com");
  const Schedule s =
      Add(owner, ScheduleType::kOneTime, std::nullopt, std::nullopt, clock_.Now() + 5 * 60'000'000LL);
  Scheduler scheduler(store(), clock_);
  EXPECT_EQ(Tick(scheduler), 0);
  clock_.Advance(kDay);
  EXPECT_EQ(Tick(scheduler), 1);
  clock_.Advance(kDay);
  EXPECT_EQ(Tick(scheduler), 0);
  Result<Schedule> after = store().GetSchedule(s.id);
  ASSERT_OK(after);
  EXPECT_EQ(after->status, ScheduleStatus::kCompleted);
  EXPECT_EQ(after->next_execution_at, std::nullopt);
  EXPECT_EQ(ScheduledAt(s.id), std::vector<std::string>{"2032-01-31T08:05:00Z"});
  Result<std::vector<std::string>> ids = store().ListScheduleTaskIds(s.id);
  ASSERT_OK(ids);
  ASSERT_EQ(ids->size(), 1u);
  Result<Task> task = store().GetTask((*ids)[0]);
  ASSERT_OK(task);
  EXPECT_EQ(task->schedule_info->schedule_status, ScheduleStatus::kCompleted);
  EXPECT_EQ(task->schedule_info->schedule_type, ScheduleType::kOneTime);
  EXPECT_EQ(task->schedule_info->scan_frequency, std::nullopt);
  EXPECT_EQ(task->schedule_info->next_execution_at, std::nullopt);
}

TEST_P(SchedulerTest, MonthlyRunsKeepTheirDayAcrossMonthEndsLeapDaysAndYearEnds) {
  const User owner = AddUser("monthly@example.com");
  const Schedule s = Add(owner, ScheduleType::kRecurring, ScanFrequency::kMonthly, "23:45");
  Scheduler scheduler(store(), clock_);
  // Tick exactly at each due time, as a running server would, for fourteen months.
  for (int i = 0; i < 14; ++i) {
    Result<Schedule> now = store().GetSchedule(s.id);
    ASSERT_OK(now);
    clock_.Set(*now->next_execution_at);
    EXPECT_EQ(Tick(scheduler), 1);
  }
  EXPECT_EQ(ScheduledAt(s.id),
            (std::vector<std::string>{"2032-01-31T23:45:00Z", "2032-02-29T23:45:00Z", "2032-03-31T23:45:00Z",
                                      "2032-04-30T23:45:00Z", "2032-05-31T23:45:00Z", "2032-06-30T23:45:00Z",
                                      "2032-07-31T23:45:00Z", "2032-08-31T23:45:00Z", "2032-09-30T23:45:00Z",
                                      "2032-10-31T23:45:00Z", "2032-11-30T23:45:00Z", "2032-12-31T23:45:00Z",
                                      "2033-01-31T23:45:00Z", "2033-02-28T23:45:00Z"}));
}

TEST_P(SchedulerTest, TwoSchedulersOnOneDatabaseMakeOneTaskPerDueTime) {
  constexpr int kSchedules = 4;
  constexpr int kSlots = 12;
  const User owner = AddUser("pair@example.com");
  std::vector<std::string> ids;
  for (int i = 0; i < kSchedules; ++i) {
    ids.push_back(Add(owner, ScheduleType::kRecurring, ScanFrequency::kHourly, "08:00").id);
  }
  // A second process's store on the same database.
  Result<std::unique_ptr<Store>> other = db_->Open();
  ASSERT_OK(other);
  Scheduler first(store(), clock_);
  Scheduler second(**other, clock_);
  std::atomic<int> made{0};
  for (int slot = 0; slot < kSlots; ++slot) {
    clock_.Set(At("2032-01-31T08:00:00Z") + slot * kHour);
    std::thread a([&] { made += Tick(first); });
    std::thread b([&] { made += Tick(second); });
    a.join();
    b.join();
  }
  EXPECT_EQ(made.load(), kSchedules * kSlots);
  for (const std::string& id : ids) {
    const std::vector<std::string> at = ScheduledAt(id);
    EXPECT_EQ(at.size(), static_cast<std::size_t>(kSlots)) << id;
    EXPECT_EQ(std::set<std::string>(at.begin(), at.end()).size(), at.size()) << id;
  }
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM tasks"), kSchedules * kSlots);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM schedule_executions"), kSchedules * kSlots);
}

TEST_P(SchedulerTest, ItsThreadTicksUntilStopped) {
  const User owner = AddUser("thread@example.com");
  const Schedule s = Add(owner, ScheduleType::kRecurring, ScanFrequency::kDaily, "08:00");
  Scheduler scheduler(store(), clock_, {.poll_interval = std::chrono::milliseconds(5)});
  scheduler.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ScheduledAt(s.id).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  scheduler.Stop();
  scheduler.Stop();
  EXPECT_EQ(ScheduledAt(s.id), std::vector<std::string>{"2032-01-31T08:00:00Z"});
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
