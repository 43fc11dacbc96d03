// The title search of both task lists and the list of the tasks others may read
// (Store::ListReadableTasks), on every backend: exactly the matching tasks, newest first, across pages;
// the search's bytes taken as literal text, its ASCII letters without regard to case and every other
// byte as it is; the readable list agreeing with CanRead (domain/access.h) for every visibility and
// following an owner's current team; and the statements of the readable list reading its index in
// order on each backend.
#include <gtest/gtest.h>

#include <algorithm>
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

constexpr Visibility kVisibilities[] = {Visibility::kPublic, Visibility::kPrivate, Visibility::kUnlisted,
                                        Visibility::kTeam, Visibility::kSupport};

// The query of what `reader` may read by visibility, as its team and role decide.
ReadableQuery ReadableBy(const User& reader, int limit = 20) {
  ReadableQuery query;
  query.reader_id = reader.id;
  query.team = reader.team;
  query.support = ReadsSupportTasks(reader.role);
  query.limit = limit;
  return query;
}

TaskQuery Titled(const std::string& owner_id, const std::string& needle) {
  TaskQuery query = OwnedBy(owner_id);
  query.title_contains = needle;
  return query;
}

std::vector<std::string> IdsOf(const std::vector<Task>& tasks) {
  std::vector<std::string> ids;
  for (const Task& t : tasks) ids.push_back(t.id);
  return ids;
}

class StoreReadableTest : public StoreTest {
 protected:
  // A task of `owner` created at `at`, stored with `visibility` and `title`.
  Task Add(const User& owner, UnixMicros at, Visibility visibility, const std::string& title = "a task") {
    Task task = NewTask(owner, at, title);
    task.visibility = visibility;
    return Create(task);
  }

  // The ids on one page of `query`; empty (and a test failure) if the store refuses it.
  std::vector<std::string> PageIds(const ReadableQuery& query) {
    Result<TaskPage> page = store().ListReadableTasks(query);
    EXPECT_TRUE(page.ok()) << Describe(StatusOf(page));
    return page.ok() ? IdsOf(page->tasks) : std::vector<std::string>{};
  }
};

// ---- The title search ----

TEST_P(StoreReadableTest, TitleSearchFoldsTheCaseOfAsciiLettersAndNoOtherBytes) {
  const User owner = AddUser("a@example.com");
  const Task deploy = Add(owner, 100, Visibility::kPrivate, "Deploy Report");
  const Task quarterly = Add(owner, 200, Visibility::kPrivate, "quarterly REPORT");
  const Task reporter = Add(owner, 300, Visibility::kPrivate, "Reporter notes");
  Add(owner, 400, Visibility::kPrivate, "Repo rt");
  const Task upper_e = Add(owner, 500, Visibility::kPrivate, "\xC3\x89lan vital");  // "Élan vital"
  const Task lower_e = Add(owner, 600, Visibility::kPrivate, "\xC3\xA9lan");        // "élan"

  EXPECT_EQ(ListAllIds(Titled(owner.id, "RePoRt")),
            (std::vector<std::string>{reporter.id, quarterly.id, deploy.id}));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "report")), ListAllIds(Titled(owner.id, "REPORT")));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "r N")), (std::vector<std::string>{reporter.id}));
  // É (C3 89) and é (C3 A9) are other bytes: each finds itself only, whatever the database's locale.
  EXPECT_EQ(ListAllIds(Titled(owner.id, "\xC3\xA9lan")), (std::vector<std::string>{lower_e.id}));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "\xC3\x89LAN")), (std::vector<std::string>{upper_e.id}));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "LAN")), (std::vector<std::string>{lower_e.id, upper_e.id}));
}

