#include "media/rtp/rtx.h"

#include <gtest/gtest.h>

#include <vector>

#include "media/rtp/rtp_header_extensions.h"
#include "rtp_captures.h"
#include "rtp_test_util.h"

namespace tr::media {
namespace {

TEST(RtxTest, BuildThenDecodeRestoresTheOriginal) {
  std::vector<uint8_t> original(test::kChromeVp8KeyFrame.begin(), test::kChromeVp8KeyFrame.end());
  const auto orig = RtpPacket::Parse(original);
  ASSERT_TRUE(orig);

  std::vector<uint8_t> out(original.size() + 2 + 16, 0xEE);
  const std::size_t n = BuildRtxPacket(*orig, 97, 0x55667788, 12, out);
  ASSERT_EQ(n, original.size() + 2);
  EXPECT_EQ(out[n], 0xEE);

  auto rtx = RtpPacket::Parse(std::span<uint8_t>(out).first(n));
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->PayloadType(), 97);
  EXPECT_EQ(rtx->Ssrc(), 0x55667788u);
  EXPECT_EQ(rtx->SequenceNumber(), 12);
  EXPECT_EQ(rtx->Timestamp(), orig->Timestamp());
  EXPECT_EQ(rtx->Marker(), orig->Marker());
  EXPECT_EQ(rtx->GetExtension<MidExtension>(9), "0");
  EXPECT_EQ(RtxOriginalSequenceNumber(*rtx), 6699);
  EXPECT_EQ(rtx->PayloadSize(), orig->PayloadSize() + 2);

  ASSERT_TRUE(RtxDecodeInPlace(*rtx, 96, 0x7a1b2c3d));
  EXPECT_EQ(rtx->Data().data(), out.data() + 2);
  ASSERT_EQ(rtx->Size(), original.size());
  EXPECT_TRUE(std::equal(original.begin(), original.end(), rtx->Data().begin()));
  EXPECT_EQ(rtx->GetExtension<TransportSequenceNumberExtension>(4), 300);
  EXPECT_EQ(rtx->SequenceNumber(), 6699);
}

TEST(RtxTest, OriginalPaddingIsDroppedAndCsrcsKept) {
  test::RtpSpec s;
  s.marker = true;
  s.csrcs = {9, 8};
  s.payload = {1, 2, 3, 4};
  s.padding = 4;
  auto buf = test::BuildRtp(s);
  const auto orig = RtpPacket::Parse(buf);
  ASSERT_TRUE(orig);
  std::vector<uint8_t> out(200);
  const std::size_t n = BuildRtxPacket(*orig, 99, 1, 2, out);
  ASSERT_EQ(n, 12u + 8 + 2 + 4);
  const auto rtx = RtpPacket::Parse(std::span<uint8_t>(out).first(n));
  ASSERT_TRUE(rtx);
  EXPECT_FALSE(rtx->HasPadding());
  EXPECT_TRUE(rtx->Marker());
  EXPECT_EQ(rtx->CsrcCount(), 2);
  EXPECT_EQ(rtx->Csrc(1), 8u);
  EXPECT_EQ(rtx->Payload()[0], s.seq >> 8);
  EXPECT_EQ(rtx->Payload()[1], s.seq & 0xFF);
  EXPECT_EQ(rtx->Payload()[2], 1);
}

TEST(RtxTest, FailureCases) {
  std::vector<uint8_t> original(test::kChromeOpus.begin(), test::kChromeOpus.end());
  const auto orig = RtpPacket::Parse(original);
  ASSERT_TRUE(orig);
  std::vector<uint8_t> small(original.size() + 1);
  EXPECT_EQ(BuildRtxPacket(*orig, 97, 1, 1, small), 0u);  // needs size + 2
  std::vector<uint8_t> out(100);
  EXPECT_EQ(BuildRtxPacket(*orig, 128, 1, 1, out), 0u);

  // Padding-only probe on the RTX SSRC: no OSN.
  test::RtpSpec s;
  s.payload.clear();
  s.padding = 200;
  auto probe = test::BuildRtp(s);
  auto p = RtpPacket::Parse(probe);
  ASSERT_TRUE(p);
  EXPECT_FALSE(RtxOriginalSequenceNumber(*p));
  const auto before = probe;
  EXPECT_FALSE(RtxDecodeInPlace(*p, 96, 1));
  EXPECT_EQ(probe, before);

  s.payload = {0x12, 0x34};  // OSN only: decodes to an empty payload
  s.padding = 0;
  auto tiny = test::BuildRtp(s);
  auto t = RtpPacket::Parse(tiny);
  ASSERT_TRUE(t);
  ASSERT_TRUE(RtxDecodeInPlace(*t, 96, 1));
  EXPECT_EQ(t->SequenceNumber(), 0x1234);
  EXPECT_EQ(t->PayloadSize(), 0u);
}

}  // namespace
}  // namespace tr::media
