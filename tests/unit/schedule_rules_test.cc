// The rules of schedules: new schedules, patches, the plan of one run, and executions following tasks.
#include "domain/schedule_rules.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "domain/schedule_time.h"

namespace taskshare {
namespace {

UnixMicros At(const char* text) { return ParseRfc3339(text).value_or(0); }
std::string Text(std::optional<UnixMicros> t) { return t ? FormatRfc3339(*t) : "unset"; }

Schedule Recurring(ScanFrequency f, std::optional<std::string> start_time) {
  Schedule s;
  s.id = NewUuidV4();
  s.owner_id = NewUuidV4();
  s.task_message = "Scan   example.com\nfor open ports";
  s.type = ScheduleType::kRecurring;
  s.scan_frequency = f;
  s.start_time = std::move(start_time);
  return s;
}

Schedule OneTime(UnixMicros run_at) {
  Schedule s;
  s.id = NewUuidV4();
  s.owner_id = NewUuidV4();
  s.task_message = "once";
  s.type = ScheduleType::kOneTime;
  s.run_at = run_at;
  return s;
}

TEST(ScheduleRulesTest, ExecutionsFollowTheirTasks) {
  EXPECT_EQ(ExecutionStatusOf(TaskStatus::kPending), ExecutionStatus::kPending);
  EXPECT_EQ(ExecutionStatusOf(TaskStatus::kActive), ExecutionStatus::kRunning);
  EXPECT_EQ(ExecutionStatusOf(TaskStatus::kSuspended), ExecutionStatus::kRunning);
  EXPECT_EQ(ExecutionStatusOf(TaskStatus::kCompleted), ExecutionStatus::kCompleted);
  EXPECT_EQ(ExecutionStatusOf(TaskStatus::kError), ExecutionStatus::kFailed);
  EXPECT_EQ(ExecutionStatusOf(TaskStatus::kAborted), ExecutionStatus::kFailed);
  EXPECT_TRUE(IsFinished(TaskStatus::kCompleted));
  EXPECT_TRUE(IsFinished(TaskStatus::kError));
  EXPECT_TRUE(IsFinished(TaskStatus::kAborted));
  EXPECT_FALSE(IsFinished(TaskStatus::kSuspended));
  EXPECT_FALSE(IsFinished(TaskStatus::kActive));
  EXPECT_FALSE(IsFinished(TaskStatus::kPending));
}

TEST(ScheduleRulesTest, AFailedRunSetsTheScheduleAsideUnlessRetryingMayCureIt) {
  EXPECT_TRUE(SetsScheduleAside(Status::Internal("Failed to load snapshot", "a corrupt column")));
  EXPECT_TRUE(SetsScheduleAside(Status::AlreadyExists("Task id is already taken")));
  EXPECT_TRUE(SetsScheduleAside(Status::LimitReached("too many tasks", "tasks_per_user")));
  EXPECT_FALSE(SetsScheduleAside(Status::Unavailable("service unavailable", "connection lost")));
}

TEST(ScheduleRulesTest, NewRecurringScheduleRunsFirstAtItsStartTime) {
  const UnixMicros now = At("2031-01-31T10:30:00Z");
  Schedule later = Recurring(ScanFrequency::kDaily, "11:00");
  ASSERT_TRUE(CompleteNewSchedule(later, now).ok());
  EXPECT_EQ(Text(later.next_execution_at), "2031-01-31T11:00:00Z");
  EXPECT_EQ(later.created_at, now);
  EXPECT_EQ(later.execution_count, 0);

  // Passed today: tomorrow for daily, a week on for weekly, the anchor day's next month for monthly.
  Schedule daily = Recurring(ScanFrequency::kDaily, "09:00");
  Schedule weekly = Recurring(ScanFrequency::kWeekly, "09:00");
  Schedule monthly = Recurring(ScanFrequency::kMonthly, "09:00");
  Schedule hourly = Recurring(ScanFrequency::kHourly, "09:00");
  for (Schedule* s : {&daily, &weekly, &monthly, &hourly}) ASSERT_TRUE(CompleteNewSchedule(*s, now).ok());
  EXPECT_EQ(Text(daily.next_execution_at), "2031-02-01T09:00:00Z");
  EXPECT_EQ(Text(weekly.next_execution_at), "2031-02-07T09:00:00Z");
  EXPECT_EQ(Text(monthly.next_execution_at), "2031-02-28T09:00:00Z");
  EXPECT_EQ(Text(monthly.anchor_at), "2031-01-31T09:00:00Z");  // the 31st is kept for March
  EXPECT_EQ(Text(hourly.next_execution_at), "2031-01-31T11:00:00Z");
}

TEST(ScheduleRulesTest, WithoutStartTimeARecurringScheduleStartsNow) {
  Schedule s = Recurring(ScanFrequency::kWeekly, std::nullopt);
  ASSERT_TRUE(CompleteNewSchedule(s, At("2031-03-04T16:45:30.5Z")).ok());
  EXPECT_EQ(s.start_time, "16:45");
  EXPECT_EQ(Text(s.next_execution_at), "2031-03-04T16:45:00Z");  // due at once
  const PlannedRun run = PlanRun(s, At("2031-03-04T16:45:31Z"));
  EXPECT_EQ(Text(run.schedule.next_execution_at), "2031-03-11T16:45:00Z");
}

TEST(ScheduleRulesTest, NewScheduleFieldRules) {
  const UnixMicros now = At("2031-01-01T00:00:00Z");
  Schedule no_frequency = Recurring(ScanFrequency::kDaily, "10:00");
  no_frequency.scan_frequency.reset();
  EXPECT_EQ(CompleteNewSchedule(no_frequency, now).message(),
            "scan_frequency is required for recurring schedules");
  Schedule recurring_run_at = Recurring(ScanFrequency::kDaily, "10:00");
  recurring_run_at.run_at = now;
  EXPECT_EQ(CompleteNewSchedule(recurring_run_at, now).message(),
            "run_at applies only to one_time schedules");
  Schedule no_run_at = OneTime(now);
  no_run_at.run_at.reset();
  EXPECT_EQ(CompleteNewSchedule(no_run_at, now).message(), "run_at is required for one_time schedules");
  Schedule past = OneTime(now - 1);
  EXPECT_EQ(CompleteNewSchedule(past, now).message(), "run_at must not be in the past");
  Schedule frequency = OneTime(now);
  frequency.scan_frequency = ScanFrequency::kDaily;
  EXPECT_EQ(CompleteNewSchedule(frequency, now).message(),
            "scan_frequency applies only to recurring schedules");
  Schedule start = OneTime(now);
  start.start_time = "10:00";
  EXPECT_EQ(CompleteNewSchedule(start, now).message(), "start_time applies only to recurring schedules");

  Schedule paused = OneTime(now + 5);
  paused.status = ScheduleStatus::kPaused;
  ASSERT_TRUE(CompleteNewSchedule(paused, now).ok());
  EXPECT_FALSE(paused.next_execution_at.has_value());
  Schedule once = OneTime(now + 5);
  ASSERT_TRUE(CompleteNewSchedule(once, now).ok());
  EXPECT_EQ(once.next_execution_at, now + 5);
}

TEST(ScheduleRulesTest, ARunCreatesAPendingScheduledTaskAndAdvances) {
  Schedule s = Recurring(ScanFrequency::kDaily, "06:00");
  s.name = "Nightly ports";
  s.visibility = Visibility::kTeam;
  s.model = "model-x";
  s.project_id = NewUuidV4();
  s.secret_names = {"TOKEN"};
  ASSERT_TRUE(CompleteNewSchedule(s, At("2031-01-01T05:00:00Z")).ok());
  s.execution_count = 4;

  // Down from Jan 1 to Jan 5 at noon: one run, for the latest missed due time.
  const UnixMicros now = At("2031-01-05T12:00:00Z");
  const PlannedRun run = PlanRun(s, now);
  EXPECT_EQ(run.task.owner_id, s.owner_id);
  EXPECT_EQ(run.task.title, "Nightly ports");
  EXPECT_EQ(run.task.status, TaskStatus::kPending);
  EXPECT_EQ(run.task.visibility, Visibility::kTeam);
  EXPECT_EQ(run.task.model, "model-x");
  EXPECT_EQ(run.task.project_id, s.project_id);
  EXPECT_EQ(run.task.secret_names, s.secret_names);
  EXPECT_TRUE(run.task.is_scheduled);
  EXPECT_EQ(run.task.created_at, now);
  EXPECT_EQ(run.first_message.json, R"({"role":"user","content":"Scan   example.com\nfor open ports"})");
  EXPECT_FALSE(run.first_message.key.has_value());
  EXPECT_EQ(run.execution.schedule_id, s.id);
  EXPECT_EQ(run.execution.task_id, run.task.id);
  EXPECT_EQ(Text(run.execution.scheduled_at), "2031-01-05T06:00:00Z");
  EXPECT_EQ(run.execution.started_at, now);
  EXPECT_EQ(run.execution.status, ExecutionStatus::kPending);
  EXPECT_EQ(run.schedule.execution_count, 5);
  EXPECT_EQ(run.schedule.last_executed_at, now);
  EXPECT_EQ(Text(run.schedule.next_execution_at), "2031-01-06T06:00:00Z");
  EXPECT_EQ(run.schedule.status, ScheduleStatus::kActive);

  // Without a name the task is titled by its message.
  s.name.reset();
  EXPECT_EQ(PlanRun(s, now).task.title, "Scan example.com for open ports");
}

TEST(ScheduleRulesTest, AOneTimeScheduleCompletesAfterItsRun) {
  Schedule s = OneTime(At("2031-01-01T10:00:00Z"));
  ASSERT_TRUE(CompleteNewSchedule(s, At("2031-01-01T09:55:00Z")).ok());
  const PlannedRun run = PlanRun(s, At("2031-01-01T10:00:00.2Z"));
  EXPECT_EQ(Text(run.execution.scheduled_at), "2031-01-01T10:00:00Z");
  EXPECT_EQ(run.schedule.status, ScheduleStatus::kCompleted);
  EXPECT_FALSE(run.schedule.next_execution_at.has_value());
  EXPECT_EQ(run.schedule.execution_count, 1);
}

TEST(ScheduleRulesTest, PatchesChangeOnlyWhatTheySend) {
  const UnixMicros created = At("2031-01-31T08:00:00Z");
  Schedule s = Recurring(ScanFrequency::kMonthly, "09:00");
  s.name = "before";
  ASSERT_TRUE(CompleteNewSchedule(s, created).ok());
  ASSERT_EQ(Text(s.next_execution_at), "2031-01-31T09:00:00Z");

  SchedulePatch rename;
  rename.name = "after";
  auto renamed = ApplySchedulePatch(s, rename, created + 1);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name, "after");
  EXPECT_EQ(renamed->next_execution_at, s.next_execution_at);
  EXPECT_EQ(renamed->task_message, s.task_message);
  EXPECT_EQ(renamed->updated_at, created + 1);

