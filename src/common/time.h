#pragma once
#include <cstdint>
#include <string>

namespace tr {

int64_t NowUnixSeconds();
int64_t NowUnixMillis();
// Monotonic clock for durations and rate windows.
int64_t MonotonicMillis();
int64_t MonotonicMicros();
// 2026-11-26T04:02:33Z
std::string FormatIso8601(int64_t unix_seconds);
// 2026-11-26T04:02:33.123Z
std::string FormatIso8601Millis(int64_t unix_millis);

}  // namespace tr
