#include "media/bwe/delay_detector.h"

#include <gtest/gtest.h>

namespace tr::media {
namespace {

// Packets every `interval_us`, one-way delay growing by `growth_us` per packet.
DelayState RunDetector(int64_t interval_us, int64_t growth_us, int packets, int* overuse_groups) {
  InterArrival ia;
  TrendlineDetector td;
  *overuse_groups = 0;
  for (int i = 0; i < packets; ++i) {
    const int64_t send = i * interval_us;
    const int64_t receive = 1'000'000 + send + 20'000 + i * growth_us;
    InterArrival::Deltas d;
    bool reset = false;
    if (ia.OnPacket(send, receive, &d, &reset)) {
      td.OnDeltas(d);
      *overuse_groups += td.state() == DelayState::kOverusing;
    }
    EXPECT_FALSE(reset);
  }
  return td.state();
}

TEST(InterArrival, GroupsFiveMillisecondBursts) {
  InterArrival ia;
  InterArrival::Deltas d;
  bool reset = false;
  int emitted = 0;
  // 3 packets per 10 ms burst (1 ms apart): one delta per completed burst after the first.
  for (int burst = 0; burst < 5; ++burst) {
    for (int k = 0; k < 3; ++k) {
      const int64_t send = burst * 10'000 + k * 1'000;
      if (ia.OnPacket(send, send + 30'000, &d, &reset)) {
        ++emitted;
        EXPECT_EQ(d.send_delta_us, 10'000);
        EXPECT_EQ(d.receive_delta_us, 10'000);
      }
    }
  }
  EXPECT_EQ(emitted, 3);  // bursts 1..3 completed (burst 4 is still open)
}

TEST(InterArrival, ResetsOnAReceiveClockJump) {
  InterArrival ia;
  InterArrival::Deltas d;
  bool reset = false;
  bool any_reset = false;
  for (int i = 0; i < 10; ++i) {
    const int64_t send = i * 10'000;
    const int64_t receive = send + (i >= 5 ? 60'000'000 : 0);
    ia.OnPacket(send, receive, &d, &reset);
    any_reset |= reset;
  }
  EXPECT_TRUE(any_reset);
}

TEST(TrendlineDetector, SteadyDelayIsNormal) {
  int overuse = 0;
  EXPECT_EQ(RunDetector(10'000, 0, 300, &overuse), DelayState::kNormal);
  EXPECT_EQ(overuse, 0);
}

TEST(TrendlineDetector, GrowingDelayIsOverusing) {
  int overuse = 0;
  // The queue grows by 2 ms per 10 ms packet (sending 20 % above capacity).
  RunDetector(10'000, 2'000, 100, &overuse);
  EXPECT_GT(overuse, 0);
}

TEST(TrendlineDetector, ShrinkingDelayIsUnderusing) {
  int overuse = 0;
  EXPECT_EQ(RunDetector(10'000, -1'000, 60, &overuse), DelayState::kUnderusing);
}

}  // namespace
}  // namespace tr::media
