// Storage contract for the quotas the store enforces itself (domain/quotas.h, StoreOptions::quotas),
// run against every backend like store_test.cc: the bytes of a task's messages (task_bytes) on create
// and append, and the tasks a user holds (tasks_per_user) on create. Each is checked inside the write
// transaction, so a refused write leaves nothing behind and concurrent writers cannot pass a limit
// together; the counts they read are kept by the stores and computed by the migration for data stored
// before it.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "domain/quotas.h"
#include "domain/schedule_rules.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreQuotasTest : public StoreTest {
 protected:
  // A keyed message whose JSON text is exactly `bytes` long (at least 40).
  static NewMessage Sized(const std::string& key, std::size_t bytes) {
    NewMessage m = Keyed(key, "");
    m.json.insert(m.json.size() - 2, std::string(bytes - m.json.size(), 'x'));
    return m;
  }

  static Quotas TaskBytes(std::int64_t bytes) {
    Quotas q;
    q.task_bytes = bytes;
    return q;
  }

  std::int64_t StoredBytes(const Task& task) {
    return db_->QueryInt("SELECT message_bytes FROM tasks WHERE id = '" + task.id + "'");
  }
  std::int64_t TasksHeld(const User& user) {
    return db_->QueryInt("SELECT task_count FROM users WHERE id = '" + user.id + "'");
  }
};

void ExpectRefusedBy(const Status& s, Code code, std::string_view limit) {
  EXPECT_EQ(s.code(), code) << Describe(s);
  EXPECT_EQ(s.limit(), limit) << Describe(s);
  EXPECT_NE(s.message().find("(limit " + std::string(limit) + ")"), std::string::npos) << s.message();
}

TEST_P(StoreQuotasTest, ACreateOverTheTaskBytesStoresNothing) {
  Reopen(TaskBytes(1000));
  const User owner = AddUser("a@example.com");
  const Task over = NewTask(owner, 100);
  ExpectRefusedBy(store().CreateTask(over, {Sized("a", 600), Sized("b", 401)}), Code::kTooLarge,
                  "task_bytes");
  EXPECT_EQ(store().GetTask(over.id).status().code(), Code::kNotFound);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(TasksHeld(owner), 0) << "the refused task is not counted";

  // Exactly the limit fits, and a key repeated within the batch is not counted twice.
  const Task full = Create(NewTask(owner, 200), {Sized("a", 600), Sized("b", 400), Sized("a", 600)});
  EXPECT_EQ(StoredBytes(full), 1000);
  EXPECT_EQ(Messages(full.id).size(), 2u);
}

TEST_P(StoreQuotasTest, AnAppendOverTheTaskBytesIsRefusedWhole) {
  Reopen(TaskBytes(1000));
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Sized("a", 600)});
  const Status over = StatusOf(store().AppendMessages(task.id, {Sized("b", 100), Sized("c", 301)}, 200));
  ExpectRefusedBy(over, Code::kTooLarge, "task_bytes");
  EXPECT_NE(over.message().find("holds 600 and the request adds 401"), std::string::npos) << over.message();
  EXPECT_EQ(Messages(task.id), std::vector<std::string>{Sized("a", 600).json}) << "nothing was appended";
  EXPECT_EQ(StoredBytes(task), 600);
  EXPECT_EQ(store().GetTask(task.id)->updated_at, 100);

  // What is stored already does not count again: a retry of stored messages adds nothing, even to a
  // full task, and only the new ones of a batch count.
  Result<AppendResult> filled = store().AppendMessages(task.id, {Sized("a", 600), Sized("b", 400)}, 300);
  ASSERT_OK(filled);
  EXPECT_EQ(filled->appended, 1);
  EXPECT_EQ(StoredBytes(task), 1000);
  Result<AppendResult> retried = store().AppendMessages(task.id, {Sized("b", 400)}, 400);
  ASSERT_OK(retried);
  EXPECT_EQ(retried->appended, 0);
  ExpectRefusedBy(StatusOf(store().AppendMessages(task.id, {Sized("c", 40)}, 500)), Code::kTooLarge,
                  "task_bytes");
  EXPECT_EQ(Messages(task.id).size(), 2u);
}

