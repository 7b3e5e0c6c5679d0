#include "alloc_counter.h"

#include <cstdlib>
#include <new>

namespace {
thread_local std::size_t g_allocations = 0;
}  // namespace

namespace tr::media::test {
std::size_t AllocationCount() { return g_allocations; }
}  // namespace tr::media::test

// Replacements of the global allocation functions (the array and nothrow forms forward to
// these in libstdc++).
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
