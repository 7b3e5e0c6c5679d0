#pragma once
// Bitrate of one received stream per temporal layer over the last two seconds, so the
// layer allocator knows what each (spatial, temporal) layer would cost a viewer. Two
// seconds, so one key frame (which another viewer's join or switch may cause at any time)
// does not make a layer look twice as expensive. Twenty 100 ms buckets in a fixed ring:
// Add() is a few additions, no allocation.
#include <array>
#include <cstddef>
#include <cstdint>

namespace tr::media {

class LayerBitrateMeter {
 public:
  static constexpr int kMaxTemporalLayers = 4;

  void Add(std::size_t bytes, int temporal_layer, int64_t now_ms);
  // Bits per second of temporal layers 0..max_temporal together over the last two seconds
  // (over the time since the first packet when that is shorter, at least 200 ms).
  int64_t Bps(int max_temporal, int64_t now_ms) const;

 private:
  static constexpr int kBuckets = 20;
  static constexpr int64_t kBucketMs = 100;
  struct Bucket {
    int64_t index = -1;  // now_ms / kBucketMs of the bucket's period
    std::array<uint64_t, kMaxTemporalLayers> bytes{};
  };
  std::array<Bucket, kBuckets> buckets_{};
  int64_t first_ms_ = -1;
};

}  // namespace tr::media
