// The storage contract: the behaviour every Store backend must show, written once and run against
// each backend in Backends(). Tests specific to one backend live beside it (sqlite_store_test.cc).
#include "storage/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

TEST_P(StoreTest, CreateAndGetRoundTripsEveryField) {
  const User owner = AddUser("ana@example.com", "red-team");
  Task task = NewTask(owner, 1'767'225'600'123'456, "Audit \"api\" — ünïcode");
  task.status = TaskStatus::kSuspended;
  task.visibility = Visibility::kTeam;
  task.source = Source::kLinear;
  task.completion_delivery = CompletionDelivery::kArtifact;
  task.is_isolated = true;
  task.is_scheduled = true;
  task.model = "model-x";
  task.project_id = "5d9f3c0e-8b7a-4c6d-9e1f-2a3b4c5d6e7f";
  task.secret_names = {"GITHUB_TOKEN", "name with \"quotes\"", ""};
  task.schedule_info = FullSchedule();
  task.updated_at = task.created_at + 5;
  Create(task);

  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->id, task.id);
  EXPECT_EQ(got->owner_id, owner.id);
  EXPECT_EQ(got->created_by, "ana@example.com");
  EXPECT_EQ(got->owner_team, "red-team");
  EXPECT_EQ(got->title, task.title);
  EXPECT_EQ(got->status, TaskStatus::kSuspended);
  EXPECT_EQ(got->visibility, Visibility::kTeam);
  EXPECT_EQ(got->source, Source::kLinear);
  EXPECT_EQ(got->completion_delivery, CompletionDelivery::kArtifact);
  EXPECT_TRUE(got->is_isolated);
  EXPECT_TRUE(got->is_scheduled);
  EXPECT_EQ(got->model, "model-x");
  EXPECT_EQ(got->project_id, task.project_id);
  EXPECT_EQ(got->secret_names, task.secret_names);
  ASSERT_TRUE(got->schedule_info.has_value());
  ExpectSameSchedule(*got->schedule_info, *task.schedule_info);
  EXPECT_EQ(got->created_at, task.created_at);
  EXPECT_EQ(got->updated_at, task.updated_at);
  EXPECT_GT(got->seq, 0);
}

TEST_P(StoreTest, AbsentOptionalsStayAbsent) {
  const User owner = AddUser("solo@example.com");
  const Task task = Create(NewTask(owner, 1000));
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->task.owner_team, std::nullopt);
  EXPECT_EQ(got->task.completion_delivery, std::nullopt);
  EXPECT_EQ(got->task.model, std::nullopt);
  EXPECT_EQ(got->task.project_id, std::nullopt);
  EXPECT_FALSE(got->task.schedule_info.has_value());
  EXPECT_TRUE(got->task.secret_names.empty());
  EXPECT_FALSE(got->task.is_isolated);
  EXPECT_FALSE(got->task.is_scheduled);
  EXPECT_EQ(got->task.status, TaskStatus::kPending);
  EXPECT_EQ(got->task.visibility, Visibility::kPrivate);
  EXPECT_EQ(got->task.source, Source::kWeb);
  EXPECT_TRUE(got->messages.empty());
  EXPECT_EQ(store().GetTask(NewUuidV4()).status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetSnapshot(NewUuidV4()).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, CreateStoresInitialMessagesVerbatimSkippingRepeatedKeys) {
  const User owner = AddUser("a@example.com");
  const NewMessage odd{R"({"n":1.50,"e":"\u00e9","z":[],"id":null})", R"(null)"};
  const Task task =
      Create(NewTask(owner, 1), {Keyed("m1"), odd, Keyed("m1", "again"), Unkeyed("x"), Unkeyed("x")});
  EXPECT_EQ(Messages(task.id),
            (std::vector<std::string>{Keyed("m1").json, odd.json, Unkeyed("x").json, Unkeyed("x").json}));
  Result<AppendResult> again = store().AppendMessages(task.id, {Keyed("m1")}, 2);
  ASSERT_OK(again);
  EXPECT_EQ(again->appended, 0);
  EXPECT_EQ(again->message_count, 4);
}

