#include "media/router/layer_bitrate_meter.h"

#include <algorithm>

namespace tr::media {

void LayerBitrateMeter::Add(std::size_t bytes, int temporal_layer, int64_t now_ms) {
  if (first_ms_ < 0) {
    first_ms_ = now_ms;
  }
  const int64_t index = now_ms / kBucketMs;
  Bucket& b = buckets_[static_cast<std::size_t>(index % kBuckets)];
  if (b.index != index) {
    b.index = index;
    b.bytes.fill(0);
  }
  b.bytes[static_cast<std::size_t>(std::clamp(temporal_layer, 0, kMaxTemporalLayers - 1))] += bytes;
}

int64_t LayerBitrateMeter::Bps(int max_temporal, int64_t now_ms) const {
  if (first_ms_ < 0) {
    return 0;
  }
  const int64_t newest = now_ms / kBucketMs;
  const int top = std::clamp(max_temporal, 0, kMaxTemporalLayers - 1);
  uint64_t bytes = 0;
  for (const Bucket& b : buckets_) {
    if (b.index >= 0 && b.index > newest - kBuckets && b.index <= newest) {
      for (int t = 0; t <= top; ++t) {
        bytes += b.bytes[static_cast<std::size_t>(t)];
      }
    }
  }
  const int64_t window_ms =
      std::clamp<int64_t>(now_ms - first_ms_, 200, kBuckets * kBucketMs);
  return static_cast<int64_t>(bytes * 8 * 1000 / static_cast<uint64_t>(window_ms));
}

}  // namespace tr::media
