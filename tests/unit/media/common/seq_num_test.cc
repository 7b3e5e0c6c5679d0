#include "media/common/seq_num.h"

#include <gtest/gtest.h>

namespace tr::media {
namespace {

TEST(SeqNumTest, IsNewerAcrossWrap) {
  EXPECT_TRUE(SeqNumIsNewer(1, 0));
  EXPECT_FALSE(SeqNumIsNewer(0, 1));
  EXPECT_FALSE(SeqNumIsNewer(5, 5));
  EXPECT_TRUE(SeqNumIsNewer(0, 65535));
  EXPECT_TRUE(SeqNumIsNewer(10, 65530));
  EXPECT_TRUE(SeqNumIsOlder(65535, 0));
  EXPECT_TRUE(SeqNumIsNewer(0x7FFF, 0));
  EXPECT_FALSE(SeqNumIsNewer(0x8001, 0));  // more than half ahead = behind
  EXPECT_TRUE(SeqNumIsOlder(0x8001, 0));
  EXPECT_TRUE(SeqNumIsNewerOrEqual(5, 5));
  EXPECT_EQ(SeqNumLatest(65535, 3), 3);
  EXPECT_EQ(SeqNumLatest(3, 65535), 3);
}

TEST(SeqNumTest, HalfRangeIsAntisymmetric) {
  for (uint32_t a = 0; a < 65536; a += 97) {
    const auto x = static_cast<uint16_t>(a);
    const auto y = static_cast<uint16_t>(a + 0x8000);
    EXPECT_NE(SeqNumIsNewer(x, y), SeqNumIsNewer(y, x)) << a;
  }
  // Exhaustively: never both newer, and newer or older unless equal.
  for (uint32_t a = 0; a < 65536; a += 251) {
    for (uint32_t b = 0; b < 65536; b += 13) {
      const auto x = static_cast<uint16_t>(a);
      const auto y = static_cast<uint16_t>(b);
      ASSERT_FALSE(SeqNumIsNewer(x, y) && SeqNumIsNewer(y, x));
      ASSERT_EQ(x == y, !SeqNumIsNewer(x, y) && !SeqNumIsNewer(y, x));
    }
  }
}

TEST(SeqNumTest, ForwardDistance) {
  EXPECT_EQ(SeqNumForwardDistance(10, 15), 5);
  EXPECT_EQ(SeqNumForwardDistance(65530, 4), 10);
  EXPECT_EQ(SeqNumForwardDistance(4, 65530), 65526);
  EXPECT_EQ(SeqNumForwardDistance(7, 7), 0);
}

TEST(SeqNumTest, TimestampsAndOtherWidths) {
  EXPECT_TRUE(TimestampIsNewer(10, 0xFFFFFFF0u));
  EXPECT_FALSE(TimestampIsNewer(0xFFFFFFF0u, 10));
  EXPECT_TRUE((IsNewerModulo<24>(uint32_t{5}, uint32_t{0xFFFFF0})));
  EXPECT_TRUE((IsNewerModulo<24>(uint32_t{0x1000005}, uint32_t{0xFFFFF0})));  // high bits ignored
}

TEST(SeqNumUnwrapperTest, UnwrapsForwardAndBackward) {
  SeqNumUnwrapper u;
  EXPECT_FALSE(u.HasLast());
  EXPECT_EQ(u.Unwrap(65534), 65534);
  EXPECT_EQ(u.Unwrap(65535), 65535);
  EXPECT_EQ(u.Unwrap(0), 65536);
  EXPECT_EQ(u.Unwrap(5), 65541);
  EXPECT_EQ(u.Unwrap(65533), 65533);  // reordered packet from before the wrap
  EXPECT_EQ(u.PeekUnwrap(6), 65542);
  EXPECT_EQ(u.Unwrap(6), 65542);
  // Many wraps.
  int64_t expected = 65542;
  uint16_t seq = 6;
  for (int i = 0; i < 10 * 65536 / 1000; ++i) {
    seq = static_cast<uint16_t>(seq + 1000);
    expected += 1000;
    ASSERT_EQ(u.Unwrap(seq), expected);
  }
  u.Reset();
  EXPECT_EQ(u.Unwrap(3), 3);
  EXPECT_EQ(u.Unwrap(65535), -1);  // before the first value
  EXPECT_EQ(u.Unwrap(0), 0);
}

TEST(SeqNumUnwrapperTest, TimestampAnd24BitUnwrap) {
  TimestampUnwrapper ts;
  EXPECT_EQ(ts.Unwrap(0xFFFFFF00u), 0xFFFFFF00ll);
  EXPECT_EQ(ts.Unwrap(0x00000100u), 0x100000100ll);
  WrapUnwrapper<24> ref;
  EXPECT_EQ(ref.Unwrap(0xFFFFFF), 0xFFFFFF);
  EXPECT_EQ(ref.Unwrap(0x000001), 0x1000001);
}

}  // namespace
}  // namespace tr::media
