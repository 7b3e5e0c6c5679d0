#include "media/router/rate_counter.h"

#include <algorithm>

namespace tr::media {

void RateCounter::Add(uint64_t amount, int64_t now_ms) {
  if (first_ms_ < 0) {
    first_ms_ = now_ms;
  }
  const int64_t index = now_ms / kBucketMs;
  Bucket& b = buckets_[static_cast<std::size_t>(index % kBuckets)];
  if (b.index != index) {
    b.index = index;
    b.amount = 0;
  }
  b.amount += amount;
}

double RateCounter::PerSecond(int64_t now_ms) const {
  if (first_ms_ < 0) {
    return 0;
  }
  const int64_t newest = now_ms / kBucketMs;
  uint64_t total = 0;
  for (const Bucket& b : buckets_) {
    if (b.index > newest - kBuckets && b.index <= newest) {
      total += b.amount;
    }
  }
  const int64_t window_ms = std::clamp<int64_t>(now_ms - first_ms_, 200, kBuckets * kBucketMs);
  return static_cast<double>(total) * 1000.0 / static_cast<double>(window_ms);
}

}  // namespace tr::media