TEST_P(StoreReadableTest, TitleSearchTakesWildcardsQuotesAndBackslashesAsText) {
  const User owner = AddUser("a@example.com");
  const Task percent = Add(owner, 100, Visibility::kPrivate, "100% done");
  Add(owner, 200, Visibility::kPrivate, "100 done");
  const Task underscore = Add(owner, 300, Visibility::kPrivate, "a_b");
  Add(owner, 400, Visibility::kPrivate, "axb");
  const Task backslash = Add(owner, 500, Visibility::kPrivate, "back\\slash");
  Add(owner, 600, Visibility::kPrivate, "backslash");
  const Task apostrophe = Add(owner, 700, Visibility::kPrivate, "it's");
  const Task quoted = Add(owner, 800, Visibility::kPrivate, "say \"hi\"");
  const Task glob = Add(owner, 900, Visibility::kPrivate, "[a]*?");
  Add(owner, 1000, Visibility::kPrivate, "its");

  const auto only = [](const Task& t) { return std::vector<std::string>{t.id}; };
  EXPECT_EQ(ListAllIds(Titled(owner.id, "%")), only(percent));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "0% ")), only(percent));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "_")), only(underscore));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "A_B")), only(underscore));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "\\")), only(backslash));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "k\\s")), only(backslash));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "'")), only(apostrophe));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "t's")), only(apostrophe));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "\"hi\"")), only(quoted));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "[a]")), only(glob));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "*")), only(glob));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "?")), only(glob));
  EXPECT_EQ(ListAllIds(Titled(owner.id, "%%")), std::vector<std::string>{});
  EXPECT_EQ(ListAllIds(Titled(owner.id, "a%b")), std::vector<std::string>{});
  EXPECT_EQ(ListAllIds(Titled(owner.id, "'; DROP TABLE tasks; --")), std::vector<std::string>{});
  EXPECT_EQ(ListAllIds(Titled(owner.id, "")).size(), 10U) << "an empty search is no filter";
}

TEST_P(StoreReadableTest, TitleSearchThatMatchesNothingIsAnEmptyLastPage) {
  const User owner = AddUser("a@example.com");
  Add(owner, 100, Visibility::kPrivate, "alpha");
  Add(owner, 200, Visibility::kPublic, "beta");
  Result<TaskPage> page = store().ListTasks(Titled(owner.id, "gamma"));
  ASSERT_OK(page);
  EXPECT_TRUE(page->tasks.empty());
  EXPECT_FALSE(page->next.has_value());
}

TEST_P(StoreReadableTest, TitleSearchCombinesWithTheOtherFiltersAndPages) {
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  std::vector<std::string> shared_matches;  // newest first
  std::vector<std::string> private_matches;
  for (int i = 0; i < 12; ++i) {
    const Visibility visibility =
        i % 3 == 0 ? Visibility::kPrivate : (i % 3 == 1 ? Visibility::kPublic : Visibility::kUnlisted);
    const std::string title = (i % 2 == 0 ? "Weekly MATCH " : "other ") + std::to_string(i);
    const Task t = Add(owner, 1000 + i * 10, visibility, title);
    if (i % 2 == 0 && visibility != Visibility::kPrivate) shared_matches.insert(shared_matches.begin(), t.id);
    if (i % 2 == 0 && visibility == Visibility::kPrivate)
      private_matches.insert(private_matches.begin(), t.id);
    Add(other, 1005 + i * 10, visibility, title);
  }
  ASSERT_EQ(shared_matches.size(), 4U);
  ASSERT_EQ(private_matches.size(), 2U);

  TaskQuery query = Titled(owner.id, "match");
  query.shared = true;
  query.limit = 3;
  Result<TaskPage> first = store().ListTasks(query);
  ASSERT_OK(first);
  EXPECT_EQ(IdsOf(first->tasks),
            (std::vector<std::string>{shared_matches[0], shared_matches[1], shared_matches[2]}));
  ASSERT_TRUE(first->next.has_value());
  query.after = first->next;
  Result<TaskPage> second = store().ListTasks(query);
  ASSERT_OK(second);
  EXPECT_EQ(IdsOf(second->tasks), (std::vector<std::string>{shared_matches[3]}));
  EXPECT_FALSE(second->next.has_value());

  query.after.reset();
  query.shared = false;
  EXPECT_EQ(ListAllIds(query), private_matches);
  query.shared.reset();
  query.visibility = Visibility::kPublic;
  query.title_contains = "match 1";  // "Weekly MATCH 10", public; not "other 1", nor 4 (public too)
  EXPECT_EQ(ListAllIds(query), std::vector<std::string>{shared_matches[0]});
}

