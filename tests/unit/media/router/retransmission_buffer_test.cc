#include "media/router/retransmission_buffer.h"

#include <gtest/gtest.h>

#include <vector>

#include "../common/alloc_counter.h"
#include "media/common/byte_io.h"

namespace tr::media {
namespace {

// A minimal RTP packet: fixed header + `payload` bytes of `fill`.
std::vector<uint8_t> Packet(uint16_t seq, uint8_t fill, std::size_t payload = 100) {
  std::vector<uint8_t> b(12 + payload, fill);
  b[0] = 0x80;
  b[1] = 96;
  WriteU16(b.data() + 2, seq);
  WriteU32(b.data() + 4, 1000u * seq);
  WriteU32(b.data() + 8, 0x01020304);
  return b;
}

bool Insert(RetransmissionBuffer& buf, std::vector<uint8_t>& bytes, int64_t now) {
  RtpPacket p;
  EXPECT_TRUE(RtpPacket::Parse(bytes, p));
  return buf.Insert(p, now);
}

RetransmissionBuffer Make(std::size_t capacity = 8, int64_t max_age = 1000) {
  RetransmissionBuffer::Options o;
  o.capacity = capacity;
  o.slot_size = 300;
  o.max_age_ms = max_age;
  return RetransmissionBuffer(o);
}

TEST(RetransmissionBuffer, InsertThenGetReturnsTheBytes) {
  auto buf = Make();
  auto a = Packet(100, 0xA1);
  auto b = Packet(101, 0xB2, 50);
  ASSERT_TRUE(Insert(buf, a, 0));
  ASSERT_TRUE(Insert(buf, b, 5));
  const auto ga = buf.Get(100, 10);
  ASSERT_EQ(ga.size(), a.size());
  EXPECT_TRUE(std::equal(ga.begin(), ga.end(), a.begin()));
  const auto gb = buf.Get(101, 10);
  ASSERT_EQ(gb.size(), b.size());
  EXPECT_EQ(gb.back(), 0xB2);
  EXPECT_TRUE(buf.Get(102, 10).empty());
  EXPECT_TRUE(buf.Get(92, 10).empty());  // same slot as 100, other seq
  EXPECT_TRUE(buf.Contains(100, 10));
  EXPECT_FALSE(buf.Contains(108, 10));
}

TEST(RetransmissionBuffer, NewerPacketOverwritesItsSlotOlderDoesNot) {
  auto buf = Make(8);
  EXPECT_EQ(buf.capacity(), 8u);
  auto a = Packet(100, 0xA1);
  ASSERT_TRUE(Insert(buf, a, 0));
  auto b = Packet(108, 0xB2);  // same slot, newer
  ASSERT_TRUE(Insert(buf, b, 1));
  EXPECT_TRUE(buf.Get(100, 2).empty());
  ASSERT_FALSE(buf.Get(108, 2).empty());
  EXPECT_EQ(buf.Get(108, 2).back(), 0xB2);
  auto late = Packet(100, 0xCC);  // a late copy of the older one must not evict 108
  EXPECT_FALSE(Insert(buf, late, 3));
  EXPECT_EQ(buf.stats().rejected_old, 1u);
  EXPECT_EQ(buf.Get(108, 4).back(), 0xB2);
}

TEST(RetransmissionBuffer, WrapAround) {
  auto buf = Make(16);
  for (uint32_t s = 65530; s < 65530 + 12; ++s) {
    auto p = Packet(static_cast<uint16_t>(s), static_cast<uint8_t>(s));
    ASSERT_TRUE(Insert(buf, p, 0));
  }
  for (uint32_t s = 65530; s < 65530 + 12; ++s) {
    const auto g = buf.Get(static_cast<uint16_t>(s), 0);
    ASSERT_FALSE(g.empty()) << s;
    EXPECT_EQ(ReadU16(g.data() + 2), static_cast<uint16_t>(s));
  }
}

TEST(RetransmissionBuffer, PacketsAgeOut) {
  auto buf = Make(8, 1000);
  auto a = Packet(1, 0xA1);
  ASSERT_TRUE(Insert(buf, a, 10'000));
  EXPECT_FALSE(buf.Get(1, 11'000).empty());
  EXPECT_TRUE(buf.Get(1, 11'001).empty());
  // An aged-out newer packet no longer protects its slot.
  auto b = Packet(9, 0xB2);
  ASSERT_TRUE(Insert(buf, b, 10'000));
  auto old = Packet(1, 0xCC);
  EXPECT_TRUE(Insert(buf, old, 12'000));
  EXPECT_EQ(buf.Get(1, 12'000).back(), 0xCC);
}

TEST(RetransmissionBuffer, TooLargeIsRejectedAndClearEmpties) {
  auto buf = Make(8);
  auto big = Packet(1, 0xA1, 400);
  EXPECT_FALSE(Insert(buf, big, 0));
  EXPECT_EQ(buf.stats().too_large, 1u);
  auto a = Packet(2, 0xA2);
  ASSERT_TRUE(Insert(buf, a, 0));
  buf.Clear();
  EXPECT_TRUE(buf.Get(2, 0).empty());
}

TEST(RetransmissionBuffer, InsertAndGetDoNotAllocate) {
  RetransmissionBuffer buf;  // default: 512 slots of 1500 bytes
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 64; ++i) {
    packets.push_back(Packet(static_cast<uint16_t>(i), static_cast<uint8_t>(i), 1100));
  }
  std::vector<RtpPacket> parsed(packets.size());
  for (std::size_t i = 0; i < packets.size(); ++i) {
    ASSERT_TRUE(RtpPacket::Parse(packets[i], parsed[i]));
  }
  test::AllocationScope scope;
  std::size_t hits = 0;
  for (int round = 0; round < 100; ++round) {
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      parsed[i].SetSequenceNumber(static_cast<uint16_t>(round * 64 + static_cast<int>(i)));
      buf.Insert(parsed[i], round);
      hits += buf.Get(static_cast<uint16_t>(round * 64 + static_cast<int>(i) - 10), round).empty() ? 0 : 1;
    }
  }
  EXPECT_EQ(scope.Count(), 0u);
  EXPECT_GT(hits, 6000u);
}

}  // namespace
}  // namespace tr::media
