// The task list's filters (storage/task_filters.h): every filter alone and in every combination
// returns exactly the matching tasks, newest first, across pages, on every backend; and the statement
// each combination runs reads the index of one of its filters, never all of the owner's tasks: on
// SQLite as its planner decides without statistics, on PostgreSQL in the generic plan a prepared
// statement ends up with, over enough rows that the planner has a choice to make.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/access.h"
#include "query_plans.h"
#include "storage/postgres/task_list.h"
#include "storage/sqlite/task_list.h"
#include "storage/task_codec.h"
#include "storage/task_filters.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

constexpr TaskStatus kStatuses[] = {TaskStatus::kActive, TaskStatus::kCompleted, TaskStatus::kError};
constexpr Visibility kVisibilities[] = {Visibility::kPublic, Visibility::kPrivate, Visibility::kUnlisted,
                                        Visibility::kTeam, Visibility::kSupport};

// Every query the test tries: each filter unset, set to a value some tasks have, or (status) set to
// one no task has.
std::vector<TaskQuery> Queries(const std::string& owner_id) {
  std::vector<TaskQuery> queries;
  for (std::optional<TaskStatus> status : {std::optional<TaskStatus>(), std::optional(TaskStatus::kActive),
                                           std::optional(TaskStatus::kPending)}) {
    for (std::optional<Visibility> visibility :
         {std::optional<Visibility>(), std::optional(Visibility::kPublic),
          std::optional(Visibility::kPrivate)}) {
      for (std::optional<bool> scheduled : {std::optional<bool>(), std::optional(true)}) {
        for (std::optional<bool> shared :
             {std::optional<bool>(), std::optional(true), std::optional(false)}) {
          TaskQuery q = OwnedBy(owner_id, 4);
          q.status = status;
          q.visibility = visibility;
          q.is_scheduled = scheduled;
          q.shared = shared;
          queries.push_back(q);
        }
      }
    }
  }
  return queries;
}

bool Matches(const TaskQuery& q, const Task& t) {
  return (!q.status || *q.status == t.status) && (!q.visibility || *q.visibility == t.visibility) &&
         (!q.is_scheduled || *q.is_scheduled == t.is_scheduled) &&
         (!q.shared || *q.shared == IsShared(t.visibility));
}

std::string Spelled(const TaskQuery& q) {
  return std::string("status=") + (q.status ? std::string(ToString(*q.status)) : "-") +
         " visibility=" + (q.visibility ? std::string(ToString(*q.visibility)) : "-") +
         " is_scheduled=" + (q.is_scheduled ? (*q.is_scheduled ? "true" : "false") : "-") +
         " shared=" + (q.shared ? (*q.shared ? "true" : "false") : "-") +
         " title=" + (q.title_contains.empty() ? "-" : q.title_contains);
}

class StoreListTest : public StoreTest {};

TEST_P(StoreListTest, EveryFilterAloneAndCombinedReturnsExactlyItsTasksAcrossPages) {
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  std::vector<Task> tasks;  // newest first
  UnixMicros at = 1000;
  for (TaskStatus status : kStatuses) {
    for (Visibility visibility : kVisibilities) {
      for (bool scheduled : {false, true}) {
        Task t = NewTask(owner, at += 10);
        t.status = status;
        t.visibility = visibility;
        t.is_scheduled = scheduled;
        tasks.insert(tasks.begin(), Create(t));
        Task theirs = NewTask(other, at + 5);
        theirs.status = status;
        theirs.visibility = visibility;
        theirs.is_scheduled = scheduled;
        Create(theirs);
      }
    }
  }
  for (const TaskQuery& q : Queries(owner.id)) {
    std::vector<std::string> expected;
    for (const Task& t : tasks) {
      if (Matches(q, t)) expected.push_back(t.id);
    }
    EXPECT_EQ(ListAllIds(q), expected) << Spelled(q);
  }
}

