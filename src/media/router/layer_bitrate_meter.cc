#include "media/router/layer_bitrate_meter.h"

#include <algorithm>

namespace tr::media {

void LayerBitrateMeter::Add(std::size_t bytes, int spatial_layer, int temporal_layer,
                            int64_t now_ms) {
  if (first_ms_ < 0) {
    first_ms_ = now_ms;
  }
  const int64_t index = now_ms / kBucketMs;
  Bucket& b = buckets_[static_cast<std::size_t>(index % kBuckets)];
  if (b.index != index) {
    b.index = index;
    b.bytes = {};
  }
  const auto s = static_cast<std::size_t>(std::clamp(spatial_layer, 0, kMaxSpatialLayers - 1));
  const auto t = static_cast<std::size_t>(std::clamp(temporal_layer, 0, kMaxTemporalLayers - 1));
  b.bytes[s][t] += bytes;
}

int64_t LayerBitrateMeter::Bps(int max_spatial, int max_temporal, int64_t now_ms) const {
  if (first_ms_ < 0) {
    return 0;
  }
  const int64_t newest = now_ms / kBucketMs;
  const auto top_s = static_cast<std::size_t>(std::clamp(max_spatial, 0, kMaxSpatialLayers - 1));
  const auto top_t = static_cast<std::size_t>(std::clamp(max_temporal, 0, kMaxTemporalLayers - 1));
  uint64_t bytes = 0;
  for (const Bucket& b : buckets_) {
    if (b.index < 0 || b.index <= newest - kBuckets || b.index > newest) {
      continue;
    }
    for (std::size_t s = 0; s <= top_s; ++s) {
      for (std::size_t t = 0; t <= top_t; ++t) {
        bytes += b.bytes[s][t];
      }
    }
  }
  const int64_t window_ms =
      std::clamp<int64_t>(now_ms - first_ms_, 200, kBuckets * kBucketMs);
  return static_cast<int64_t>(bytes * 8 * 1000 / static_cast<uint64_t>(window_ms));
}

}  // namespace tr::media