// One rule for both lists on every backend: at most 200 bytes of UTF-8 without NUL.
TEST_P(StoreReadableTest, TitleSearchesTooLongOrNotTextAreRefusedByBothLists) {
  const User owner = AddUser("a@example.com", std::string("red"));
  Add(owner, 100, Visibility::kPrivate, std::string(200, 'x'));
  ReadableQuery readable = ReadableBy(owner);
  const auto refused = [&](const std::string& needle, const std::string& message) {
    SCOPED_TRACE(needle.size());
    const Status tasks = StatusOf(store().ListTasks(Titled(owner.id, needle)));
    EXPECT_EQ(tasks.code(), Code::kInvalidArgument);
    EXPECT_EQ(tasks.message(), message);
    readable.title_contains = needle;
    const Status listed = StatusOf(store().ListReadableTasks(readable));
    EXPECT_EQ(listed.code(), Code::kInvalidArgument);
    EXPECT_EQ(listed.message(), message);
  };
  refused(std::string(kMaxTitleSearchBytes + 1, 'x'), "title search must be at most 200 bytes");
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  refused(accents + "x", "title search must be at most 200 bytes");
  refused("\xFF", "title search must be UTF-8 text without NUL");
  refused("\xC3", "title search must be UTF-8 text without NUL");
  refused(std::string("x\0y", 3), "title search must be UTF-8 text without NUL");

  EXPECT_EQ(ListAllIds(Titled(owner.id, std::string(kMaxTitleSearchBytes, 'X'))).size(), 1U);
  EXPECT_EQ(ListAllIds(Titled(owner.id, accents)), std::vector<std::string>{});
  readable.title_contains = accents;
  EXPECT_TRUE(store().ListReadableTasks(readable).ok());
}

// ---- The tasks others may read ----

// Users of two teams, of none, and of each role, each with a task of every visibility: each reader's
// list is exactly the tasks CanRead lets them read other than their own and those a share link serves.
TEST_P(StoreReadableTest, EachReaderGetsExactlyWhatCanReadGrantsByVisibility) {
  const std::vector<User> users = {
      AddUser("ana@example.com", std::string("red")),
      AddUser("ben@example.com", std::string("red")),
      AddUser("cat@example.com", std::string("blue")),
      AddUser("dan@example.com"),
      AddUser("sue@example.com", std::nullopt, Role::kSupport),
      AddUser("adm@example.com", std::string("red"), Role::kAdmin),
      AddUser("sam@example.com", std::string("blue"), Role::kSupport),
  };
  std::vector<Task> tasks;  // newest first, each with its owner's team as a read gives it
  UnixMicros at = 1000;
  for (Visibility visibility : kVisibilities) {
    for (const User& owner : users) {
      Task t = Add(owner, at += 10, visibility);
      t.owner_team = owner.team;
      tasks.insert(tasks.begin(), t);
    }
  }
  for (const User& reader : users) {
    std::vector<std::string> expected;
    for (const Task& t : tasks) {
      if (CanRead(reader, t) && !IsOwner(reader, t) && !IsShared(t.visibility)) expected.push_back(t.id);
    }
    EXPECT_EQ(ListAllIds(ReadableBy(reader, 3)), expected) << reader.email;
  }

  // The same, spelled out for two readers, so that a change in CanRead cannot hide a change here.
  const auto task_of = [&](const User& owner, Visibility visibility) {
    for (const Task& t : tasks) {
      if (t.owner_id == owner.id && t.visibility == visibility) return t.id;
    }
    return std::string();
  };
  const User& ana = users[0];
  const User& ben = users[1];
  const User& cat = users[2];
  const User& dan = users[3];
  const User& sue = users[4];
  const User& adm = users[5];
  const User& sam = users[6];
  EXPECT_EQ(ListAllIds(ReadableBy(ana)),
            (std::vector<std::string>{task_of(adm, Visibility::kTeam), task_of(ben, Visibility::kTeam)}));
  EXPECT_EQ(ListAllIds(ReadableBy(sam)),
            (std::vector<std::string>{task_of(adm, Visibility::kSupport), task_of(sue, Visibility::kSupport),
                                      task_of(dan, Visibility::kSupport), task_of(cat, Visibility::kSupport),
                                      task_of(ben, Visibility::kSupport), task_of(ana, Visibility::kSupport),
                                      task_of(cat, Visibility::kTeam)}));
}