// One page size rule for both lists on every backend: 1 to kMaxPageSize rows.
TEST_P(StoreListTest, PageSizesOutsideOneToTheMaximumAreRefusedByBothLists) {
  const User owner = AddUser("a@example.com");
  ScheduleQuery schedules;
  schedules.owner_id = owner.id;
  for (int limit : {0, -1, kMaxPageSize + 1}) {
    SCOPED_TRACE(limit);
    const Status tasks = StatusOf(store().ListTasks(OwnedBy(owner.id, limit)));
    EXPECT_EQ(tasks.code(), Code::kInvalidArgument);
    EXPECT_EQ(tasks.message(), "limit must be between 1 and 100");
    schedules.limit = limit;
    const Status listed = StatusOf(store().ListSchedules(schedules));
    EXPECT_EQ(listed.code(), Code::kInvalidArgument);
    EXPECT_EQ(listed.message(), "limit must be between 1 and 100");
  }
  for (int limit : {1, kMaxPageSize}) {
    EXPECT_TRUE(store().ListTasks(OwnedBy(owner.id, limit)).ok()) << limit;
    schedules.limit = limit;
    EXPECT_TRUE(store().ListSchedules(schedules).ok()) << limit;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreListTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

TEST(TaskFiltersTest, SharedIsDroppedWhenVisibilityImpliesItAndContradictionsMatchNothing) {
  TaskQuery q = OwnedBy("u");
  q.visibility = Visibility::kUnlisted;
  q.shared = true;
  auto effective = EffectiveFilters(q);
  ASSERT_TRUE(effective.has_value());
  EXPECT_EQ(effective->visibility, Visibility::kUnlisted);
  EXPECT_FALSE(effective->shared.has_value());
  q.shared = false;
  EXPECT_FALSE(EffectiveFilters(q).has_value());
  q.visibility = Visibility::kTeam;
  EXPECT_FALSE(EffectiveFilters(q)->shared.has_value());
  q.visibility.reset();
  EXPECT_EQ(EffectiveFilters(q)->shared, false);
}

// The list statements and the index of SQLite migration 15 (PostgreSQL 13) spell IsShared as
// visibility IN ('public', 'unlisted'); this holds them to the domain's rule.
TEST(TaskFiltersTest, TheSharedExpressionIsTheDomainsRule) {
  for (Visibility v : kVisibilities) {
    const std::string_view name = ToString(v);
    EXPECT_EQ(IsShared(v), name == "public" || name == "unlisted") << name;
  }
  EXPECT_STREQ(TASKSHARE_SHARED_VISIBILITY_SQL, "t.visibility IN ('public', 'unlisted')");
}

// Every combination of filters, set or not (the values do not change which statement runs). The title
// search is no index's: with it each combination reads the same index as without.
std::vector<TaskQuery> Combinations() {
  std::vector<TaskQuery> out;
  for (int bits = 0; bits < 32; ++bits) {
    TaskQuery q = OwnedBy("owner-a");
    if ((bits & 1) != 0) q.status = TaskStatus::kPending;
    if ((bits & 2) != 0) q.visibility = Visibility::kPublic;
    if ((bits & 4) != 0) q.is_scheduled = true;
    if ((bits & 8) != 0) q.shared = true;
    if ((bits & 16) != 0) q.title_contains = "Report";
    if (q.visibility && q.shared) continue;  // EffectiveFilters drops shared: the visibility-only statement
    out.push_back(q);
  }
  return out;
}

// The indexes a plan for `q` may read tasks through: one per filter it sets, or the owner's
// newest-first index when it sets none.
std::vector<std::string> AllowedIndexes(const TaskQuery& q) {
  std::vector<std::string> out;
  if (q.status) out.emplace_back("tasks_by_owner_status");
  if (q.visibility) out.emplace_back("tasks_by_owner_visibility");
  if (q.is_scheduled) out.emplace_back("tasks_by_owner_scheduled");
  if (q.shared) out.emplace_back("tasks_by_owner_shared");
  if (out.empty()) out.emplace_back("tasks_by_owner_newest");
  return out;
}

TEST(TaskListPlanTest, OnSqliteEachFilterReadsItsIndexInOrder) {
  TempDir dir;
  const std::string path = (dir.path() / "plan.db").string();
  ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path)));
  for (const TaskQuery& q : Combinations()) {
    const std::string plan = SqlitePlan(path, sqlite::ListTasksSql(q));
    const std::vector<std::string> allowed = AllowedIndexes(q);
    bool uses_allowed = false;
    for (const std::string& index : allowed) {
      uses_allowed = uses_allowed || plan.find("SEARCH t USING INDEX " + index + " (") != std::string::npos;
    }
    EXPECT_TRUE(uses_allowed) << Spelled(q) << ": " << plan;
    // The index gives the order: no sort of every matching row for a page of them.
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << Spelled(q) << ": " << plan;
    if (allowed.size() == 1) {
      EXPECT_NE(plan.find("USING INDEX " + allowed[0] + " ("), std::string::npos)
          << Spelled(q) << ": " << plan;
    }
  }
}