  // A new start time keeps the anchor's day (the 31st), so February clamps and March does not.
  SchedulePatch later;
  later.start_time = "18:30";
  auto moved = ApplySchedulePatch(s, later, At("2031-02-10T00:00:00Z"));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(Text(moved->anchor_at), "2031-01-31T18:30:00Z");
  EXPECT_EQ(Text(moved->next_execution_at), "2031-02-28T18:30:00Z");

  // Paused: no next run; resumed: the first due time from now, the missed ones skipped.
  SchedulePatch pause;
  pause.status = ScheduleStatus::kPaused;
  auto paused = ApplySchedulePatch(s, pause, created);
  ASSERT_TRUE(paused.ok());
  EXPECT_FALSE(paused->next_execution_at.has_value());
  SchedulePatch resume;
  resume.status = ScheduleStatus::kActive;
  auto resumed = ApplySchedulePatch(*paused, resume, At("2031-04-30T09:00:01Z"));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(Text(resumed->next_execution_at), "2031-05-31T09:00:00Z");
}

TEST(ScheduleRulesTest, PatchRefusesChangingTheTypeAndFieldsOfTheOtherType) {
  const UnixMicros now = At("2031-01-01T00:00:00Z");
  Schedule recurring = Recurring(ScanFrequency::kDaily, "10:00");
  ASSERT_TRUE(CompleteNewSchedule(recurring, now).ok());
  SchedulePatch to_one_time;
  to_one_time.schedule_type = ScheduleType::kOneTime;
  EXPECT_EQ(
      ApplySchedulePatch(recurring, to_one_time, now).status().message(),
      "schedule_type cannot change from recurring to one_time; delete the schedule and create a new one");
  SchedulePatch same;
  same.schedule_type = ScheduleType::kRecurring;
  EXPECT_TRUE(ApplySchedulePatch(recurring, same, now).ok());
  SchedulePatch run_at;
  run_at.run_at = now + 10;
  EXPECT_EQ(ApplySchedulePatch(recurring, run_at, now).status().message(),
            "run_at applies only to one_time schedules");

  Schedule once = OneTime(now + 10);
  ASSERT_TRUE(CompleteNewSchedule(once, now).ok());
  SchedulePatch to_recurring;
  to_recurring.schedule_type = ScheduleType::kRecurring;
  EXPECT_EQ(
      ApplySchedulePatch(once, to_recurring, now).status().message(),
      "schedule_type cannot change from one_time to recurring; delete the schedule and create a new one");
  SchedulePatch frequency;
  frequency.scan_frequency = ScanFrequency::kHourly;
  EXPECT_EQ(ApplySchedulePatch(once, frequency, now).status().message(),
            "scan_frequency applies only to recurring schedules");
  SchedulePatch past;
  past.run_at = now - 1;
  EXPECT_EQ(ApplySchedulePatch(once, past, now).status().message(), "run_at must not be in the past");
}

TEST(ScheduleRulesTest, ANewRunAtReArmsACompletedOneTimeSchedule) {
  const UnixMicros now = At("2031-01-01T00:00:00Z");
  Schedule once = OneTime(now + 10);
  ASSERT_TRUE(CompleteNewSchedule(once, now).ok());
  const Schedule done = PlanRun(once, now + 10).schedule;
  ASSERT_EQ(done.status, ScheduleStatus::kCompleted);

  SchedulePatch resume;
  resume.status = ScheduleStatus::kActive;
  EXPECT_EQ(ApplySchedulePatch(done, resume, now + 20).status().message(),
            "run_at is required to make a one_time schedule that has run active again");
  SchedulePatch again;
  again.run_at = now + 100;
  auto rearmed = ApplySchedulePatch(done, again, now + 20);
  ASSERT_TRUE(rearmed.ok());
  EXPECT_EQ(rearmed->status, ScheduleStatus::kActive);
  EXPECT_EQ(rearmed->next_execution_at, now + 100);
  again.status = ScheduleStatus::kPaused;
  auto paused = ApplySchedulePatch(done, again, now + 20);
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->status, ScheduleStatus::kPaused);
  EXPECT_FALSE(paused->next_execution_at.has_value());
}

}  // namespace
}  // namespace taskshare
