#include "media/rtcp/rtcp_packet.h"

#include <gtest/gtest.h>

#include <vector>

#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/sdes.h"
#include "media/rtcp/sender_report.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;

// SR (no blocks) + SDES CNAME "e5f1a2b3", as a browser sends them each RTCP interval.
const Bytes kSrSdes = {
    0x80, 0xc8, 0x00, 0x06, 0x12, 0x34, 0x56, 0x78, 0xe9, 0x3a, 0x1b, 0x2c, 0x80, 0x00,
    0x00, 0x00, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0xfa, 0x00,
    0x81, 0xca, 0x00, 0x04, 0x12, 0x34, 0x56, 0x78, 0x01, 0x08, 'e',  '5',  'f',  '1',
    'a',  '2',  'b',  '3',  0x00, 0x00,
};

TEST(RtcpPacketTest, IsRtcpDemux) {
  EXPECT_TRUE(RtcpPacket::IsRtcp(kSrSdes));
  Bytes b = kSrSdes;
  for (int pt = 0; pt < 256; ++pt) {
    b[1] = static_cast<uint8_t>(pt);
    EXPECT_EQ(RtcpPacket::IsRtcp(b), pt >= 192 && pt <= 223) << pt;
  }
  b[1] = 0xc8;
  b[0] = 0x40;
  EXPECT_FALSE(RtcpPacket::IsRtcp(b));
  EXPECT_FALSE(RtcpPacket::IsRtcp(Bytes{0x80, 0xc8, 0x00}));
}

TEST(RtcpPacketTest, IteratesCompound) {
  RtcpCompoundIterator it(kSrSdes);
  RtcpPacket p;
  ASSERT_TRUE(it.Next(&p));
  EXPECT_EQ(p.Type(), rtcp_type::kSenderReport);
  EXPECT_EQ(p.Count(), 0);
  EXPECT_EQ(p.Size(), 28u);
  EXPECT_EQ(p.Body().size(), 24u);
  ASSERT_TRUE(it.Next(&p));
  EXPECT_EQ(p.Type(), rtcp_type::kSdes);
  EXPECT_EQ(p.Count(), 1);
  EXPECT_EQ(p.Size(), 20u);
  EXPECT_FALSE(it.Next(&p));
  EXPECT_FALSE(it.Failed());
  EXPECT_TRUE(RtcpCompoundIterator::Validate(kSrSdes));
  EXPECT_FALSE(RtcpCompoundIterator::Validate({}));
}

TEST(RtcpPacketTest, MalformedHeadersStopIteration) {
  {
    Bytes b = kSrSdes;
    b[31] = 0x05;  // SDES claims 24 bytes, only 20 left
    RtcpCompoundIterator it(b);
    RtcpPacket p;
    EXPECT_TRUE(it.Next(&p));  // the SR before it is still delivered
    EXPECT_FALSE(it.Next(&p));
    EXPECT_TRUE(it.Failed());
    EXPECT_FALSE(RtcpCompoundIterator::Validate(b));
  }
  {
    Bytes b = kSrSdes;
    b.pop_back();  // truncated last packet
    EXPECT_FALSE(RtcpCompoundIterator::Validate(b));
  }
  {
    Bytes b = kSrSdes;
    b[28] = 0x41;  // second packet version 1
    EXPECT_FALSE(RtcpCompoundIterator::Validate(b));
  }
  {
    Bytes b = kSrSdes;
    b.push_back(0x80);  // trailing garbage shorter than a header
    EXPECT_FALSE(RtcpCompoundIterator::Validate(b));
  }
}

TEST(RtcpPacketTest, PaddingIsStrippedFromBody) {
  // PLI with 4 bytes of RTCP padding (P bit, last byte = 4).
  const Bytes b = {0xa1, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 4};
  const auto p = RtcpPacket::Parse(b);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->HasPadding());
  EXPECT_EQ(p->PaddingSize(), 4u);
  EXPECT_EQ(p->Size(), 16u);
  EXPECT_EQ(p->Body().size(), 8u);
  const auto pli = Pli::Parse(*p);
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->MediaSsrc(), 2u);

  Bytes zero = b;
  zero.back() = 0;  // padding count 0
  EXPECT_FALSE(RtcpPacket::Parse(zero));
  Bytes big = b;
  big.back() = 13;  // more than the packet after its header
  EXPECT_FALSE(RtcpPacket::Parse(big));
  big.back() = 12;
  const auto all = RtcpPacket::Parse(big);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Body().empty());
  EXPECT_FALSE(Pli::Parse(*all));  // body too short for a PLI
}

TEST(RtcpPacketTest, BuildCompoundByConcatenation) {
  std::array<uint8_t, 256> buf{};
  std::size_t n = 0;
  SenderInfo info;
  info.sender_ssrc = 1;
  n += SenderReport::Build(std::span<uint8_t>(buf).subspan(n), info);
  n += Sdes::BuildCname(std::span<uint8_t>(buf).subspan(n), 1, "cname");
  const uint16_t lost[] = {5, 6, 9};
  n += GenericNack::Build(std::span<uint8_t>(buf).subspan(n), 1, 2, lost);
  n += Pli::Build(std::span<uint8_t>(buf).subspan(n), 1, 2);
  ASSERT_EQ(n, 28u + 16 + 16 + 12);
  const std::span<const uint8_t> compound(buf.data(), n);
  EXPECT_TRUE(RtcpCompoundIterator::Validate(compound));
  std::vector<std::pair<int, int>> types;
  RtcpCompoundIterator it(compound);
  RtcpPacket p;
  while (it.Next(&p)) {
    types.emplace_back(p.Type(), p.Count());
  }
  EXPECT_EQ(types, (std::vector<std::pair<int, int>>{{200, 0}, {202, 1}, {205, 1}, {206, 1}}));
}

}  // namespace
}  // namespace tr::media
