#include <gtest/gtest.h>

#include <vector>

#include "media/rtcp/fir.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/remb.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;

RtcpPacket ParseOne(std::span<const uint8_t> b) {
  const auto p = RtcpPacket::Parse(b);
  EXPECT_TRUE(p);
  return p ? *p : RtcpPacket{};
}

std::vector<uint16_t> Lost(const GenericNack& nack) {
  std::vector<uint16_t> v;
  nack.ForEachLost([&](uint16_t s) { v.push_back(s); });
  return v;
}

// ---- Generic NACK ----

TEST(GenericNackTest, HandWrittenBytes) {
  // PID 100, BLP 0b101: 100, 101 and 103 lost.
  const Bytes b = {0x81, 0xcd, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
                   0x00, 0x00, 0x00, 0x02, 0x00, 0x64, 0x00, 0x05};
  const auto nack = GenericNack::Parse(ParseOne(b));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->SenderSsrc(), 1u);
  EXPECT_EQ(nack->MediaSsrc(), 2u);
  ASSERT_EQ(nack->ItemCount(), 1u);
  EXPECT_EQ(nack->Item(0), (NackItem{100, 5}));
  EXPECT_EQ(nack->LostPacketCount(), 3u);
  EXPECT_EQ(Lost(*nack), (std::vector<uint16_t>{100, 101, 103}));
  uint16_t out[2];
  EXPECT_EQ(nack->LostSequenceNumbers(out), 2u);
  EXPECT_EQ(out[1], 101);

  const uint16_t lost[] = {100, 101, 103};
  Bytes built(64);
  ASSERT_EQ(GenericNack::Build(built, 1, 2, lost), b.size());
  EXPECT_TRUE(std::equal(b.begin(), b.end(), built.begin()));
}

TEST(GenericNackTest, PackingIsMinimal) {
  std::vector<uint16_t> lost;
  for (uint16_t s = 1; s <= 18; ++s) {
    lost.push_back(s);  // 1 + 16 BLP bits, then 18 needs a second item
  }
  Bytes out(64);
  std::size_t n = GenericNack::Build(out, 1, 2, lost);
  ASSERT_EQ(n, 12u + 8);
  auto nack = GenericNack::Parse(ParseOne(std::span<const uint8_t>(out).first(n)));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->Item(0), (NackItem{1, 0xFFFF}));
  EXPECT_EQ(nack->Item(1), (NackItem{18, 0}));
  EXPECT_EQ(Lost(*nack), lost);
  EXPECT_EQ(GenericNack::ItemsNeeded(lost), 2u);

  // Across the wrap, with a duplicate.
  const uint16_t wrap[] = {65534, 65535, 65535, 0, 1, 40};
  n = GenericNack::Build(out, 1, 2, wrap);
  ASSERT_EQ(n, 12u + 8);
  nack = GenericNack::Parse(ParseOne(std::span<const uint8_t>(out).first(n)));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->Item(0), (NackItem{65534, 0b111}));
  EXPECT_EQ(nack->Item(1), (NackItem{40, 0}));
  EXPECT_EQ(Lost(*nack), (std::vector<uint16_t>{65534, 65535, 0, 1, 40}));
}

TEST(GenericNackTest, SplitsAcrossPacketsWhenBufferIsSmall) {
  std::vector<uint16_t> lost;
  for (uint16_t s = 0; s < 100; ++s) {
    lost.push_back(static_cast<uint16_t>(s * 20));  // one item each
  }
  Bytes out(12 + 4 * 10);
  EXPECT_EQ(GenericNack::Build(out, 1, 2, lost), 0u);  // all-or-nothing
  std::size_t consumed = 0;
  const std::size_t n = GenericNack::Build(out, 1, 2, lost, &consumed);
  EXPECT_EQ(n, out.size());
  EXPECT_EQ(consumed, 10u);
  const auto nack = GenericNack::Parse(ParseOne(std::span<const uint8_t>(out).first(n)));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->ItemCount(), 10u);
  EXPECT_EQ(nack->Item(9).pid, 180);
  EXPECT_EQ(GenericNack::Build(out, 1, 2, {}), 0u);
  EXPECT_EQ(GenericNack::Build(std::span<uint8_t>(out).first(15), 1, 2, lost, &consumed), 0u);
  EXPECT_EQ(consumed, 0u);
}

TEST(GenericNackTest, MalformedIsRejected) {
  // No FCI.
  EXPECT_FALSE(GenericNack::Parse(ParseOne(Bytes{0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2})));
  // Wrong FMT (TWCC).
  EXPECT_FALSE(GenericNack::Parse(
      ParseOne(Bytes{0x8f, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0})));
  // Wrong type (PSFB).
  EXPECT_FALSE(GenericNack::Parse(
      ParseOne(Bytes{0x81, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0})));
}

// ---- PLI ----