// The one read a share response is made from gives, on either backend, the task and exactly the
// messages of GetSnapshot: as blocks (SQLite) or as the rows themselves (PostgreSQL).
TEST_P(StoreTest, TheShareSnapshotHoldsTheTaskAndExactlyItsMessages) {
  const User owner = AddUser("shared@example.com");
  const Task task =
      Create(NewTask(owner, 1), {Keyed("m1", "one"), Unkeyed("two, \\\"quoted\\\""), Keyed("m3")});
  Result<TaskSnapshot> rows = store().GetSnapshot(task.id);
  ASSERT_OK(rows);
  Result<ShareSnapshot> read = store().GetShareSnapshot(task.id);
  ASSERT_OK(read);
  TaskSnapshot got;
  if (auto* packed = std::get_if<PackedSnapshot>(&*read)) {
    got.task = packed->task;
    ASSERT_OK(UnpackMessages(task.id, packed->blocks, got));
  } else {
    got = std::get<TaskSnapshot>(*read);
  }
  EXPECT_EQ(got.task.id, task.id);
  EXPECT_EQ(got.task.title, task.title);
  EXPECT_EQ(got.task.updated_at, rows->task.updated_at);
  EXPECT_EQ(got.messages, rows->messages);
  EXPECT_EQ(got.messages.size(), 3u);
  EXPECT_EQ(StatusOf(store().GetShareSnapshot(NewUuidV4())).code(), Code::kNotFound);
}

TEST_P(StoreTest, DuplicateTaskIdIsAlreadyExistsAndChangesNothing) {
  const User owner = AddUser("a@example.com");
  const Task first = Create(NewTask(owner, 10, "first"), {Keyed("m1")});
  Task second = NewTask(owner, 20, "second");
  second.id = first.id;
  const Status s = store().CreateTask(second, {Keyed("m2"), Keyed("m3")});
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_EQ(s.message(), "Task already exists");
  Result<Task> got = store().GetTask(first.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->title, "first");
  EXPECT_EQ(Messages(first.id), std::vector<std::string>{Keyed("m1").json});
}

TEST_P(StoreTest, TaskOfUnknownOwnerIsNotFoundAndNotStored) {
  const User ghost = NewUser("ghost@example.com");
  const Task task = NewTask(ghost, 10);
  const Status s = store().CreateTask(task, {Keyed("m1")});
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "User not found");
  EXPECT_EQ(store().GetTask(task.id).status().code(), Code::kNotFound);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 0);
}

TEST_P(StoreTest, UsersAreFoundByKeyHashAndEmail) {
  const User user = AddUser("sup@example.com", "blue", Role::kSupport);
  AddUser("other@example.com");
  for (const Result<User>& found :
       {store().FindUserByKeyHash("hash-of-sup@example.com"), store().FindUserByEmail("sup@example.com")}) {
    ASSERT_OK(found);
    EXPECT_EQ(found->id, user.id);
    EXPECT_EQ(found->email, "sup@example.com");
    EXPECT_EQ(found->role, Role::kSupport);
    EXPECT_EQ(found->team, "blue");
    EXPECT_EQ(found->created_at, user.created_at);
  }
  EXPECT_EQ(store().FindUserByKeyHash("no-such-hash").status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindUserByEmail("nobody@example.com").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, DuplicateEmailIsAlreadyExistsAndStoresNoKey) {
  AddUser("dup@example.com");
  const Status s = store().CreateUser(NewUser("dup@example.com"), KeyHash("second-hash"));
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_EQ(s.message(), "User already exists");
  EXPECT_EQ(store().FindUserByKeyHash("second-hash").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, AppendKeepsOrderAndSetsUpdatedAt) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("m0")});
  Result<AppendResult> r = store().AppendMessages(task.id, {Keyed("m1"), Unkeyed("u"), Keyed("m2")}, 555);
  ASSERT_OK(r);
  EXPECT_EQ(r->appended, 3);
  EXPECT_EQ(r->message_count, 4);
  EXPECT_EQ(Messages(task.id), (std::vector<std::string>{Keyed("m0").json, Keyed("m1").json,
                                                         Unkeyed("u").json, Keyed("m2").json}));
  EXPECT_EQ(store().GetTask(task.id)->updated_at, 555);
  EXPECT_EQ(store().GetTask(task.id)->created_at, 100);
}