TEST_P(StoreReadableTest, ReadersWithNeitherTeamNorSupportGetNothing) {
  const User dan = AddUser("dan@example.com");
  const User ben = AddUser("ben@example.com");  // no team either: a task of no team is nobody's team task
  for (Visibility visibility : kVisibilities) Add(ben, 100, visibility);
  Result<TaskPage> page = store().ListReadableTasks(ReadableBy(dan));
  ASSERT_OK(page);
  EXPECT_TRUE(page->tasks.empty());
  EXPECT_FALSE(page->next.has_value());
}

TEST_P(StoreReadableTest, TeamTasksFollowTheirOwnersCurrentTeam) {
  const User ana = AddUser("ana@example.com", std::string("red"));
  const User ben = AddUser("ben@example.com", std::string("red"));
  const User cat = AddUser("cat@example.com", std::string("blue"));
  const Task team = Add(ben, 100, Visibility::kTeam, "ben's");
  const Task theirs = Add(cat, 200, Visibility::kTeam, "cat's");
  EXPECT_EQ(PageIds(ReadableBy(ana)), std::vector<std::string>{team.id});
  EXPECT_EQ(PageIds(ReadableBy(cat)), std::vector<std::string>{});

  ASSERT_OK(store().UpdateUserAccess(ben.id, std::string("blue"), Role::kUser));
  EXPECT_EQ(PageIds(ReadableBy(ana)), std::vector<std::string>{}) << "ben left red";
  EXPECT_EQ(PageIds(ReadableBy(cat)), std::vector<std::string>{team.id});
  User blue_ben = ben;
  blue_ben.team = "blue";
  EXPECT_EQ(PageIds(ReadableBy(blue_ben)), std::vector<std::string>{theirs.id});
  Result<TaskPage> page = store().ListReadableTasks(ReadableBy(cat));
  ASSERT_OK(page);
  ASSERT_EQ(page->tasks.size(), 1U);
  EXPECT_EQ(page->tasks[0].owner_team, std::optional<std::string>("blue")) << "read from the owner's row";
  EXPECT_EQ(page->tasks[0].title, "ben's");

  ASSERT_OK(store().UpdateUserAccess(ben.id, std::nullopt, Role::kUser));
  EXPECT_EQ(PageIds(ReadableBy(ana)), std::vector<std::string>{});
  EXPECT_EQ(PageIds(ReadableBy(cat)), std::vector<std::string>{});
}

// Team and support tasks interleaved, some created at the same instant (then the later stored comes
// first), read a few at a time: every page in order, `next` on all but the last.
TEST_P(StoreReadableTest, PagesFollowNextThroughBothVisibilitiesInOrder) {
  const User adm = AddUser("adm@example.com", std::string("red"), Role::kAdmin);
  const User ben = AddUser("ben@example.com", std::string("red"));
  const User cat = AddUser("cat@example.com", std::string("blue"));
  std::vector<std::string> expected;  // newest first
  const UnixMicros times[] = {100, 200, 200, 300, 300, 300, 400, 500, 500, 600};
  for (int i = 0; i < 10; ++i) {
    const bool support = i % 3 == 1;
    const Task t = Add(support ? cat : ben, times[i], support ? Visibility::kSupport : Visibility::kTeam);
    expected.insert(expected.begin(), t.id);
    Add(cat, times[i], Visibility::kTeam);      // another team's
    Add(adm, times[i], Visibility::kSupport);   // the reader's own
    Add(ben, times[i], Visibility::kPrivate);   // nobody's but ben's
    Add(ben, times[i], Visibility::kUnlisted);  // a share link's
  }
  ReadableQuery query = ReadableBy(adm, 3);
  std::vector<std::string> read;
  std::vector<std::size_t> sizes;
  for (int pages = 0; pages < 10; ++pages) {
    Result<TaskPage> page = store().ListReadableTasks(query);
    ASSERT_OK(page);
    sizes.push_back(page->tasks.size());
    for (const Task& t : page->tasks) read.push_back(t.id);
    if (!page->next) break;
    EXPECT_EQ(page->next->seq, page->tasks.back().seq);
    EXPECT_EQ(page->next->created_at, page->tasks.back().created_at);
    query.after = page->next;
  }
  EXPECT_EQ(read, expected);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 3, 1}));

  query.after.reset();
  query.limit = 10;
  Result<TaskPage> whole = store().ListReadableTasks(query);
  ASSERT_OK(whole);
  EXPECT_EQ(IdsOf(whole->tasks), expected);
  EXPECT_FALSE(whole->next.has_value()) << "a page exactly full is the last when nothing follows";
}

