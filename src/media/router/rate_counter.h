#pragma once
// Events (or bytes) per second over the last second: ten 100 ms buckets in a fixed ring,
// for the bitrate and frame rate statistics of producers and consumers. Add() is a few
// additions; no allocation.
#include <array>
#include <cstdint>

namespace tr::media {

class RateCounter {
 public:
  void Add(uint64_t amount, int64_t now_ms);
  // Amount per second over the last second (over the time since the first Add() when that
  // is shorter, at least 200 ms); 0 before any Add() or after a second of nothing.
  double PerSecond(int64_t now_ms) const;

 private:
  static constexpr int kBuckets = 10;
  static constexpr int64_t kBucketMs = 100;
  struct Bucket {
    int64_t index = -1;
    uint64_t amount = 0;
  };
  std::array<Bucket, kBuckets> buckets_{};
  int64_t first_ms_ = -1;
};

}  // namespace tr::media
