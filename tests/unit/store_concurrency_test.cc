// Storage contract under concurrent writers, run against every backend like store_test.cc.
#include <gtest/gtest.h>

#include <thread>
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
        const std::vector<NewMessage> batch = {Keyed("m" + std::to_string(b)), Keyed("n" + std::to_string(b))};
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreConcurrencyTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