TEST_P(StoreTest, RetriedAppendIsIdempotent) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100));
  const std::vector<NewMessage> batch = {Keyed("a"), Keyed("b"), Keyed("a", "dup"), Keyed("c")};
  Result<AppendResult> first = store().AppendMessages(task.id, batch, 200);
  ASSERT_OK(first);
  EXPECT_EQ(first->appended, 3);
  EXPECT_EQ(first->message_count, 3);
  Result<AppendResult> retry = store().AppendMessages(task.id, batch, 300);
  ASSERT_OK(retry);
  EXPECT_EQ(retry->appended, 0);
  EXPECT_EQ(retry->message_count, 3);
  EXPECT_EQ(store().GetTask(task.id)->updated_at, 200);  // nothing appended, nothing changed
  Result<AppendResult> mixed = store().AppendMessages(task.id, {Keyed("c"), Keyed("d")}, 400);
  ASSERT_OK(mixed);
  EXPECT_EQ(mixed->appended, 1);
  EXPECT_EQ(mixed->message_count, 4);
  EXPECT_EQ(Messages(task.id),
            (std::vector<std::string>{Keyed("a").json, Keyed("b").json, Keyed("c").json, Keyed("d").json}));
}

TEST_P(StoreTest, AppendToMissingTaskIsNotFoundAndStoresNothing) {
  const User owner = AddUser("a@example.com");
  Create(NewTask(owner, 100));
  Result<AppendResult> r = store().AppendMessages(NewUuidV4(), {Keyed("a"), Unkeyed("b")}, 200);
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().message(), "Task not found");
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 0);
}