TEST_P(StoreReadableTest, TheTitleSearchFiltersTheReadableList) {
  const User adm = AddUser("adm@example.com", std::string("red"), Role::kAdmin);
  const User ben = AddUser("ben@example.com", std::string("red"));
  const Task team_match = Add(ben, 100, Visibility::kTeam, "Nightly 50% SCAN");
  Add(ben, 200, Visibility::kTeam, "nightly 50 scan");
  const Task support_match = Add(ben, 300, Visibility::kSupport, "50% scan, support");
  Add(ben, 400, Visibility::kPrivate, "private 50% scan");
  Add(ben, 500, Visibility::kPublic, "public 50% scan");
  Add(adm, 600, Visibility::kTeam, "own 50% scan");
  ReadableQuery query = ReadableBy(adm);
  query.title_contains = "50% Scan";
  EXPECT_EQ(ListAllIds(query), (std::vector<std::string>{support_match.id, team_match.id}));
  query.support = false;
  EXPECT_EQ(ListAllIds(query), std::vector<std::string>{team_match.id});
  query.team.reset();
  query.support = true;
  EXPECT_EQ(ListAllIds(query), std::vector<std::string>{support_match.id});
  query.title_contains = "_";
  EXPECT_EQ(ListAllIds(query), std::vector<std::string>{});
}

TEST_P(StoreReadableTest, PageSizesOutsideOneToTheMaximumAreRefused) {
  const User adm = AddUser("adm@example.com", std::string("red"), Role::kAdmin);
  const User none = AddUser("none@example.com");
  for (int limit : {0, -1, kMaxPageSize + 1}) {
    SCOPED_TRACE(limit);
    for (const User& reader : {adm, none}) {
      const Status s = StatusOf(store().ListReadableTasks(ReadableBy(reader, limit)));
      EXPECT_EQ(s.code(), Code::kInvalidArgument);
      EXPECT_EQ(s.message(), "limit must be between 1 and 100");
    }
  }
  for (int limit : {1, kMaxPageSize}) {
    EXPECT_TRUE(store().ListReadableTasks(ReadableBy(adm, limit)).ok()) << limit;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreReadableTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

// ---- The readable list's statements ----

// The readable index and statements (storage/task_filters.h) hold exactly the visibilities through which
// CanRead lets some users other than the owner, and not every user, read a task.
TEST(ReadableFiltersTest, TheReadableVisibilitiesAreThoseCanReadGrantsByTeamOrRole) {
  User everyone;
  everyone.id = "reader";
  everyone.team = "red";
  everyone.role = Role::kAdmin;
  User anyone;
  anyone.id = "stranger";
  for (Visibility v : kVisibilities) {
    Task task;
    task.owner_id = "owner";
    task.owner_team = "red";
    task.visibility = v;
    const std::string_view name = ToString(v);
    EXPECT_EQ(CanRead(everyone, task) && !CanRead(anyone, task), name == "team" || name == "support") << name;
  }
  EXPECT_STREQ(TASKSHARE_READABLE_VISIBILITY_SQL, "t.visibility IN ('team', 'support')");
}

// Every combination of what a reader reads (team, support or both) and the title search.
std::vector<ReadableQuery> ReadableCombinations() {
  std::vector<ReadableQuery> out;
  for (int bits = 1; bits < 8; ++bits) {
    ReadableQuery q;
    q.reader_id = "reader";
    if ((bits & 1) != 0) q.team = "team-1";
    q.support = (bits & 2) != 0;
    if ((bits & 4) != 0) q.title_contains = "report";
    if (!q.team && !q.support) continue;  // no statement runs
    out.push_back(q);
  }
  return out;
}

std::string Spelled(const ReadableQuery& q) {
  return std::string("team=") + (q.team ? *q.team : "-") + " support=" + (q.support ? "true" : "false") +
         " title=" + (q.title_contains.empty() ? "-" : q.title_contains);
}

TEST(ReadableListPlanTest, OnSqliteEachVisibilityIsReadFromTheReadableIndexInOrder) {
  TempDir dir;
  const std::string path = (dir.path() / "plan.db").string();
  ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path)));
  const std::string search =
      "SEARCH t USING INDEX tasks_by_readable_visibility (visibility=? AND created_at<?)";
  for (const ReadableQuery& q : ReadableCombinations()) {
    const std::string plan = SqlitePlan(path, sqlite::ReadableTasksSql(q));
    std::size_t searches = 0;
    for (std::size_t at = plan.find(search); at != std::string::npos; at = plan.find(search, at + 1))
      ++searches;
    EXPECT_EQ(searches, (q.team ? 1U : 0U) + (q.support ? 1U : 0U)) << Spelled(q) << ": " << plan;
    EXPECT_EQ(plan.find("SCAN t "), std::string::npos) << Spelled(q) << ": " << plan;
    // The index gives each visibility's order and the compound merges them: nothing is sorted.
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << Spelled(q) << ": " << plan;
  }
}

