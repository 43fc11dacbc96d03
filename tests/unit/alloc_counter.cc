#include "alloc_counter.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool counting = false;
thread_local int allocated = 0;
}  // namespace

// The other forms (arrays, nothrow) call this one; the aligned forms are not counted.
void* operator new(std::size_t size) {
  if (counting) ++allocated;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace taskshare::testing {

AllocationCount::AllocationCount() {
  allocated = 0;
  counting = true;
}
AllocationCount::~AllocationCount() { counting = false; }
int AllocationCount::allocations() const { return allocated; }

}  // namespace taskshare::testing
