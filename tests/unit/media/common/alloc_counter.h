#pragma once
// Test-only: counts global operator new calls on the current thread, to prove that parse /
// rewrite / build functions do not allocate. Link alloc_counter.cc into the test binary.
#include <cstddef>

namespace tr::media::test {

std::size_t AllocationCount();

// Counts allocations between construction and Count().
class AllocationScope {
 public:
  AllocationScope() : start_(AllocationCount()) {}
  std::size_t Count() const { return AllocationCount() - start_; }

 private:
  std::size_t start_;
};

}  // namespace tr::media::test
