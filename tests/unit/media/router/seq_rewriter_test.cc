// SeqRewriter: a consumer's continuous numbering across drops, gaps, late repairs and
// stream switches.
#include "media/router/seq_rewriter.h"

#include <gtest/gtest.h>

#include <set>

#include "../common/alloc_counter.h"

namespace tr::media {
namespace {

TEST(SeqRewriter, NothingBeforeTheFirstSync) {
  SeqRewriter r;
  EXPECT_FALSE(r.Forward(10).has_value());
  EXPECT_TRUE(r.IsBeforeSync(10));
}

TEST(SeqRewriter, DropsOfTheNewestCloseUp) {
  SeqRewriter r;
  r.Sync(100, 5000);
  EXPECT_EQ(r.Forward(100), 5000);
  EXPECT_EQ(r.Forward(101), 5001);
  r.Drop(102);  // a frame above the viewer's layer
  r.Drop(103);
  EXPECT_EQ(r.Forward(104), 5002);
  EXPECT_EQ(r.Forward(105), 5003);
}

TEST(SeqRewriter, ARepairLostUpstreamTakesTheNumberReservedForIt) {
  // 102 is lost on the host's uplink; later packets are dropped (temporal layer) before
  // the host's repair of 102 arrives. It must go out as 5002, between 5001 and 5003, not
  // under the number a newer packet already used.
  SeqRewriter r;
  r.Sync(100, 5000);
  EXPECT_EQ(r.Forward(100), 5000);
  EXPECT_EQ(r.Forward(101), 5001);
  EXPECT_EQ(r.Forward(103), 5003);  // the gap keeps 5002 reserved
  r.Drop(104);
  r.Drop(105);
  EXPECT_EQ(r.Forward(106), 5004);
  EXPECT_EQ(r.Forward(102), 5002);  // the late repair
  EXPECT_EQ(r.late_forwarded(), 1u);
  EXPECT_EQ(r.Forward(102), 5002);  // a duplicate of the repair keeps its number
  EXPECT_EQ(r.late_forwarded(), 1u);
  EXPECT_FALSE(r.Forward(101).has_value());  // a duplicate of an in-order packet: not again
  EXPECT_EQ(r.Forward(107), 5005);
}

TEST(SeqRewriter, ALateDroppedPacketLeavesItsNumberUnused) {
  SeqRewriter r;
  r.Sync(0, 0);
  EXPECT_EQ(r.Forward(0), 0);
  EXPECT_EQ(r.Forward(2), 2);  // 1 missing
  r.Drop(1);                   // arrives late, above the viewer's layer
  EXPECT_EQ(r.late_dropped(), 1u);
  EXPECT_FALSE(r.Forward(1).has_value());  // dropped once, never sent later
  EXPECT_EQ(r.Forward(3), 3);
}

TEST(SeqRewriter, SyncContinuesOurNumberingAndRefusesTheOldStream) {
  SeqRewriter r;
  r.Sync(1000, 1000);
  for (uint16_t s = 1000; s < 1010; ++s) EXPECT_EQ(r.Forward(s), s);
  // Switch to another stream whose numbers overlap the old one's.
  r.Sync(1005, 1010);
  EXPECT_TRUE(r.IsBeforeSync(1004));
  EXPECT_EQ(r.Forward(1005), 1010);
  EXPECT_EQ(r.Forward(1006), 1011);
  EXPECT_FALSE(r.Forward(1004).has_value());  // the old stream's, or before the key frame
}

TEST(SeqRewriter, WrapsAroundSixteenBits) {
  SeqRewriter r;
  r.Sync(65530, 10);
  uint16_t expected = 10;
  for (uint32_t i = 0; i < 20; ++i) {
    const auto in = static_cast<uint16_t>(65530 + i);
    if (i % 5 == 4) {
      r.Drop(in);
      continue;
    }
    EXPECT_EQ(r.Forward(in), expected) << in;
    ++expected;
  }
}

TEST(SeqRewriter, TooOldOrBeyondTheWindowIsRefused) {
  SeqRewriter r;
  r.Sync(0, 0);
  EXPECT_EQ(r.Forward(0), 0);
  EXPECT_EQ(r.Forward(5000), 5000);  // a long gap: only the last window is reserved
  EXPECT_FALSE(r.Forward(100).has_value());
  EXPECT_EQ(r.Forward(4999), 4999);
}

TEST(SeqRewriter, OutputNumbersAreUniqueUnderRandomLossDropsAndLateRepairs) {
  // Property: whatever arrives late, no outgoing number is used by two different packets.
  SeqRewriter r;
  r.Sync(40000, 7);
  std::set<uint16_t> used;
  std::set<uint16_t> lost;
  uint32_t state = 12345;
  auto rnd = [&] { state = state * 1103515245u + 12345u; return (state >> 16) % 100; };
  for (uint32_t i = 0; i < 3000; ++i) {
    const auto in = static_cast<uint16_t>(40000 + i);
    const uint32_t x = rnd();
    if (x < 5) {
      lost.insert(in);  // repaired a little later
      continue;
    }
    const auto send = [&](uint16_t s) {
      if (rnd() < 30) {
        r.Drop(s);
        return;
      }
      if (auto out = r.Forward(s)) {
        EXPECT_TRUE(used.insert(*out).second) << "number " << *out << " used twice (in " << s << ")";
      }
    };
    send(in);
    if (!lost.empty() && rnd() < 20) {
      send(*lost.begin());
      lost.erase(lost.begin());
    }
  }
}

TEST(SeqRewriter, DoesNotAllocate) {
  SeqRewriter r;
  r.Sync(0, 0);
  test::AllocationScope scope;
  for (uint16_t s = 0; s < 2000; ++s) {
    if (s % 3 == 0) r.Drop(s); else (void)r.Forward(s);
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
