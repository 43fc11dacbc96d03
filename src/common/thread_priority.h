// Scheduling hints for the calling thread: a lower CPU priority for work that must give way to serving,
// and a shorter scheduler slice for serving threads, so that they get the CPU as soon as they wake.
#pragma once

#include <chrono>

namespace taskshare {

// Raises the calling thread's nice value by `by` (at most to 19, the lowest priority); on Linux a nice
// value belongs to one thread. Lowering a priority needs no privilege. Returns false if the system
// refused (the thread then keeps its priority). `by` <= 0 changes nothing and returns true.
bool LowerThisThreadPriority(int by);

// Asks the scheduler to run the calling thread in slices of `slice` (Linux's EEVDF scheduler, 6.12 and
// later, clamps it to 0.1 to 100 ms). A thread with a shorter slice than the one running gets the CPU
// as soon as it wakes, instead of waiting for the other's slice to end; its share of the CPU over time
// stays what its nice value gives it. Keeps the thread's nice value and needs no privilege. Returns
// false if the system refused; kernels before 6.12 accept the request and ignore it. A zero `slice`
// changes nothing and returns true.
bool RequestThisThreadSlice(std::chrono::microseconds slice);

}  // namespace taskshare
