// The storage contract of schedules and executions, written once and run against every backend in
// Backends(): schedules round-trip, page and stay with their owner; a run writes its task, its
// execution and the schedule's new state together; every read of a scheduled task composes its
// schedule_info from the schedule and its own execution; a task's status moves its execution.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/ids.h"
#include "domain/schedule_rules.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

constexpr UnixMicros kJan31 = 1'927'584'000'000'000;  // 2031-01-31T00:00:00Z
constexpr UnixMicros kHour = 3'600'000'000;

class ScheduleStoreTest : public StoreTest {
 protected:
  // A stored daily schedule of `owner` at `start`, created at `now`.
  Schedule AddSchedule(const User& owner, UnixMicros now, const std::string& start = "10:00",
                       ScanFrequency frequency = ScanFrequency::kDaily) {
    Schedule s;
    s.id = NewUuidV4();
    s.owner_id = owner.id;
    s.name = "nightly \"scan\"";
    s.task_message = "Scan example.com";
    s.scan_frequency = frequency;
    s.start_time = start;
    s.visibility = Visibility::kPublic;
    s.model = "model-x";
    s.secret_names = {"TOKEN", "KEY"};
    s.project_id = NewUuidV4();
    EXPECT_TRUE(CompleteNewSchedule(s, now).ok());
    const Status st = store().CreateSchedule(s);
    EXPECT_TRUE(st.ok()) << Describe(st);
    return s;
  }

  // Runs every schedule due at `now`; returns the runs.
  std::vector<ScheduleRun> RunDue(UnixMicros now) {
    std::vector<ScheduleRun> runs;
    for (int i = 0; i < 100; ++i) {
      auto run = store().RunDueSchedule(now, [now](const Schedule& due) { return PlanRun(due, now); });
      EXPECT_TRUE(run.ok()) << Describe(StatusOf(run));
      if (!run.ok() || !run->has_value()) break;
      runs.push_back(**run);
    }
    return runs;
  }
};

TEST_P(ScheduleStoreTest, CreateGetRoundTripsEveryField) {
  const User owner = AddUser("sched@example.com");
  const Schedule s = AddSchedule(owner, kJan31);
  Result<Schedule> got = store().GetSchedule(s.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->id, s.id);
  EXPECT_EQ(got->owner_id, owner.id);
  EXPECT_EQ(got->created_by, "sched@example.com");
  EXPECT_EQ(got->name, s.name);
  EXPECT_EQ(got->task_message, s.task_message);
  EXPECT_EQ(got->type, ScheduleType::kRecurring);
  EXPECT_EQ(got->scan_frequency, ScanFrequency::kDaily);
  EXPECT_EQ(got->start_time, "10:00");
  EXPECT_EQ(got->anchor_at, s.anchor_at);
  EXPECT_EQ(got->run_at, std::nullopt);
  EXPECT_EQ(got->visibility, Visibility::kPublic);
  EXPECT_EQ(got->model, "model-x");
  EXPECT_EQ(got->secret_names, s.secret_names);
  EXPECT_EQ(got->project_id, s.project_id);
  EXPECT_EQ(got->status, ScheduleStatus::kActive);
  EXPECT_EQ(got->execution_count, 0);
  EXPECT_EQ(got->last_executed_at, std::nullopt);
  EXPECT_EQ(got->next_execution_at, kJan31 + 10 * kHour);
  EXPECT_EQ(got->created_at, kJan31);
  EXPECT_EQ(got->updated_at, kJan31);
  EXPECT_GT(got->seq, 0);

  EXPECT_EQ(store().GetSchedule(NewUuidV4()).status().code(), Code::kNotFound);
  EXPECT_EQ(store().CreateSchedule(s).code(), Code::kAlreadyExists);
  Schedule orphan = s;
  orphan.id = NewUuidV4();
  orphan.owner_id = NewUuidV4();
  EXPECT_EQ(store().CreateSchedule(orphan).code(), Code::kNotFound);
}

