#include "media/router/nack_generator.h"

#include <gtest/gtest.h>

#include <vector>

#include "../common/alloc_counter.h"

namespace tr::media {
namespace {

using Result = NackGenerator::Result;

std::vector<uint16_t> Collect(NackGenerator& g, int64_t now) {
  std::vector<uint16_t> out(600);
  out.resize(g.CollectNacks(now, out));
  return out;
}

TEST(NackGenerator, InOrderHasNothingToNack) {
  NackGenerator g;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(g.OnPacket(static_cast<uint16_t>(i), i), Result::kNew);
  }
  EXPECT_EQ(g.MissingCount(), 0u);
  EXPECT_TRUE(Collect(g, 100).empty());
}

TEST(NackGenerator, GapIsNackedAtOnceThenRetriedEveryInterval) {
  NackGenerator::Options o;
  o.retry_interval_ms = 100;
  NackGenerator g(o);
  g.OnPacket(10, 0);
  EXPECT_EQ(g.OnPacket(14, 5), Result::kNew);  // 11, 12, 13 missing
  EXPECT_EQ(g.MissingCount(), 3u);
  EXPECT_TRUE(g.HasDueNacks(5));
  EXPECT_EQ(Collect(g, 5), (std::vector<uint16_t>{11, 12, 13}));
  EXPECT_FALSE(g.HasDueNacks(50));
  EXPECT_TRUE(Collect(g, 50).empty());  // within the retry interval
  EXPECT_EQ(g.OnPacket(12, 60), Result::kRecovered);
  EXPECT_EQ(g.OnPacket(12, 61), Result::kDuplicate);  // already recovered
  EXPECT_EQ(Collect(g, 105), (std::vector<uint16_t>{11, 13}));
  EXPECT_EQ(g.stats().recovered, 1u);
}

TEST(NackGenerator, DuplicatesOfReceivedPacketsAreReported) {
  NackGenerator g;
  g.OnPacket(1, 0);
  g.OnPacket(2, 0);
  EXPECT_EQ(g.OnPacket(2, 1), Result::kDuplicate);
  EXPECT_EQ(g.OnPacket(1, 1), Result::kDuplicate);
}

TEST(NackGenerator, GivesUpAfterMaxRetries) {
  NackGenerator::Options o;
  o.retry_interval_ms = 10;
  o.max_retries = 10;
  o.max_age_ms = 100'000;
  NackGenerator g(o);
  g.OnPacket(1, 0);
  g.OnPacket(3, 0);
  int requests = 0;
  for (int64_t t = 0; t <= 1000; t += 10) {
    requests += static_cast<int>(Collect(g, t).size());
  }
  EXPECT_EQ(requests, 10);
  EXPECT_EQ(g.MissingCount(), 0u);
  EXPECT_EQ(g.OnPacket(2, 1001), Result::kDuplicate);  // too late now
}

TEST(NackGenerator, GivesUpAfterMaxAge) {
  NackGenerator::Options o;
  o.retry_interval_ms = 100;
  o.max_retries = 100;
  o.max_age_ms = 1000;
  NackGenerator g(o);
  g.OnPacket(1, 0);
  g.OnPacket(3, 0);
  int requests = 0;
  for (int64_t t = 0; t <= 1500; t += 50) {
    requests += static_cast<int>(Collect(g, t).size());
  }
  EXPECT_EQ(requests, 11);  // t = 0, 100, ..., 1000
  EXPECT_EQ(g.MissingCount(), 0u);
  EXPECT_EQ(g.stats().given_up, 1u);
}

TEST(NackGenerator, SequenceWrap) {
  NackGenerator g;
  g.OnPacket(65533, 0);
  g.OnPacket(65534, 0);
  EXPECT_EQ(g.OnPacket(2, 1), Result::kNew);  // 65535, 0, 1 missing
  EXPECT_EQ(Collect(g, 1), (std::vector<uint16_t>{65535, 0, 1}));
  EXPECT_EQ(g.OnPacket(0, 2), Result::kRecovered);
  EXPECT_EQ(g.OnPacket(65535, 2), Result::kRecovered);
  EXPECT_EQ(g.MissingCount(), 1u);
}

TEST(NackGenerator, HugeGapAsksForAKeyFrameInstead) {
  NackGenerator g;
  g.OnPacket(100, 0);
  EXPECT_FALSE(g.TakeKeyFrameRequest());
  g.OnPacket(static_cast<uint16_t>(100 + NackGenerator::kCapacity + 10), 1);
  EXPECT_EQ(g.MissingCount(), 0u);
  EXPECT_TRUE(g.TakeKeyFrameRequest());
  EXPECT_FALSE(g.TakeKeyFrameRequest());
}

TEST(NackGenerator, FullListDropsTheOldest) {
  NackGenerator g;
  uint16_t seq = 0;
  g.OnPacket(seq, 0);
  // Every other packet lost until the list overflows.
  for (std::size_t i = 0; i < NackGenerator::kCapacity + 5; ++i) {
    seq = static_cast<uint16_t>(seq + 2);
    g.OnPacket(seq, 1);
  }
  EXPECT_EQ(g.MissingCount(), NackGenerator::kCapacity);
  EXPECT_TRUE(g.TakeKeyFrameRequest());
  const auto nacks = Collect(g, 2);
  ASSERT_EQ(nacks.size(), NackGenerator::kCapacity);
  EXPECT_EQ(nacks.front(), 11);  // 1, 3, ..., 9 were dropped
  EXPECT_EQ(nacks.back(), static_cast<uint16_t>(seq - 1));
}

TEST(NackGenerator, SenderRestartResets) {
  NackGenerator g;
  g.OnPacket(30000, 0);
  g.OnPacket(30002, 0);
  EXPECT_EQ(g.OnPacket(100, 1), Result::kNew);  // far behind: a new sequence
  EXPECT_EQ(g.MissingCount(), 0u);
  EXPECT_EQ(g.OnPacket(101, 2), Result::kNew);
}

TEST(NackGenerator, PacketPathDoesNotAllocate) {
  NackGenerator g;
  std::array<uint16_t, 64> out{};
  test::AllocationScope scope;
  uint16_t seq = 60000;
  for (int i = 0; i < 20000; ++i) {
    seq = static_cast<uint16_t>(seq + (i % 50 == 0 ? 3 : 1));
    g.OnPacket(seq, i);
    if (i % 50 == 10) {
      g.OnPacket(static_cast<uint16_t>(seq - 11), i);  // a repair
    }
    g.CollectNacks(i, out);
  }
  EXPECT_EQ(scope.Count(), 0u);
  EXPECT_GT(g.stats().recovered, 100u);
}

}  // namespace
}  // namespace tr::media
