#pragma once
// FUZZ_CHECK(cond): an invariant of a fuzz target; a violation traps so libFuzzer records
// the input as a crash (assert() would vanish with NDEBUG).
#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      __builtin_trap();  \
    }                    \
  } while (0)