TEST_P(ScheduleStoreTest, ListPagesTheOwnersSchedulesNewestFirst) {
  const User ana = AddUser("ana@example.com");
  const User bob = AddUser("bob@example.com");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(AddSchedule(ana, kJan31 + (i / 2)).id);  // ties on created_at
  AddSchedule(bob, kJan31);
  ScheduleQuery query;
  query.owner_id = ana.id;
  query.limit = 2;
  std::vector<std::string> listed;
  for (int pages = 0; pages < 10; ++pages) {
    Result<SchedulePage> page = store().ListSchedules(query);
    ASSERT_OK(page);
    for (const Schedule& s : page->schedules) listed.push_back(s.id);
    if (!page->next) break;
    query.after = page->next;
  }
  EXPECT_EQ(listed, (std::vector<std::string>{ids[4], ids[3], ids[2], ids[1], ids[0]}));

  ScheduleQuery paused;
  paused.owner_id = ana.id;
  paused.status = ScheduleStatus::kPaused;
  ASSERT_OK(store().UpdateSchedule(ids[1], [](const Schedule& s) {
    Schedule out = s;
    out.status = ScheduleStatus::kPaused;
    out.next_execution_at.reset();
    return Result<Schedule>(out);
  }));
  Result<SchedulePage> page = store().ListSchedules(paused);
  ASSERT_OK(page);
  ASSERT_EQ(page->schedules.size(), 1u);
  EXPECT_EQ(page->schedules[0].id, ids[1]);
  ASSERT_OK(store().DeleteSchedule(ids[1], kJan31 + 9));
  page = store().ListSchedules(paused);
  ASSERT_OK(page);
  EXPECT_TRUE(page->schedules.empty());
}

TEST_P(ScheduleStoreTest, UpdateWritesWhatTheCallbackReturnsOrNothing) {
  const User owner = AddUser("upd@example.com");
  const Schedule s = AddSchedule(owner, kJan31);
  Result<Schedule> refused = store().UpdateSchedule(
      s.id, [](const Schedule&) -> Result<Schedule> { return Status::InvalidArgument("no"); });
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().GetSchedule(s.id)->name, s.name);

  Result<Schedule> updated = store().UpdateSchedule(s.id, [](const Schedule& current) {
    SchedulePatch patch;
    patch.name = "renamed";
    patch.secret_names = std::vector<std::string>{};
    patch.start_time = "23:59";
    return ApplySchedulePatch(current, patch, kJan31 + 5);
  });
  ASSERT_OK(updated);
  EXPECT_EQ(updated->name, "renamed");
  EXPECT_TRUE(updated->secret_names.empty());
  EXPECT_EQ(updated->start_time, "23:59");
  EXPECT_EQ(updated->updated_at, kJan31 + 5);
  Result<Schedule> got = store().GetSchedule(s.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "renamed");
  EXPECT_EQ(got->next_execution_at, updated->next_execution_at);
  EXPECT_EQ(store()
                .UpdateSchedule(NewUuidV4(), [](const Schedule& c) { return Result<Schedule>(c); })
                .status()
                .code(),
            Code::kNotFound);
}

TEST_P(ScheduleStoreTest, ARunWritesTaskExecutionAndScheduleTogether) {
  const User owner = AddUser("run@example.com", "red");
  const Schedule s = AddSchedule(owner, kJan31);
  EXPECT_TRUE(RunDue(kJan31 + 10 * kHour - 1).empty());  // not due yet

  const UnixMicros now = kJan31 + 10 * kHour + 250'000;
  const std::vector<ScheduleRun> runs = RunDue(now);
  ASSERT_EQ(runs.size(), 1u);
  const ScheduleRun& run = runs[0];
  EXPECT_TRUE(run.error.ok());
  EXPECT_EQ(run.schedule_id, s.id);

  Result<TaskSnapshot> snapshot = store().GetSnapshot(run.task_id);
  ASSERT_OK(snapshot);
  const Task& task = snapshot->task;
  EXPECT_EQ(task.owner_id, owner.id);
  EXPECT_EQ(task.created_by, "run@example.com");
  EXPECT_EQ(task.title, "nightly \"scan\"");
  EXPECT_EQ(task.status, TaskStatus::kPending);
  EXPECT_EQ(task.visibility, Visibility::kPublic);
  EXPECT_EQ(task.model, "model-x");
  EXPECT_EQ(task.secret_names, s.secret_names);
  EXPECT_EQ(task.project_id, s.project_id);
  EXPECT_TRUE(task.is_scheduled);
  EXPECT_EQ(task.created_at, now);
  EXPECT_EQ(snapshot->messages,
            (std::vector<std::string>{R"({"role":"user","content":"Scan example.com"})"}));

  ASSERT_TRUE(task.schedule_info.has_value());
  const ScheduleInfo& info = *task.schedule_info;
  EXPECT_EQ(info.schedule_id, s.id);
  EXPECT_EQ(info.schedule_name, s.name);
  EXPECT_EQ(info.schedule_type, ScheduleType::kRecurring);
  EXPECT_EQ(info.schedule_status, ScheduleStatus::kActive);
  EXPECT_EQ(info.execution_count, 1);
  EXPECT_EQ(info.last_executed_at, now);
  EXPECT_EQ(info.next_execution_at, kJan31 + 34 * kHour);
  EXPECT_EQ(info.scan_frequency, ScanFrequency::kDaily);
  EXPECT_EQ(info.start_time, "10:00");
  ASSERT_TRUE(info.execution_info.has_value());
  EXPECT_EQ(info.execution_info->execution_id, run.execution_id);
  EXPECT_EQ(info.execution_info->scheduled_at, kJan31 + 10 * kHour);
  EXPECT_EQ(info.execution_info->started_at, now);
  EXPECT_EQ(info.execution_info->completed_at, std::nullopt);
  EXPECT_EQ(info.execution_info->status, ExecutionStatus::kPending);

  Result<Schedule> after = store().GetSchedule(s.id);
  ASSERT_OK(after);
  EXPECT_EQ(after->execution_count, 1);
  EXPECT_EQ(after->last_executed_at, now);
  EXPECT_EQ(after->next_execution_at, kJan31 + 34 * kHour);
  Result<std::vector<Execution>> executions = store().ListExecutions(s.id, 10);
  ASSERT_OK(executions);
  ASSERT_EQ(executions->size(), 1u);
  EXPECT_EQ((*executions)[0].id, run.execution_id);
  EXPECT_EQ((*executions)[0].task_id, run.task_id);
  EXPECT_TRUE(RunDue(now).empty());  // the due time ran once
}

