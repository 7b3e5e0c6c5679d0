#include "media/router/layer_allocator.h"

#include <algorithm>

namespace tr::media {

namespace {

constexpr double kUpgradeHeadroom = 1.1;

// Lowest active spatial layer (0 when none is active yet: aim at the base layer).
int LowestActive(const LayerDemand& d) {
  for (int s = 0; s < d.spatial_layers && s < LayerDemand::kMaxSpatial; ++s) {
    if (d.active[static_cast<std::size_t>(s)]) {
      return s;
    }
  }
  return 0;
}

int64_t Cost(const LayerDemand& d, int s, int t) {
  return d.bps[static_cast<std::size_t>(s)][static_cast<std::size_t>(t)];
}

// Best layer at or below the ceiling whose cost fits `available` (headroom above the
// current layer); falls back to `base`.
LayerAllocation Best(const LayerDemand& d, int64_t available, LayerAllocation base) {
  const int top_s = std::min({d.max_spatial, d.spatial_layers - 1, LayerDemand::kMaxSpatial - 1});
  const int top_t = std::min({d.max_temporal, d.temporal_layers - 1, LayerDemand::kMaxTemporal - 1});
  for (int s = top_s; s >= base.spatial; --s) {
    if (!d.active[static_cast<std::size_t>(s)]) {
      continue;
    }
    // Above the floor a spatial layer is only worth it at its full frame rate: fewer
    // frames of a bigger picture look worse than all frames of a smaller one.
    const int lowest_t = s == base.spatial ? 0 : top_t;
    for (int t = top_t; t >= lowest_t; --t) {
      if (s == base.spatial && t <= base.temporal) {
        return base;
      }
      const int64_t cost = Cost(d, s, t);
      const bool upgrade = s > d.current_spatial || (s == d.current_spatial && t > d.current_temporal);
      const double need = upgrade ? static_cast<double>(cost) * kUpgradeHeadroom
                                  : static_cast<double>(cost);
      if (need <= static_cast<double>(available)) {
        return {s, t, cost, false};
      }
    }
  }
  return base;
}

}  // namespace

AllocationResult AllocateLayers(int64_t budget_bps, std::span<const LayerDemand> demands,
                                std::span<LayerAllocation> out) {
  AllocationResult result;
  int64_t remaining = budget_bps;
  // Audio: always, off the top.
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const LayerDemand& d = demands[i];
    if (d.kind == LayerDemand::Kind::kAudio) {
      out[i] = {0, 0, Cost(d, 0, 0), false};
      remaining -= out[i].bps;
      result.desired_bps += out[i].bps;
    }
  }
  // Video: everyone's base layer first.
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const LayerDemand& d = demands[i];
    if (d.kind == LayerDemand::Kind::kAudio) {
      continue;
    }
    const int s = LowestActive(d);
    out[i] = {s, 0, Cost(d, s, 0), false};
    remaining -= out[i].bps;
    // Desired: the ceiling's layer (or the highest active below it).
    const LayerAllocation top = Best(d, INT64_MAX / 4, out[i]);
    result.desired_bps += top.bps;
  }
  // Then upgrades: screens before cameras.
  for (const auto kind : {LayerDemand::Kind::kScreen, LayerDemand::Kind::kCamera}) {
    for (std::size_t i = 0; i < demands.size(); ++i) {
      const LayerDemand& d = demands[i];
      if (d.kind != kind) {
        continue;
      }
      const LayerAllocation base = out[i];
      const LayerAllocation best = Best(d, std::max<int64_t>(remaining, 0) + base.bps, base);
      const LayerAllocation top = Best(d, INT64_MAX / 4, base);
      out[i] = best;
      out[i].limited = best.spatial != top.spatial || best.temporal != top.temporal;
      remaining -= best.bps - base.bps;
    }
  }
  for (std::size_t i = 0; i < demands.size(); ++i) {
    result.allocated_bps += out[i].bps;
  }
  return result;
}

}  // namespace tr::media
