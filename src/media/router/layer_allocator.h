#pragma once
// Splits one viewer transport's bandwidth estimate across its consumers: audio first
// (always forwarded), then screen shares, then cameras. Every video consumer first gets
// its lowest active layer at the base temporal layer, so nobody starves; what is left is
// handed out in priority order, each consumer taking the highest (spatial, temporal) layer
// at or below its ceiling (set-preferred-layers) that fits: spatial layers above the
// lowest only with all their temporal layers, so temporal layers are shed only on the
// lowest spatial layer, when even that does not fit. Going above the layer a
// consumer forwards now needs 10 % headroom, so an estimate hovering at a layer's bitrate
// does not flap (each switch costs the host a key frame).
//
// Pure function over plain structs: unit-tested without a router.
#include <array>
#include <cstdint>
#include <span>

namespace tr::media {

struct LayerDemand {
  static constexpr int kMaxSpatial = 4;
  static constexpr int kMaxTemporal = 4;
  enum class Kind { kAudio, kScreen, kCamera };

  Kind kind = Kind::kCamera;
  int spatial_layers = 1;   // streams of the producer
  int temporal_layers = 1;  // per stream
  // Cumulative bitrate of (spatial s, temporal 0..t) = bps[s][t]; a stream the producer
  // is not sending has active[s] = false.
  std::array<std::array<int64_t, kMaxTemporal>, kMaxSpatial> bps{};
  std::array<bool, kMaxSpatial> active{};
  int max_spatial = 0;  // ceiling from the viewer
  int max_temporal = 0;
  int current_spatial = -1;  // forwarded now (-1 = nothing yet)
  int current_temporal = -1;
};

struct LayerAllocation {
  int spatial = 0;
  int temporal = 0;
  int64_t bps = 0;       // what the chosen layer costs
  bool limited = false;  // the ceiling did not fit the estimate
};

struct AllocationResult {
  int64_t allocated_bps = 0;  // sum of the chosen layers (audio included)
  int64_t desired_bps = 0;    // what every consumer at its ceiling would take
};

// out.size() must equal demands.size().
AllocationResult AllocateLayers(int64_t budget_bps, std::span<const LayerDemand> demands,
                                std::span<LayerAllocation> out);

}  // namespace tr::media