TEST_P(ScheduleStoreTest, EveryReadOfAScheduledTaskShowsTheScheduleAsItIsNow) {
  const User owner = AddUser("reads@example.com");
  const Schedule s = AddSchedule(owner, kJan31, "01:00", ScanFrequency::kHourly);
  const std::string first = RunDue(kJan31 + kHour)[0].task_id;
  const std::string second = RunDue(kJan31 + 2 * kHour)[0].task_id;
  // The first task shows the second run's count and next run, and its own execution.
  for (const Task& t : {*store().GetTask(first), store().GetSnapshot(first)->task}) {
    ASSERT_TRUE(t.schedule_info.has_value());
    EXPECT_EQ(t.schedule_info->execution_count, 2);
    EXPECT_EQ(t.schedule_info->last_executed_at, kJan31 + 2 * kHour);
    EXPECT_EQ(t.schedule_info->next_execution_at, kJan31 + 3 * kHour);
    EXPECT_EQ(t.schedule_info->execution_info->scheduled_at, kJan31 + kHour);
  }
  Result<TaskPage> page = store().ListTasks(Filtered(owner.id, std::nullopt, std::nullopt, true));
  ASSERT_OK(page);
  ASSERT_EQ(page->tasks.size(), 2u);
  EXPECT_EQ(page->tasks[0].id, second);
  EXPECT_EQ(page->tasks[0].schedule_info->execution_info->scheduled_at, kJan31 + 2 * kHour);
  EXPECT_EQ(page->tasks[1].schedule_info->execution_count, 2);
  Result<TaskPage> unscheduled = store().ListTasks(Filtered(owner.id, std::nullopt, std::nullopt, false));
  ASSERT_OK(unscheduled);
  EXPECT_TRUE(unscheduled->tasks.empty());

  Result<std::vector<std::string>> ids = store().ListScheduleTaskIds(s.id);
  ASSERT_OK(ids);
  EXPECT_EQ(std::set<std::string>(ids->begin(), ids->end()), (std::set<std::string>{first, second}));

  // Paused, renamed, then deleted: the tasks keep showing the schedule's last values.
  ASSERT_OK(store().UpdateSchedule(s.id, [](const Schedule& c) {
    SchedulePatch patch;
    patch.status = ScheduleStatus::kPaused;
    patch.name = "paused one";
    return ApplySchedulePatch(c, patch, kJan31 + 3 * kHour);
  }));
  Result<Task> paused = store().GetTask(first);
  ASSERT_OK(paused);
  EXPECT_EQ(paused->schedule_info->schedule_status, ScheduleStatus::kPaused);
  EXPECT_EQ(paused->schedule_info->schedule_name, "paused one");
  EXPECT_EQ(paused->schedule_info->next_execution_at, std::nullopt);
  ASSERT_OK(store().DeleteSchedule(s.id, kJan31 + 4 * kHour));
  EXPECT_EQ(store().GetSchedule(s.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteSchedule(s.id, kJan31 + 4 * kHour).code(), Code::kNotFound);
  Result<Task> orphaned = store().GetTask(second);
  ASSERT_OK(orphaned);
  EXPECT_TRUE(orphaned->is_scheduled);
  EXPECT_EQ(orphaned->schedule_info->schedule_id, s.id);
  EXPECT_EQ(orphaned->schedule_info->execution_count, 2);
  EXPECT_EQ(orphaned->schedule_info->next_execution_at, std::nullopt);
}

TEST_P(ScheduleStoreTest, ATasksStatusMovesItsExecution) {
  const User owner = AddUser("status@example.com");
  AddSchedule(owner, kJan31);
  const std::string id = RunDue(kJan31 + 10 * kHour)[0].task_id;
  auto patch_status = [&](TaskStatus status, UnixMicros at) {
    TaskPatch patch;
    patch.status = status;
    Result<Task> t = store().UpdateTask(id, patch, at);
    EXPECT_TRUE(t.ok()) << Describe(StatusOf(t));
    return t.ok() ? *t->schedule_info->execution_info : ExecutionInfo{};
  };
  ExecutionInfo e = patch_status(TaskStatus::kActive, kJan31 + 11 * kHour);
  EXPECT_EQ(e.status, ExecutionStatus::kRunning);
  EXPECT_EQ(e.completed_at, std::nullopt);
  e = patch_status(TaskStatus::kError, kJan31 + 12 * kHour);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.completed_at, kJan31 + 12 * kHour);
  e = patch_status(TaskStatus::kCompleted, kJan31 + 13 * kHour);  // finished already: first finish kept
  EXPECT_EQ(e.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(e.completed_at, kJan31 + 12 * kHour);
  e = patch_status(TaskStatus::kSuspended, kJan31 + 14 * kHour);
  EXPECT_EQ(e.status, ExecutionStatus::kRunning);
  EXPECT_EQ(e.completed_at, std::nullopt);
  // A patch without a status leaves the execution alone.
  Result<Task> renamed = store().UpdateTask(id, TitlePatch("renamed"), kJan31 + 15 * kHour);
  ASSERT_OK(renamed);
  EXPECT_EQ(renamed->schedule_info->execution_info->status, ExecutionStatus::kRunning);
  EXPECT_EQ(store().GetTask(id)->schedule_info->execution_info->status, ExecutionStatus::kRunning);
}

TEST_P(ScheduleStoreTest, DeletingATaskKeepsItsExecution) {
  const User owner = AddUser("del@example.com");
  const Schedule s = AddSchedule(owner, kJan31);
  const ScheduleRun run = RunDue(kJan31 + 10 * kHour)[0];
  ASSERT_OK(store().DeleteTask(run.task_id));
  Result<std::vector<Execution>> executions = store().ListExecutions(s.id, 10);
  ASSERT_OK(executions);
  ASSERT_EQ(executions->size(), 1u);
  EXPECT_EQ((*executions)[0].task_id, std::nullopt);
  EXPECT_TRUE(store().ListScheduleTaskIds(s.id)->empty());
}

TEST_P(ScheduleStoreTest, AnImportedTaskKeepsItsStoredScheduleInfo) {
  const User owner = AddUser("import@example.com");
  Task task = NewTask(owner, kJan31);
  task.is_scheduled = true;
  task.schedule_info = FullSchedule();
  Create(task);
  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  ExpectSameSchedule(*got->schedule_info, *task.schedule_info);
}

TEST_P(ScheduleStoreTest, ADueScheduleThatCannotBeReadIsSetAsideAsFailed) {
  const User owner = AddUser("corrupt@example.com");
  const Schedule bad = AddSchedule(owner, kJan31, "09:00");
  const Schedule good = AddSchedule(owner, kJan31, "10:00");
  db_->ExecRaw("UPDATE schedules SET scan_frequency = 'fortnightly' WHERE id = '" + bad.id + "'");
  const std::vector<ScheduleRun> runs = RunDue(kJan31 + 11 * kHour);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].schedule_id, bad.id);
  EXPECT_EQ(runs[0].error.code(), Code::kInternal);
  EXPECT_TRUE(runs[0].task_id.empty());
  EXPECT_EQ(runs[1].schedule_id, good.id);
  EXPECT_TRUE(runs[1].error.ok());
  EXPECT_EQ(
      db_->QueryInt("SELECT COUNT(*) FROM schedules WHERE status = 'failed' AND next_execution_at IS NULL"),
      1);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM tasks"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScheduleStoreTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
