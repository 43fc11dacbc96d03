// The scheduling hints of common/thread_priority.h, checked against what the kernel reports for the
// calling thread.
#include "common/thread_priority.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace taskshare {
namespace {

int ThisThreadNice() { return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); }

// The slice the scheduler reports for the calling thread, in nanoseconds, or -1 where it reports none.
long long ReportedSlice() {
  std::ifstream in("/proc/thread-self/sched");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("se.slice", 0) != 0) continue;
    return std::stoll(line.substr(line.find(':') + 1));
  }
  return -1;
}

// Whether the kernel honours a slice asked for by a SCHED_OTHER thread (Linux 6.12 and later).
bool KernelTakesCustomSlices() {
  utsname u{};
  if (uname(&u) != 0) return false;
  int major = 0, minor = 0;
  if (std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 6 || (major == 6 && minor >= 12);
}

TEST(ThreadPriorityTest, LowersOnlyTheCallingThreadAndStopsAtNineteen) {
  const int before = ThisThreadNice();
  int inside = 0, capped = 0;
  std::thread t([&] {
    ASSERT_TRUE(LowerThisThreadPriority(3));
    inside = ThisThreadNice();
    ASSERT_TRUE(LowerThisThreadPriority(40));
    capped = ThisThreadNice();
  });
  t.join();
  EXPECT_EQ(inside, std::min(before + 3, 19));
  EXPECT_EQ(capped, 19);
  EXPECT_EQ(ThisThreadNice(), before) << "the caller's own thread is untouched";
  EXPECT_TRUE(LowerThisThreadPriority(0));
  EXPECT_EQ(ThisThreadNice(), before);
}

TEST(ThreadPriorityTest, AsksForASliceAndKeepsTheNiceValue) {
  std::thread t([] {
    ASSERT_TRUE(LowerThisThreadPriority(2));
    const int nice = ThisThreadNice();
    ASSERT_TRUE(RequestThisThreadSlice(std::chrono::microseconds(300)));
    EXPECT_EQ(ThisThreadNice(), nice) << "asking for a slice must not reset the nice value";
    if (KernelTakesCustomSlices()) {
      EXPECT_EQ(ReportedSlice(), 300'000);
    } else {
      GTEST_SKIP() << "this kernel does not take slices asked for (before 6.12)";
    }
  });
  t.join();
}

}  // namespace
}  // namespace taskshare
