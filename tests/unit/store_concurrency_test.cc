// Storage contract under concurrent writers, run against every backend like store_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreConcurrencyTest : public StoreTest {};

// Appends racing each other may share a transaction; one that fails (its task is gone) must not take
// the others down with it, and each gets its own result.
TEST_P(StoreConcurrencyTest, ConcurrentAppendsSucceedOrFailEachOnTheirOwn) {
  const User owner = AddUser("a@example.com");
  constexpr int kThreads = 8;
  constexpr int kBatches = 15;
  std::vector<Task> tasks;
  for (int t = 0; t < kThreads; ++t) tasks.push_back(Create(NewTask(owner, 100 + t)));
  const std::string missing = NewUuidV4();
  std::vector<std::thread> threads;
  std::vector<int> ok_counts(kThreads, 0), not_found_counts(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        const bool to_missing = (b % 3 == 2);
        const std::vector<NewMessage> batch = {Keyed("m" + std::to_string(b)),
                                               Keyed("n" + std::to_string(b))};
        Result<AppendResult> r = store().AppendMessages(to_missing ? missing : tasks[t].id, batch, 500 + b);
        if (r.ok()) ++ok_counts[t];
        if (!r.ok() && r.status().code() == Code::kNotFound) ++not_found_counts[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(ok_counts[t], kBatches - kBatches / 3);
    EXPECT_EQ(not_found_counts[t], kBatches / 3);
    EXPECT_EQ(Messages(tasks[t].id).size(), static_cast<std::size_t>(2 * (kBatches - kBatches / 3)));
  }
  EXPECT_EQ(store().GetTask(missing).status().code(), Code::kNotFound);
}

// Creates racing for one task id or one email: exactly one wins, the others are told it exists.
TEST_P(StoreConcurrencyTest, ConcurrentCreatesOfOneIdOrEmailStoreItOnce) {
  const User owner = AddUser("a@example.com");
  Task task = NewTask(owner, 100);
  constexpr int kThreads = 6;
  std::vector<Status> tasks(kThreads), users(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Task mine = task;
      mine.title = "racer " + std::to_string(t);
      tasks[t] = store().CreateTask(mine, {Keyed("m" + std::to_string(t))});
      users[t] = store().CreateUser(NewUser("same@example.com"), KeyHash("key-" + std::to_string(t)));
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& [results, message] :
       {std::pair{&tasks, "Task already exists"}, std::pair{&users, "User already exists"}}) {
    int created = 0;
    for (const Status& s : *results) {
      if (s.ok()) {
        ++created;
      } else {
        EXPECT_EQ(s.code(), Code::kAlreadyExists) << Describe(s);
        EXPECT_EQ(s.message(), message);
      }
    }
    EXPECT_EQ(created, 1) << message;
  }
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  // The winner's own first message, not a loser's.
  const std::string winner = got->task.title.substr(std::string("racer ").size());
  EXPECT_EQ(got->messages, std::vector<std::string>{Keyed("m" + winner).json});
}

// Creates racing with the delete of their id never store it: before the delete commits the id is a
// task's, after it the id is deleted's, and no moment lies between.
TEST_P(StoreConcurrencyTest, CreatesRacingADeleteOfTheirIdNeverStoreIt) {
  const User owner = AddUser("a@example.com");
  const User taker = AddUser("b@example.com");
  constexpr int kRounds = 10;
  constexpr int kThreads = 3;
  constexpr int kTries = 20;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const Task task = Create(NewTask(owner, 100 + round));
    std::vector<std::vector<Status>> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Task mine = NewTask(taker, 500, "taken over");
        mine.id = task.id;
        for (int i = 0; i < kTries; ++i) results[t].push_back(store().CreateTask(mine, {}));
      });
    }
    ASSERT_OK(store().DeleteTask(task.id));
    for (auto& th : threads) th.join();
    for (const auto& tries : results) {
      for (const Status& s : tries) EXPECT_EQ(s.code(), Code::kAlreadyExists) << Describe(s);
    }
    EXPECT_EQ(StatusOf(store().GetTask(task.id)).code(), Code::kNotFound);
  }
}

// Rotations racing from one current key take turns: exactly one replaces it, the others find it gone
// and change nothing, so one key is left, the winner's. Several rounds, each from the last winner.
TEST_P(StoreConcurrencyTest, RotationsRacingFromOneKeyLeaveExactlyOneKey) {
  const User user = AddUser("a@example.com");
  constexpr int kThreads = 6;
  constexpr int kRounds = 4;
  std::string current = "hash-of-a@example.com";
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<Status> results(kThreads);
    std::vector<std::thread> threads;
    auto name = [round](int t) { return "rot-" + std::to_string(round) + "-" + std::to_string(t); };
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        results[t] = store().RotateApiKey(
            user.id, current, StoredApiKey{.key_hash = name(t), .prefix = name(t), .created_at = round});
      });
    }
    for (auto& th : threads) th.join();
    std::vector<std::string> winners;
    for (int t = 0; t < kThreads; ++t) {
      if (results[t].ok()) {
        winners.push_back(name(t));
      } else {
        EXPECT_EQ(results[t].code(), Code::kNotFound) << Describe(results[t]);
      }
    }
    ASSERT_EQ(winners.size(), 1u);
    EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM api_keys WHERE user_id = '" + user.id + "'"), 1);
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(store().FindUserByKeyHash(name(t)).ok(), name(t) == winners[0]);
    EXPECT_EQ(store().GetApiKey(user.id)->prefix, winners[0]);
    EXPECT_EQ(store().FindUserByKeyHash(current).status().code(), Code::kNotFound);
    current = winners[0];
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConcurrencyTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
