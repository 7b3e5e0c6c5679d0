// AllocateLayers: audio first, every video consumer's base layer, then upgrades with
// screens before cameras; headroom before going above the current layer.
#include "media/router/layer_allocator.h"

#include <vector>

#include <gtest/gtest.h>

#include "media/router/layer_bitrate_meter.h"
#include "media/router/rate_counter.h"

namespace tr::media {
namespace {

// The blueprint's camera simulcast: 360p 300 kbps, 720p 1000, 1080p 2500, each L1T3
// (temporal layers 0 / 0-1 / 0-2 at 50 % / 75 % / 100 %).
LayerDemand Camera(int max_spatial = 2, int current = -1) {
  LayerDemand d;
  d.kind = LayerDemand::Kind::kCamera;
  d.spatial_layers = 3;
  d.temporal_layers = 3;
  const int64_t rates[3] = {300'000, 1'000'000, 2'500'000};
  for (int s = 0; s < 3; ++s) {
    d.active[s] = true;
    d.bps[s][0] = rates[s] / 2;
    d.bps[s][1] = rates[s] * 3 / 4;
    d.bps[s][2] = rates[s];
  }
  d.max_spatial = max_spatial;
  d.max_temporal = 2;
  d.current_spatial = current;
  d.current_temporal = current < 0 ? -1 : 2;
  return d;
}

LayerDemand Screen(int64_t bps = 1'500'000) {
  LayerDemand d;
  d.kind = LayerDemand::Kind::kScreen;
  d.active[0] = true;
  d.bps[0][0] = bps;
  return d;
}

LayerDemand Audio(int64_t bps = 40'000) {
  LayerDemand d;
  d.kind = LayerDemand::Kind::kAudio;
  d.active[0] = true;
  d.bps[0][0] = bps;
  return d;
}

std::vector<LayerAllocation> Allocate(int64_t budget, const std::vector<LayerDemand>& demands,
                                 AllocationResult* result = nullptr) {
  std::vector<LayerAllocation> out(demands.size());
  const AllocationResult r = AllocateLayers(budget, demands, out);
  if (result) *result = r;
  return out;
}

TEST(LayerAllocator, PlentyOfBandwidthGivesEveryoneTheirCeiling) {
  AllocationResult r;
  const auto out = Allocate(10'000'000, {Audio(), Screen(), Camera()}, &r);
  EXPECT_EQ(out[2].spatial, 2);
  EXPECT_EQ(out[2].temporal, 2);
  EXPECT_FALSE(out[2].limited);
  EXPECT_EQ(r.allocated_bps, 40'000 + 1'500'000 + 2'500'000);
  EXPECT_EQ(r.desired_bps, r.allocated_bps);
}

TEST(LayerAllocator, CameraStepsDownWithTheEstimate) {
  // 1.3 Mbps: 720p fits with headroom (1.1 Mbps), 1080p does not.
  auto out = Allocate(1'300'000, {Camera()});
  EXPECT_EQ(out[0].spatial, 1);
  EXPECT_EQ(out[0].temporal, 2);
  EXPECT_TRUE(out[0].limited);
  out = Allocate(400'000, {Camera()});
  EXPECT_EQ(out[0].spatial, 0);
  EXPECT_EQ(out[0].temporal, 2);
  // Below the base layer's full rate: temporal layers go first.
  out = Allocate(200'000, {Camera()});
  EXPECT_EQ(out[0].spatial, 0);
  EXPECT_EQ(out[0].temporal, 0);
  EXPECT_TRUE(out[0].limited);
  // Nothing fits: still the base layer (never starve a viewer completely).
  out = Allocate(10'000, {Camera()});
  EXPECT_EQ(out[0].spatial, 0);
  EXPECT_EQ(out[0].temporal, 0);
}

TEST(LayerAllocator, AudioFirstThenScreenBeforeCamera) {
  // 1.8 Mbps: audio 40k, screen 1.5M, camera keeps its base (150k); the 110k left lift it
  // to 360p T1 (225k needs 247.5k with headroom)? No: 260k available, so T1.
  auto out = Allocate(1'800'000, {Camera(), Audio(), Screen()});
  EXPECT_EQ(out[1].bps, 40'000);
  EXPECT_EQ(out[2].spatial, 0);
  EXPECT_FALSE(out[2].limited);
  EXPECT_EQ(out[0].spatial, 0);
  EXPECT_EQ(out[0].temporal, 1);
  // Too little for both: the screen still gets its layer, the camera its floor.
  out = Allocate(1'000'000, {Camera(), Audio(), Screen()});
  EXPECT_EQ(out[2].bps, 1'500'000);
  EXPECT_EQ(out[0].spatial, 0);
  EXPECT_EQ(out[0].temporal, 0);
  // With more, the camera rises after the screen is served.
  out = Allocate(3'000'000, {Camera(), Audio(), Screen()});
  EXPECT_EQ(out[0].spatial, 1);
  EXPECT_FALSE(out[2].limited);
}

TEST(LayerAllocator, UpgradeNeedsHeadroomButStayingDoesNot) {
  // 2.6 Mbps: 1080p costs 2.5 Mbps; going up needs 2.75, staying needs 2.5. Above the
  // lowest layer only full frame rates count (no 1080p at 15 fps instead of 720p at 30).
  auto out = Allocate(2'600'000, {Camera(2, /*current=*/1)});
  EXPECT_EQ(out[0].spatial, 1);
  EXPECT_EQ(out[0].temporal, 2);
  out = Allocate(2'600'000, {Camera(2, /*current=*/2)});
  EXPECT_EQ(out[0].spatial, 2);
}

TEST(LayerAllocator, RespectsTheViewersCeilingAndInactiveLayers) {
  auto out = Allocate(10'000'000, {Camera(/*max_spatial=*/1)});
  EXPECT_EQ(out[0].spatial, 1);
  EXPECT_FALSE(out[0].limited);
  LayerDemand d = Camera();
  d.active[2] = false;  // the host's uplink stopped 1080p
  AllocationResult r;
  out = Allocate(10'000'000, {d}, &r);
  EXPECT_EQ(out[0].spatial, 1);
  EXPECT_FALSE(out[0].limited);
  EXPECT_EQ(r.desired_bps, 1'000'000);
  d.active[0] = false;  // base layer off: the lowest active one is the floor
  out = Allocate(100'000, {d});
  EXPECT_EQ(out[0].spatial, 1);
}

TEST(LayerAllocator, TwoCamerasShareInOrder) {
  auto out = Allocate(1'300'000, {Camera(), Camera()});
  // Both get 360p T0 (150k each); the first takes what it can of the rest (1.15M with its
  // base): 720p (1.1M with headroom); the second gets what is left (300k): 360p T1.
  EXPECT_EQ(out[0].spatial, 1);
  EXPECT_EQ(out[0].temporal, 2);
  EXPECT_EQ(out[1].spatial, 0);
  EXPECT_EQ(out[1].temporal, 1);
}

TEST(LayerAllocator, EmptyInput) {
  const auto out = Allocate(1'000'000, {});
  EXPECT_TRUE(out.empty());
}

TEST(LayerBitrateMeter, MeasuresPerTemporalLayerOverTwoSeconds) {
  LayerBitrateMeter meter;
  EXPECT_EQ(meter.Bps(2, 0), 0);
  // 2 s of 100 packets/s of 1250 bytes (1 Mbps), temporal layers 0,2,1,2 in turn.
  const int tids[4] = {0, 2, 1, 2};
  for (int i = 0; i < 200; ++i) {
    meter.Add(1250, tids[i % 4], 1000 + i * 10);
  }
  const int64_t now = 1000 + 200 * 10;
  EXPECT_NEAR(meter.Bps(2, now), 1'000'000, 110'000);
  EXPECT_NEAR(meter.Bps(1, now), 500'000, 60'000);
  EXPECT_NEAR(meter.Bps(0, now), 250'000, 30'000);
  // Silence: the window empties.
  EXPECT_EQ(meter.Bps(2, now + 2100), 0);
}

TEST(LayerBitrateMeter, SvcCostIsCumulativeOverSpatialLayers) {
  LayerBitrateMeter meter;
  // 2 s of 25 pictures/s (TIDs 0,2,1,2), each with SID 0/1/2 frames of 250/500/1000 bytes:
  // 50, 100 and 200 kbps per spatial layer.
  const int tids[4] = {0, 2, 1, 2};
  for (int i = 0; i < 50; ++i) {
    for (int sid = 0; sid < 3; ++sid) {
      meter.Add(250u << sid, sid, tids[i % 4], 1000 + i * 40);
    }
  }
  const int64_t now = 1000 + 50 * 40;
  EXPECT_NEAR(meter.Bps(0, 2, now), 50'000, 6'000);
  EXPECT_NEAR(meter.Bps(1, 2, now), 150'000, 16'000);
  EXPECT_NEAR(meter.Bps(2, 2, now), 350'000, 36'000);
  EXPECT_NEAR(meter.Bps(2, 0, now), 87'500, 10'000);  // a quarter of the pictures are TL0
  EXPECT_EQ(meter.Bps(2, now), meter.Bps(3, 2, now));  // every spatial layer
  // Simulcast / single-layer streams use spatial layer 0 only.
  LayerBitrateMeter single;
  single.Add(1000, 1, 0);
  EXPECT_EQ(single.Bps(0, 1, 100), single.Bps(1, 100));
}

TEST(RateCounter, EventsPerSecondOverTheLastSecond) {
  RateCounter frames;
  EXPECT_EQ(frames.PerSecond(0), 0);
  for (int i = 0; i < 90; ++i) {  // 30 frames/s for 3 s
    frames.Add(1, 5000 + i * 33);
  }
  const int64_t now = 5000 + 90 * 33;
  EXPECT_NEAR(frames.PerSecond(now), 30, 3);
  EXPECT_EQ(frames.PerSecond(now + 1100), 0);
  RateCounter young;  // shorter history than a second: over what there is (>= 200 ms)
  young.Add(100, 0);
  young.Add(100, 100);
  EXPECT_NEAR(young.PerSecond(200), 1000, 1);
}

}  // namespace
}  // namespace tr::media
