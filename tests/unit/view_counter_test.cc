// ViewCounter: views recorded from many threads reach the store exactly once, in batches.
#include "observe/view_counter.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class ViewCounterTest : public StoreTest {};

// How many of this process's threads run at nice value `nice`.
int ThreadsAtNice(int nice) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    const auto tid = static_cast<id_t>(std::stoi(entry.path().filename().string()));
    errno = 0;
    const int value = getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && value == nice) ++n;
  }
  return n;
}

TEST_P(ViewCounterTest, ViewsFromManyThreadsAreAddedExactlyOnce) {
  const User ana = AddUser("ana@views.test");
  const Task a = Create(NewTask(ana, 1000));
  const Task b = Create(NewTask(ana, 1001));
  observe::ViewCounter counter(store(), std::chrono::hours(1));  // no timed flush: only the explicit ones
  constexpr int kThreads = 8;
  constexpr int kViews = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kViews; ++i) {
        counter.Record(a.id);
        if (t % 2 == 0) counter.Record(b.id);
        if (i == kViews / 2 && t == 0) {
          EXPECT_TRUE(counter.Flush().ok());  // a flush amid the recording
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_OK(counter.Flush());
  EXPECT_EQ(store().GetShareViews(a.id)->views, kThreads * kViews);
  EXPECT_EQ(store().GetShareViews(b.id)->views, kThreads / 2 * kViews);
  EXPECT_TRUE(store().GetShareViews(a.id)->last_viewed_at.has_value());
  ASSERT_OK(counter.Flush());
  EXPECT_EQ(store().GetShareViews(a.id)->views, kThreads * kViews) << "a second flush adds nothing";
}

TEST_P(ViewCounterTest, StopFlushesWhatIsPending) {
  const User ana = AddUser("ana@views.test");
  const Task a = Create(NewTask(ana, 1000));
  {
    observe::ViewCounter counter(store(), std::chrono::hours(1));
    counter.Start();
    for (int i = 0; i < 7; ++i) counter.Record(a.id);
    counter.Stop();
    EXPECT_EQ(store().GetShareViews(a.id)->views, 7);
    counter.Record(a.id);
  }  // the destructor flushes too
  EXPECT_EQ(store().GetShareViews(a.id)->views, 8);
}

TEST_P(ViewCounterTest, TheTimedFlushSavesViewsWithoutBeingAsked) {
  const User ana = AddUser("ana@views.test");
  const Task a = Create(NewTask(ana, 1000));
  observe::ViewCounter counter(store(), std::chrono::milliseconds(20));
  counter.Start();
  counter.Record(a.id);
  counter.Record(a.id);
  // Bounded wait for the background flush; no assertion on how long it took.
  for (int i = 0; i < 500 && store().GetShareViews(a.id)->views < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store().GetShareViews(a.id)->views, 2);
}

// More tasks than one chunk (a transaction of 100 tasks): every one is counted, by the timed flush
// (which rests between chunks) and by Stop() in the middle of such a flush.
TEST_P(ViewCounterTest, ViewsOfMoreTasksThanAChunkAreAllSaved) {
  const User ana = AddUser("ana@views.test");
  std::vector<std::string> ids;
  for (int i = 0; i < 350; ++i) ids.push_back(Create(NewTask(ana, 1000 + i)).id);
  {
    observe::ViewCounter counter(store(), std::chrono::milliseconds(20));
    counter.Start();
    for (const std::string& id : ids) counter.Record(id);
    for (int i = 0; i < 1000 && store().GetShareViews(ids.back())->views < 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (const std::string& id : ids) counter.Record(id);
    counter.Stop();
  }
  for (const std::string& id : ids) ASSERT_EQ(store().GetShareViews(id)->views, 2) << id;
}

// The flushing thread, and it alone, runs at the lowest priority, so that on a busy CPU its
// transactions wait for the threads that serve.
TEST_P(ViewCounterTest, TheFlusherAloneRunsAtTheLowestPriority) {
  const int own = getpriority(PRIO_PROCESS, 0);
  ASSERT_LT(own, 19) << "the test must not itself run at nice 19";
  const int before = ThreadsAtNice(19);
  {
    observe::ViewCounter counter(store(), std::chrono::hours(1));
    counter.Start();
    // Bounded wait for the thread to lower its priority; no assertion on how long it took.
    for (int i = 0; i < 500 && ThreadsAtNice(19) == before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(ThreadsAtNice(19), before + 1);
    EXPECT_EQ(getpriority(PRIO_PROCESS, 0), own) << "the thread that started it keeps its priority";
  }
  EXPECT_EQ(ThreadsAtNice(19), before) << "the flusher has ended";
}

INSTANTIATE_TEST_SUITE_P(Backends, ViewCounterTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
