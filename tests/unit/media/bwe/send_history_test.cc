#include "media/bwe/send_history.h"

#include <gtest/gtest.h>

namespace tr::media {
namespace {

TEST(SendHistory, FindsWhatWasSent) {
  SendHistory h;
  EXPECT_EQ(h.Find(0), nullptr);  // nothing sent yet
  h.OnPacketSent(100, 1200, 5'000, -1);
  h.OnPacketSent(101, 300, 6'000, 7);
  const SendHistory::Entry* e = h.Find(100);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->seq, 100);
  EXPECT_EQ(e->size, 1200u);
  EXPECT_EQ(e->send_time_us, 5'000);
  EXPECT_EQ(e->probe_cluster, -1);
  EXPECT_TRUE(e->valid);
  EXPECT_EQ(h.bytes_sent(), 1500u);
  EXPECT_EQ(h.Find(99), nullptr);   // never sent
  EXPECT_EQ(h.Find(102), nullptr);  // not sent yet
}

TEST(SendHistory, KeepsProbeCluster) {
  SendHistory h;
  for (uint16_t s = 0; s < 10; ++s) {
    h.OnPacketSent(s, 1000, s * 1000, s >= 5 ? 3 : -1);
  }
  ASSERT_NE(h.Find(4), nullptr);
  EXPECT_EQ(h.Find(4)->probe_cluster, -1);
  ASSERT_NE(h.Find(5), nullptr);
  EXPECT_EQ(h.Find(5)->probe_cluster, 3);
  EXPECT_EQ(h.Find(9)->probe_cluster, 3);
}

TEST(SendHistory, WrapsAroundTheSixteenBitSequence) {
  SendHistory h;
  int64_t t = 0;
  for (uint32_t i = 0; i < 20; ++i) {
    h.OnPacketSent(static_cast<uint16_t>(65530 + i), 100 + i, t += 1000);
  }
  for (uint32_t i = 0; i < 20; ++i) {
    const auto seq = static_cast<uint16_t>(65530 + i);
    const SendHistory::Entry* e = h.Find(seq);
    ASSERT_NE(e, nullptr) << seq;
    EXPECT_EQ(e->size, 100 + i);
    EXPECT_EQ(e->seq, seq);
  }
  EXPECT_EQ(h.Find(14), nullptr);     // the one after the newest (13)
  EXPECT_EQ(h.Find(65529), nullptr);  // the one before the first
}

TEST(SendHistory, OverwrittenSlotsReturnNull) {
  SendHistory h;
  const uint32_t n = SendHistory::kSize + 10;
  for (uint32_t i = 0; i < n; ++i) {
    h.OnPacketSent(static_cast<uint16_t>(60000 + i), 50, i);
  }
  for (uint32_t i = 0; i < 10; ++i) {
    EXPECT_EQ(h.Find(static_cast<uint16_t>(60000 + i)), nullptr) << i;  // slot reused
  }
  for (uint32_t i = 10; i < n; ++i) {
    ASSERT_NE(h.Find(static_cast<uint16_t>(60000 + i)), nullptr) << i;
  }
  // A full turn of the 16-bit counter later, the same number means the new packet.
  for (uint32_t i = n; i < 65536 + 20; ++i) {
    h.OnPacketSent(static_cast<uint16_t>(60000 + i), 77, int64_t{1'000'000} + i);
  }
  const SendHistory::Entry* e = h.Find(static_cast<uint16_t>(60000 + 15));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->size, 77u);
}

}  // namespace
}  // namespace tr::media
