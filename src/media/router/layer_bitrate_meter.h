#pragma once
// Bitrate of one received stream per (spatial, temporal) layer over the last two seconds,
// so the layer allocator knows what each layer would cost a viewer. Spatial layers are
// those of a VP9 SVC stream (SID); a simulcast or single-layer stream has only layer 0.
// Two seconds, so one key frame (which another viewer's join or switch may cause at any
// time) does not make a layer look twice as expensive. Twenty 100 ms buckets in a fixed
// ring: Add() is a few additions, no allocation.
#include <array>
#include <cstddef>
#include <cstdint>

namespace tr::media {

class LayerBitrateMeter {
 public:
  static constexpr int kMaxSpatialLayers = 4;
  static constexpr int kMaxTemporalLayers = 4;

  // Layers above the maxima count as the top one.
  void Add(std::size_t bytes, int spatial_layer, int temporal_layer, int64_t now_ms);
  void Add(std::size_t bytes, int temporal_layer, int64_t now_ms) {
    Add(bytes, 0, temporal_layer, now_ms);
  }
  // Bits per second of spatial layers 0..max_spatial with temporal layers 0..max_temporal
  // together over the last two seconds (over the time since the first packet when that is
  // shorter, at least 200 ms): what a k-SVC viewer of that layer receives.
  int64_t Bps(int max_spatial, int max_temporal, int64_t now_ms) const;
  // Every spatial layer.
  int64_t Bps(int max_temporal, int64_t now_ms) const {
    return Bps(kMaxSpatialLayers - 1, max_temporal, now_ms);
  }

 private:
  static constexpr int kBuckets = 20;
  static constexpr int64_t kBucketMs = 100;
  struct Bucket {
    int64_t index = -1;  // now_ms / kBucketMs of the bucket's period
    std::array<std::array<uint64_t, kMaxTemporalLayers>, kMaxSpatialLayers> bytes{};
  };
  std::array<Bucket, kBuckets> buckets_{};
  int64_t first_ms_ = -1;
};

}  // namespace tr::media
