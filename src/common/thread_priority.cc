#include "common/thread_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <optional>

namespace taskshare {
namespace {

// The first version of the kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0, 48 bytes), which every
// kernel with sched_setattr accepts. Its header, <linux/sched/types.h>, cannot be included with
// <sched.h>.
struct SchedAttr {
  std::uint32_t size;
  std::uint32_t sched_policy;
  std::uint64_t sched_flags;
  std::int32_t sched_nice;
  std::uint32_t sched_priority;
  std::uint64_t sched_runtime;
  std::uint64_t sched_deadline;
  std::uint64_t sched_period;
};
static_assert(sizeof(SchedAttr) == 48);

// The calling thread's nice value, or nullopt if it cannot be read (-1 is a valid value: errno tells).
std::optional<int> ThisThreadNice() {
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  if (nice == -1 && errno != 0) return std::nullopt;
  return nice;
}

}  // namespace

bool LowerThisThreadPriority(int by) {
  if (by <= 0) return true;
  const std::optional<int> now = ThisThreadNice();
  if (!now) return false;
  return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), std::min(*now + by, 19)) == 0;
}

bool RequestThisThreadSlice(std::chrono::microseconds slice) {
  if (slice.count() <= 0) return true;
  const std::optional<int> nice = ThisThreadNice();
  if (!nice) return false;
  // glibc has no wrapper for sched_setattr. For SCHED_OTHER, sched_runtime is the slice asked for; the
  // nice value must be given again, as the call sets it too.
  SchedAttr attr{};
  attr.size = sizeof(attr);
  attr.sched_policy = SCHED_OTHER;
  attr.sched_nice = *nice;
  attr.sched_runtime = static_cast<std::uint64_t>(std::chrono::nanoseconds(slice).count());
  return syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
}

}  // namespace taskshare