TEST(PliTest, HandWrittenBytesAndBuild) {
  const Bytes b = {0x81, 0xce, 0x00, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x11, 0x22, 0x33, 0x44};
  const auto pli = Pli::Parse(ParseOne(b));
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->SenderSsrc(), 0xaabbccddu);
  EXPECT_EQ(pli->MediaSsrc(), 0x11223344u);
  Bytes out(12);
  ASSERT_EQ(Pli::Build(out, 0xaabbccdd, 0x11223344), 12u);
  EXPECT_EQ(out, b);
  EXPECT_EQ(Pli::Build(std::span<uint8_t>(out).first(11), 1, 2), 0u);
  EXPECT_FALSE(Pli::Parse(ParseOne(Bytes{0x84, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2})));  // FIR
  EXPECT_FALSE(Pli::Parse(ParseOne(Bytes{0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1})));
}

// ---- FIR ----

TEST(FirTest, HandWrittenBytesAndBuild) {
  const Bytes b = {0x84, 0xce, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                   0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x07, 0x00, 0x00, 0x00};
  const auto fir = Fir::Parse(ParseOne(b));
  ASSERT_TRUE(fir);
  EXPECT_EQ(fir->SenderSsrc(), 1u);
  ASSERT_EQ(fir->EntryCount(), 1u);
  EXPECT_EQ(fir->Entry(0), (FirEntry{0x12345678, 7}));
  Bytes out(64);
  const FirEntry entries[] = {{0x12345678, 7}};
  ASSERT_EQ(Fir::Build(out, 1, entries), b.size());
  EXPECT_TRUE(std::equal(b.begin(), b.end(), out.begin()));

  const FirEntry two[] = {{1, 255}, {2, 0}};
  const std::size_t n = Fir::Build(out, 9, two);
  const auto parsed = Fir::Parse(ParseOne(std::span<const uint8_t>(out).first(n)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->EntryCount(), 2u);
  EXPECT_EQ(parsed->Entry(0), (FirEntry{1, 255}));
  EXPECT_EQ(parsed->Entry(1), (FirEntry{2, 0}));
  EXPECT_EQ(Fir::Build(out, 1, {}), 0u);
  // FCI not a multiple of 8.
  EXPECT_FALSE(Fir::Parse(ParseOne(Bytes{0x84, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1})));
}

// ---- REMB ----

TEST(RembTest, HandWrittenBytes) {
  // 1 Mbps = 250000 * 2^2, one SSRC.
  const Bytes b = {0x8f, 0xce, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                   'R',  'E',  'M',  'B',  0x01, 0x0b, 0xd0, 0x90, 0x12, 0x34, 0x56, 0x78};
  const auto remb = Remb::Parse(ParseOne(b));
  ASSERT_TRUE(remb);
  EXPECT_EQ(remb->SenderSsrc(), 1u);
  EXPECT_EQ(remb->Bitrate(), 1'000'000u);
  ASSERT_EQ(remb->SsrcCount(), 1u);
  EXPECT_EQ(remb->Ssrc(0), 0x12345678u);
  Bytes out(64);
  const uint32_t ssrcs[] = {0x12345678};
  ASSERT_EQ(Remb::Build(out, 1, 1'000'000, ssrcs), b.size());
  EXPECT_TRUE(std::equal(b.begin(), b.end(), out.begin()));
}

TEST(RembTest, BitrateEncodingRoundTrip) {
  Bytes out(64);
  const uint32_t ssrcs[] = {1, 2, 3};
  for (uint64_t bps : std::vector<uint64_t>{0, 1, 262143, 262144, 2'500'000, 123'456'789,
                       (uint64_t{1} << 40) + 12345}) {
    const std::size_t n = Remb::Build(out, 7, bps, ssrcs);
    ASSERT_EQ(n, 32u);
    const auto remb = Remb::Parse(ParseOne(std::span<const uint8_t>(out).first(n)));
    ASSERT_TRUE(remb);
    EXPECT_LE(remb->Bitrate(), bps);
    EXPECT_GE(remb->Bitrate(), bps - bps / 131072) << bps;  // 17 significant bits kept
    EXPECT_EQ(remb->SsrcCount(), 3u);
    EXPECT_EQ(remb->Ssrc(2), 3u);
  }
}

TEST(RembTest, MalformedIsRejected) {
  Bytes b = {0x8f, 0xce, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
             'R',  'E',  'M',  'X',  0x01, 0x0b, 0xd0, 0x90, 0x12, 0x34, 0x56, 0x78};
  EXPECT_FALSE(Remb::Parse(ParseOne(b)));  // another application message
  b[15] = 'B';
  b[16] = 0x02;  // two SSRCs announced, one present
  EXPECT_FALSE(Remb::Parse(ParseOne(b)));
  b[16] = 0x01;
  b[17] = 0xFF;  // exponent 63 with a non-zero mantissa: overflows 64 bits
  EXPECT_FALSE(Remb::Parse(ParseOne(b)));
}

}  // namespace
}  // namespace tr::media