TEST_P(StoreTest, UpdateTaskAppliesOnlyThePatchedFields) {
  const User owner = AddUser("a@example.com");
  Task task = NewTask(owner, 100, "old title");
  task.model = "m1";
  task.visibility = Visibility::kPublic;
  Create(task, {Keyed("k")});

  Result<Task> updated = store().UpdateTask(task.id, TitlePatch("new title"), 700);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->title, "new title");
  EXPECT_EQ(updated->model, "m1");
  EXPECT_EQ(updated->visibility, Visibility::kPublic);
  EXPECT_EQ(updated->status, TaskStatus::kPending);
  EXPECT_EQ(updated->updated_at, 700);
  EXPECT_EQ(updated->created_at, 100);
  EXPECT_EQ(updated->created_by, "a@example.com");

  TaskPatch patch;
  patch.status = TaskStatus::kCompleted;
  patch.visibility = Visibility::kPrivate;
  patch.model = "m2";
  updated = store().UpdateTask(task.id, patch, 800);
  ASSERT_OK(updated);
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->task.title, "new title");
  EXPECT_EQ(got->task.status, TaskStatus::kCompleted);
  EXPECT_EQ(got->task.visibility, Visibility::kPrivate);
  EXPECT_EQ(got->task.model, "m2");
  EXPECT_EQ(got->task.updated_at, 800);
  EXPECT_EQ(got->messages.size(), 1U);

  EXPECT_EQ(store().UpdateTask(NewUuidV4(), TitlePatch("x"), 900).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, DeleteTaskRemovesTaskAndMessages) {
  const User owner = AddUser("a@example.com");
  const Task doomed = Create(NewTask(owner, 100), {Keyed("a"), Keyed("b")});
  const Task kept = Create(NewTask(owner, 200), {Keyed("a")});
  ASSERT_OK(store().DeleteTask(doomed.id));
  EXPECT_EQ(store().GetTask(doomed.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetSnapshot(doomed.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().AppendMessages(doomed.id, {Keyed("c")}, 300).status().code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteTask(doomed.id).code(), Code::kNotFound);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 1);
  EXPECT_EQ(Messages(kept.id).size(), 1U);
  EXPECT_EQ(ListAllIds(OwnedBy(owner.id)), std::vector<std::string>{kept.id});
}

// A deleted task's links have been handed out: its id must never name another task, whoever asks,
// however the task is inserted.
TEST_P(StoreTest, ADeletedIdCannotBeCreatedAgain) {
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  const Task deleted = Create(NewTask(owner, 100), {Keyed("a")});
  const Task kept = Create(NewTask(owner, 200));
  ASSERT_OK(store().DeleteTask(deleted.id));

  for (const User* user : {&other, &owner}) {
    Task again = NewTask(*user, 300, "taken over");
    again.id = deleted.id;
    const Status s = store().CreateTask(again, {Keyed("x")});
    EXPECT_EQ(s.code(), Code::kAlreadyExists) << Describe(s);
    EXPECT_EQ(s.message(), "Task id is already taken");
  }
  EXPECT_EQ(StatusOf(store().GetTask(deleted.id)).code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteTask(deleted.id).code(), Code::kNotFound);
  EXPECT_EQ(ListAllIds(OwnedBy(other.id)), std::vector<std::string>{});

  // The database itself refuses the id, to every insert, after a restart too.
  Reopen();
  const std::string copy_of_kept =
      "INSERT INTO tasks(id, owner_id, title, status, visibility, source, is_isolated, is_scheduled, "
      "secret_names, created_at, updated_at) SELECT '" +
      deleted.id +
      "', owner_id, title, status, visibility, source, is_isolated, is_scheduled, secret_names, "
      "created_at, updated_at FROM tasks WHERE id = '" +
      kept.id + "'";
  EXPECT_THROW(db_->ExecRaw(copy_of_kept), std::runtime_error);
  EXPECT_EQ(StatusOf(store().GetTask(deleted.id)).code(), Code::kNotFound);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM tasks"), 1);
}

TEST_P(StoreTest, ListIsNewestFirstWithTiesInReverseCreationOrder) {
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  const Task old = Create(NewTask(owner, 100));
  const Task tie1 = Create(NewTask(owner, 500));
  Create(NewTask(other, 400));
  const Task tie2 = Create(NewTask(owner, 500));
  const Task mid = Create(NewTask(owner, 300));
  Result<TaskPage> page = store().ListTasks(OwnedBy(owner.id, 10));
  ASSERT_OK(page);
  std::vector<std::string> ids;
  for (const Task& t : page->tasks) ids.push_back(t.id);
  EXPECT_EQ(ids, (std::vector<std::string>{tie2.id, tie1.id, mid.id, old.id}));
  EXPECT_FALSE(page->next.has_value());
  EXPECT_EQ(page->tasks[0].created_by, "a@example.com");
}

TEST_P(StoreTest, ListFilters) {
  const User owner = AddUser("a@example.com");
  Task a = NewTask(owner, 1);
  a.status = TaskStatus::kActive;
  a.visibility = Visibility::kPublic;
  Task b = NewTask(owner, 2);
  b.status = TaskStatus::kActive;
  b.is_scheduled = true;
  Task c = NewTask(owner, 3);
  c.visibility = Visibility::kPublic;
  c.is_scheduled = true;
  Create(a);
  Create(b);
  Create(c);
  const std::string& o = owner.id;
  EXPECT_EQ(ListAllIds(Filtered(o, TaskStatus::kActive, {}, {})), (std::vector<std::string>{b.id, a.id}));
  EXPECT_EQ(ListAllIds(Filtered(o, {}, Visibility::kPublic, {})), (std::vector<std::string>{c.id, a.id}));
  EXPECT_EQ(ListAllIds(Filtered(o, {}, {}, true)), (std::vector<std::string>{c.id, b.id}));
  EXPECT_EQ(ListAllIds(Filtered(o, {}, {}, false)), std::vector<std::string>{a.id});
  EXPECT_EQ(ListAllIds(Filtered(o, TaskStatus::kActive, {}, true)), std::vector<std::string>{b.id});
  EXPECT_TRUE(ListAllIds(Filtered(o, TaskStatus::kError, {}, {})).empty());
  EXPECT_TRUE(ListAllIds(OwnedBy(NewUuidV4())).empty());
}

TEST_P(StoreTest, PagingNeitherRepeatsNorSkipsWhileTasksAreCreated) {
  const User owner = AddUser("a@example.com");
  std::vector<std::string> expected;  // newest first
  for (int i = 0; i < 11; ++i) expected.insert(expected.begin(), Create(NewTask(owner, 1000 + i / 3)).id);

  std::vector<std::string> seen;
  TaskQuery query = OwnedBy(owner.id, 3);
  for (int page_number = 0;; ++page_number) {
    ASSERT_LT(page_number, 10);
    Result<TaskPage> page = store().ListTasks(query);
    ASSERT_OK(page);
    EXPECT_LE(page->tasks.size(), 3U);
    for (const Task& t : page->tasks) seen.push_back(t.id);
    if (!page->next) break;
    EXPECT_EQ(page->next->created_at, page->tasks.back().created_at);
    EXPECT_EQ(page->next->seq, page->tasks.back().seq);
    // Created between pages: newer tasks, and one that ties with the page's last created_at.
    Create(NewTask(owner, 5000 + page_number));
    Create(NewTask(owner, page->next->created_at));
    query.after = page->next;
  }
  EXPECT_EQ(seen, expected);

  // A final page that is exactly full has no next.
  Result<TaskPage> exact = store().ListTasks(OwnedBy(owner.id, 100));
  ASSERT_OK(exact);
  const auto total = exact->tasks.size();
  Result<TaskPage> full = store().ListTasks(OwnedBy(owner.id, static_cast<int>(total)));
  ASSERT_OK(full);
  EXPECT_EQ(full->tasks.size(), total);
  EXPECT_FALSE(full->next.has_value());
}

TEST_P(StoreTest, CorruptRowIsInternalFailedToLoadSnapshot) {
  const User owner = AddUser("a@example.com");
  const std::vector<std::pair<std::string, std::string>> corruptions = {
      {"status", "'exploded'"},
      {"visibility", "'Public'"},
      {"completion_delivery", "'x'"},
      {"secret_names", "'not json'"},
      {"schedule_info", "'{\"schedule_id\":1}'"},
  };
  for (const auto& [column, value] : corruptions) {
    SCOPED_TRACE(column);
    const Task task = Create(NewTask(owner, 100), {Keyed("a")});
    db_->ExecRaw("UPDATE tasks SET " + column + " = " + value + " WHERE id = '" + task.id + "'");
    const Status get = StatusOf(store().GetTask(task.id));
    const Status snapshot = StatusOf(store().GetSnapshot(task.id));
    const Status list = StatusOf(store().ListTasks(OwnedBy(owner.id)));
    for (const Status& s : {get, snapshot, list}) {
      EXPECT_EQ(s.code(), Code::kInternal);
      EXPECT_EQ(s.message(), "Failed to load snapshot");
      EXPECT_NE(s.detail().find(task.id), std::string::npos) << s.detail();
      EXPECT_NE(s.detail().find(column), std::string::npos) << s.detail();
    }
    ASSERT_OK(store().DeleteTask(task.id));
  }
}

TEST_P(StoreTest, DataSurvivesReopening) {
  const User owner = AddUser("a@example.com", "t");
  Task task = NewTask(owner, 100);
  task.schedule_info = FullSchedule();
  Create(task, {Keyed("a")});
  ASSERT_OK(store().AppendMessages(task.id, {Keyed("b")}, 200));
  ASSERT_OK(store().UpdateTask(task.id, TitlePatch("renamed"), 300));
  Reopen();
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->task.title, "renamed");
  EXPECT_EQ(got->task.updated_at, 300);
  EXPECT_EQ(got->task.owner_team, "t");
  EXPECT_TRUE(got->task.schedule_info.has_value());
  EXPECT_EQ(got->messages, (std::vector<std::string>{Keyed("a").json, Keyed("b").json}));
  ASSERT_OK(store().FindUserByKeyHash("hash-of-a@example.com"));
}

