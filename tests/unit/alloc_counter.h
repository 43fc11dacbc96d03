// Counting the allocations of one thread, for tests that hold code to allocating nothing. The test
// binary's global operator new (alloc_counter.cc, malloc underneath) counts while an AllocationCount
// lives on the calling thread. Not for nesting; each object counts only its own thread.
#pragma once

namespace taskshare::testing {

class AllocationCount {
 public:
  AllocationCount();
  ~AllocationCount();
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;

  // The calls of operator new on this thread since construction.
  int allocations() const;
};

}  // namespace taskshare::testing