// Appends to one task take turns on it, each reading the total the one before it left: of appends
// racing for the last room, only as many as fit get in, whatever the backend groups or locks.
TEST_P(StoreQuotasTest, ConcurrentAppendsCannotPassTheTaskBytesTogether) {
  Reopen(TaskBytes(10'000));
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100));
  constexpr int kThreads = 8;
  std::atomic<int> stored{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Result<AppendResult> r = store().AppendMessages(task.id, {Sized("m" + std::to_string(t), 3000)}, 200);
      if (r.ok()) ++stored;
      if (!r.ok() && r.status().limit() == "task_bytes") ++refused;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(stored, 3);
  EXPECT_EQ(refused, kThreads - 3);
  EXPECT_EQ(Messages(task.id).size(), 3u);
  EXPECT_EQ(StoredBytes(task), 9000);
}

// The total is kept by every write of messages (creates, appends, a schedule's run) and read back by
// a store opened later.
TEST_P(StoreQuotasTest, TheByteTotalFollowsEveryWriteAndOutlivesTheStore) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Sized("a", 100), Unkeyed("é")});
  const std::int64_t first = 100 + static_cast<std::int64_t>(Unkeyed("é").json.size());
  EXPECT_EQ(StoredBytes(task), first);
  ASSERT_OK(store().AppendMessages(task.id, {Sized("b", 250)}, 200));
  EXPECT_EQ(StoredBytes(task), first + 250);
  Reopen(TaskBytes(first + 300));
  ExpectRefusedBy(StatusOf(store().AppendMessages(task.id, {Sized("c", 51)}, 300)), Code::kTooLarge,
                  "task_bytes");
  ASSERT_OK(store().AppendMessages(task.id, {Sized("c", 50)}, 300));

  Schedule schedule;
  schedule.id = NewUuidV4();
  schedule.owner_id = owner.id;
  schedule.task_message = "scan example.com";
  schedule.type = ScheduleType::kOneTime;
  schedule.run_at = 1000;
  schedule.next_execution_at = 1000;
  schedule.created_at = schedule.updated_at = 500;
  ASSERT_OK(store().CreateSchedule(schedule));
  Result<std::optional<ScheduleRun>> run =
      store().RunDueSchedule(2000, [](const Schedule& due) { return PlanRun(due, 2000); });
  ASSERT_OK(run);
  ASSERT_TRUE(run->has_value());
  Result<TaskSnapshot> scheduled = store().GetSnapshot((*run)->task_id);
  ASSERT_OK(scheduled);
  EXPECT_EQ(db_->QueryInt("SELECT message_bytes FROM tasks WHERE id = '" + (*run)->task_id + "'"),
            static_cast<std::int64_t>(scheduled->messages.at(0).size()));
}

TEST_P(StoreQuotasTest, TasksPerUserIsCheckedOnCreate) {
  Quotas quotas;
  quotas.tasks_per_user = 3;
  Reopen(quotas);
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  std::vector<Task> tasks;
  for (int i = 0; i < 3; ++i) tasks.push_back(Create(NewTask(owner, 100 + i), {Keyed("m")}));
  const Task fourth = NewTask(owner, 200);
  ExpectRefusedBy(store().CreateTask(fourth, {Keyed("m")}), Code::kLimitReached, "tasks_per_user");
  EXPECT_EQ(store().GetTask(fourth.id).status().code(), Code::kNotFound);
  EXPECT_EQ(TasksHeld(owner), 3);
  Create(NewTask(other, 300));  // each user has their own count

  // A deleted task frees its place.
  ASSERT_OK(store().DeleteTask(tasks[0].id));
  EXPECT_EQ(TasksHeld(owner), 2);
  ASSERT_OK(store().CreateTask(fourth, {Keyed("m")}));
  EXPECT_EQ(TasksHeld(owner), 3);
  EXPECT_EQ(TasksHeld(other), 1);
}