// The generic plan of the list statement for `q`, the plan a connection's prepared statement settles
// on, with its parameters bound as ListTasks binds them.
PostgresPlan ListPlan(const std::string& url, const TaskQuery& q) {
  const auto text = [](std::optional<std::string_view> v) {
    return v ? "'" + std::string(*v) + "'" : "NULL";
  };
  const auto boolean = [](std::optional<bool> v) { return v ? (*v ? "true" : "false") : "NULL"; };
  const std::string end = "9223372036854775807";
  const std::optional<std::string> needle = TitleNeedle(q.title_contains);
  return PostgresGenericPlan(url, postgres::ListTasksSql(q),
                             "'" + q.owner_id + "', " + end + ", " + end + ", " +
                                 text(OptionalEnumText(q.status)) + ", " +
                                 text(OptionalEnumText(q.visibility)) + ", " + boolean(q.is_scheduled) +
                                 ", 21, " + boolean(q.shared) + ", " + text(needle));
}

TEST(TaskListPlanTest, OnPostgresEachFilterReadsItsIndexInOrder) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  ASSERT_OK(OpenStore(UrlOptions(db.url())));
  // 40,000 tasks of two owners: mostly private, active or completed, unscheduled; no pending task.
  RawPostgres(db.url()).Exec(R"sql(
    INSERT INTO users(id, email, role, created_at) VALUES ('owner-a', 'a@x', 'user', 0), ('owner-b', 'b@x', 'user', 0);
    INSERT INTO tasks(id, owner_id, title, status, visibility, source, is_isolated, is_scheduled, secret_names,
                      created_at, updated_at)
    SELECT 'task-' || i, CASE WHEN i % 2 = 0 THEN 'owner-a' ELSE 'owner-b' END, 't',
           (ARRAY['active', 'completed', 'completed', 'error'])[1 + i % 4],
           CASE WHEN i % 50 = 0 THEN 'public' WHEN i % 50 = 1 THEN 'unlisted' WHEN i % 50 = 2 THEN 'team'
                ELSE 'private' END,
           'web', false, i % 20 = 3, '[]', i, i
    FROM generate_series(1, 40000) AS i;
    ANALYZE tasks;
  )sql");
  for (const TaskQuery& q : Combinations()) {
    const PostgresPlan plan = ListPlan(db.url(), q);
    const std::vector<std::string> allowed = AllowedIndexes(q);
    ASSERT_EQ(plan.task_scans.size(), 1U) << Spelled(q) << ": " << plan.text;
    bool uses_allowed = false;
    for (const std::string& index : allowed)
      uses_allowed = uses_allowed || plan.task_scans[0] == "Index Scan " + index;
    EXPECT_TRUE(uses_allowed) << Spelled(q) << ": " << plan.task_scans[0] << "\n" << plan.text;
    if (allowed.size() == 1) {
      EXPECT_FALSE(plan.sorts) << Spelled(q) << ": " << plan.text;
    }
  }
}

}  // namespace
}  // namespace taskshare::testing
