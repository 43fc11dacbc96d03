// CPU time of the calling thread, for the tests that bound the work a renderer does: unlike wall time,
// it is not stretched when other processes share the machine, so such a bound catches a super-linear
// blowup (seconds to minutes) without failing on a busy machine.
#pragma once

#include <ctime>

namespace taskshare::testing {

inline double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace taskshare::testing
