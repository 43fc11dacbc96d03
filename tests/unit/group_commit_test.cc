#include "storage/sqlite/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace taskshare::sqlite {
namespace {

struct Write {
  int value = 0;
  int applied_times = 0;
  int result = -1;
};

TEST(GroupCommitTest, EveryWriteIsAppliedOnceAndGroupsFormUnderContention) {
  GroupCommit<Write> commit;
  std::atomic<int> groups{0};
  std::atomic<std::size_t> largest{0};
  std::atomic<int> applying{0};
  std::atomic<bool> overlapped{false};
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 40;
  std::vector<std::vector<Write>> writes(kThreads, std::vector<Write>(kWritesPerThread));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        Write& w = writes[t][i];
        w.value = t * 1000 + i;
        commit.Run(w, [&](std::span<Write*> group) {
          if (applying.fetch_add(1) != 0) overlapped = true;
          ++groups;
          if (group.size() > largest) largest = group.size();
          for (Write* g : group) {
            ++g->applied_times;
            g->result = g->value * 2;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(500));  // a commit's fsync
          applying.fetch_sub(1);
        });
        // The result is in when Run returns.
        EXPECT_EQ(w.result, w.value * 2);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& per_thread : writes) {
    for (const Write& w : per_thread) EXPECT_EQ(w.applied_times, 1);
  }
  EXPECT_FALSE(overlapped) << "two groups were applied at once";
  EXPECT_LT(groups.load(), kThreads * kWritesPerThread) << "no write ever shared a commit";
  EXPECT_LE(largest.load(), GroupCommit<Write>::kMaxGroup);
}

}  // namespace
}  // namespace taskshare::sqlite