TEST_P(StoreTest, ConcurrentAppendsLandExactlyOnce) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100));
  constexpr int kThreads = 8;
  constexpr int kBatches = 10;
  std::atomic<bool> failed{false};
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Each batch is sent twice, and every thread also sends the same shared keys.
        const std::vector<NewMessage> batch = {Keyed("t" + std::to_string(t) + "-" + std::to_string(b)),
                                               Keyed("shared-" + std::to_string(b))};
        for (int attempt = 0; attempt < 2; ++attempt) {
          if (!store().AppendMessages(task.id, batch, 200 + b).ok()) failed = true;
        }
      }
    });
  }
  std::thread reader([&] {
    while (writing) {
      if (!store().GetSnapshot(task.id).ok()) failed = true;
    }
  });
  for (std::thread& thread : threads) thread.join();
  writing = false;
  reader.join();
  EXPECT_FALSE(failed);

  const std::vector<std::string> messages = Messages(task.id);
  const std::set<std::string> distinct(messages.begin(), messages.end());
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(kThreads * kBatches + kBatches));
  EXPECT_EQ(distinct.size(), messages.size());
  Result<AppendResult> count = store().AppendMessages(task.id, {Keyed("shared-0")}, 999);
  ASSERT_OK(count);
  EXPECT_EQ(count->message_count, static_cast<std::int64_t>(messages.size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