// Creates of one user take turns from their insert on, so of creates racing for the last places only
// as many as fit succeed: no overshoot, on either backend.
TEST_P(StoreQuotasTest, ConcurrentCreatesCannotPassTasksPerUserTogether) {
  Quotas quotas;
  quotas.tasks_per_user = 5;
  Reopen(quotas);
  const User owner = AddUser("a@example.com");
  Create(NewTask(owner, 100));
  constexpr int kThreads = 8;
  std::atomic<int> created{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const Status s = store().CreateTask(NewTask(owner, 200 + t), {Keyed("m")});
      if (s.ok()) ++created;
      if (s.limit() == "tasks_per_user") ++refused;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created, 4);
  EXPECT_EQ(refused, kThreads - 4);
  EXPECT_EQ(ListAllIds(OwnedBy(owner.id)).size(), 5u);
  EXPECT_EQ(TasksHeld(owner), 5);
}

// Puts are counted against every value the user's secrets hold and have held, in the put's
// transaction: a refused put neither replaces nor retires anything.
TEST_P(StoreQuotasTest, SecretValuesPerUserIsCheckedOnPut) {
  Quotas quotas;
  quotas.secret_values_per_user = 3;
  Reopen(quotas);
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  ASSERT_OK(store().PutSecret(owner.id, "A", "sealed-a1", 100));
  ASSERT_OK(store().PutSecret(owner.id, "A", "sealed-a2", 200));
  ASSERT_OK(store().PutSecret(owner.id, "B", "sealed-b1", 300));
  ExpectRefusedBy(StatusOf(store().PutSecret(owner.id, "A", "sealed-a3", 400)), Code::kLimitReached,
                  "secret_values_per_user");
  ExpectRefusedBy(StatusOf(store().PutSecret(owner.id, "C", "sealed-c1", 400)), Code::kLimitReached,
                  "secret_values_per_user");
  Result<std::vector<SealedSecret>> sealed = store().ListSealedSecrets(owner.id);
  ASSERT_OK(sealed);
  std::vector<std::string> values;
  for (const SealedSecret& s : *sealed) values.push_back(s.sealed);
  EXPECT_EQ(values, (std::vector<std::string>{"sealed-a2", "sealed-a1", "sealed-b1"})) << "nothing changed";
  Result<std::vector<SecretInfo>> listed = store().ListSecrets(owner.id);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).updated_at, 200);

  ASSERT_OK(store().DeleteSecret(owner.id, "B"));  // a delete moves a value, adding none
  ExpectRefusedBy(StatusOf(store().PutSecret(owner.id, "B", "sealed-b2", 500)), Code::kLimitReached,
                  "secret_values_per_user");
  ASSERT_OK(store().PutSecret(other.id, "A", "sealed-other", 600));  // each user has their own count
}

// A database from before the counts (their columns and triggers taken away again, and the records of
// that migration and the later ones) gets them computed from what it holds when it is opened.
TEST_P(StoreQuotasTest, TheMigrationCountsWhatIsAlreadyStored) {
  const User owner = AddUser("a@example.com");
  const User idle = AddUser("b@example.com");
  const Task big = Create(NewTask(owner, 100), {Sized("a", 300), Sized("b", 200)});
  ASSERT_OK(store().AppendMessages(big.id, {Sized("c", 77)}, 200));
  const Task empty = Create(NewTask(owner, 300));
  store_.reset();
  const int version = GetParam().name == "Sqlite" ? 16 : 14;
  db_->ExecRaw(UndoQuotaCountsSql(GetParam().name) +
               "DELETE FROM schema_migrations WHERE version >= " + std::to_string(version));
  Quotas quotas = TaskBytes(600);
  quotas.tasks_per_user = 2;
  Reopen(quotas);
  EXPECT_EQ(StoredBytes(big), 577);
  EXPECT_EQ(StoredBytes(empty), 0);
  EXPECT_EQ(TasksHeld(owner), 2);
  EXPECT_EQ(TasksHeld(idle), 0);
  ExpectRefusedBy(StatusOf(store().AppendMessages(big.id, {Sized("d", 40)}, 300)), Code::kTooLarge,
                  "task_bytes");
  ExpectRefusedBy(store().CreateTask(NewTask(owner, 400), {}), Code::kLimitReached, "tasks_per_user");
  ASSERT_OK(store().DeleteTask(empty.id));
  EXPECT_EQ(TasksHeld(owner), 1) << "the triggers count again";
  ASSERT_OK(store().CreateTask(NewTask(owner, 500), {}));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreQuotasTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