TEST(ReadableListPlanTest, OnPostgresEachVisibilityIsReadThroughAnIndexNeverAWalkOfEveryTask) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  ASSERT_OK(OpenStore(UrlOptions(db.url())));
  // 400 users in 20 teams, every tenth a support user, and 40,000 tasks: mostly private, a tenth team
  // tasks, one in a hundred support tasks.
  RawPostgres(db.url()).Exec(R"sql(
    INSERT INTO users(id, email, role, team, created_at)
    SELECT 'user-' || i, 'u' || i || '@x', CASE WHEN i % 10 = 0 THEN 'support' ELSE 'user' END,
           'team-' || (i % 20), 0
    FROM generate_series(1, 400) AS i;
    INSERT INTO tasks(id, owner_id, title, status, visibility, source, is_isolated, is_scheduled, secret_names,
                      created_at, updated_at)
    SELECT 'task-' || i, 'user-' || (1 + i % 400), 'Report ' || i, 'active',
           CASE WHEN i % 50 = 0 THEN 'public' WHEN i % 50 = 1 THEN 'unlisted' WHEN i % 10 = 2 THEN 'team'
                WHEN i % 100 = 3 THEN 'support' ELSE 'private' END,
           'web', false, false, '[]', i, i
    FROM generate_series(1, 40000) AS i;
    ANALYZE users;
    ANALYZE tasks;
  )sql");
  const std::string end = "9223372036854775807";
  for (const ReadableQuery& q : ReadableCombinations()) {
    const PostgresPlan plan = PostgresGenericPlan(
        db.url(), postgres::ReadableTasksSql(q),
        "'user-1', " + end + ", " + end + ", " + (q.team ? "'" + *q.team + "'" : "NULL") + ", 21, " +
            (q.title_contains.empty() ? "NULL" : "'" + q.title_contains + "'"));
    // Support tasks come from the readable index. Team tasks too, or, when PostgreSQL's statistics
    // make it cheaper (a title search it expects few rows to pass), from the team tasks of each member
    // of the team through the owner's index, sorted: never from a walk of every task.
    const std::string readable = "Index Scan tasks_by_readable_visibility";
    const std::string by_member = "Index Scan tasks_by_owner_visibility";
    std::vector<std::string> expected;
    if (q.team) {
      const bool members =
          std::find(plan.task_scans.begin(), plan.task_scans.end(), by_member) != plan.task_scans.end();
      expected.push_back(members ? by_member : readable);
      // Each visibility's rows come in the index's order and a Merge Append keeps it: nothing is sorted.
      if (!members) {
        EXPECT_FALSE(plan.sorts) << Spelled(q) << ": " << plan.text;
      }
    }
    if (q.support) expected.push_back(readable);
    EXPECT_EQ(plan.task_scans, expected) << Spelled(q) << ": " << plan.text;
  }
}

}  // namespace
}  // namespace taskshare::testing
