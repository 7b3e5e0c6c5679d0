#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/rtcp/bye.h"
#include "media/rtcp/receiver_report.h"
#include "media/rtcp/sdes.h"
#include "media/rtcp/sender_report.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;

RtcpPacket ParseOne(const Bytes& b) {
  const auto p = RtcpPacket::Parse(b);
  EXPECT_TRUE(p);
  EXPECT_EQ(p ? p->Size() : 0, b.size());
  return p ? *p : RtcpPacket{};
}

// Report block: SSRC 0x87654321, 25/256 lost, cumulative -2, ext. highest 65541,
// jitter 42, LSR 0x3a1b2c80, DLSR 1.5 s.
const Bytes kBlock = {0x87, 0x65, 0x43, 0x21, 0x19, 0xff, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x05,
                      0x00, 0x00, 0x00, 0x2a, 0x3a, 0x1b, 0x2c, 0x80, 0x00, 0x01, 0x80, 0x00};

ReportBlock ExpectedBlock() {
  ReportBlock b;
  b.ssrc = 0x87654321;
  b.fraction_lost = 25;
  b.cumulative_lost = -2;
  b.extended_highest_sequence = 65541;
  b.jitter = 42;
  b.last_sr = 0x3a1b2c80;
  b.delay_since_last_sr = 0x18000;
  return b;
}

TEST(SenderReportTest, HandWrittenBytes) {
  Bytes b = {0x81, 0xc8, 0x00, 0x0c,                          // RC=1, PT=200, 52 bytes
             0x12, 0x34, 0x56, 0x78,                          // sender SSRC
             0xe9, 0x3a, 0x1b, 0x2c, 0x80, 0x00, 0x00, 0x00,  // NTP
             0x00, 0x01, 0xe2, 0x40,                          // RTP ts 123456
             0x00, 0x00, 0x00, 0x64,                          // 100 packets
             0x00, 0x00, 0xfa, 0x00};                         // 64000 octets
  b.insert(b.end(), kBlock.begin(), kBlock.end());
  const auto sr = SenderReport::Parse(ParseOne(b));
  ASSERT_TRUE(sr);
  const SenderInfo info = sr->Info();
  EXPECT_EQ(info.sender_ssrc, 0x12345678u);
  EXPECT_EQ(sr->SenderSsrc(), 0x12345678u);
  EXPECT_EQ(info.ntp, (NtpTime{0xe93a1b2c, 0x80000000}));
  EXPECT_EQ(info.rtp_timestamp, 123456u);
  EXPECT_EQ(info.packet_count, 100u);
  EXPECT_EQ(info.octet_count, 64000u);
  ASSERT_EQ(sr->ReportBlockCount(), 1u);
  EXPECT_EQ(sr->GetReportBlock(0), ExpectedBlock());

  // Build reproduces the same bytes.
  Bytes out(b.size() + 4, 0xEE);
  const ReportBlock blocks[] = {ExpectedBlock()};
  ASSERT_EQ(SenderReport::Build(out, info, blocks), b.size());
  EXPECT_TRUE(std::equal(b.begin(), b.end(), out.begin()));
  EXPECT_EQ(out[b.size()], 0xEE);
}

TEST(SenderReportTest, RejectsShortBodiesAndOtherTypes) {
  Bytes b(28, 0);
  b[0] = 0x81;  // RC=1 but no block
  b[1] = 0xc8;
  b[3] = 0x06;
  EXPECT_FALSE(SenderReport::Parse(ParseOne(b)));
  b[0] = 0x80;
  EXPECT_TRUE(SenderReport::Parse(ParseOne(b)));
  b[1] = 0xc9;
  EXPECT_FALSE(SenderReport::Parse(ParseOne(b)));
  b = {0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1};  // sender info missing
  EXPECT_FALSE(SenderReport::Parse(ParseOne(b)));
}

TEST(SenderReportTest, RoundTripWith31Blocks) {
  std::vector<ReportBlock> blocks(31);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].ssrc = static_cast<uint32_t>(i + 1);
    blocks[i].cumulative_lost = static_cast<int32_t>(i) - 15;
    blocks[i].jitter = static_cast<uint32_t>(i * 3);
  }
  SenderInfo info{7, {1, 2}, 3, 4, 5};
  std::vector<uint8_t> out(SenderReport::BuildSize(31));
  ASSERT_EQ(SenderReport::Build(out, info, blocks), out.size());
  const auto sr = SenderReport::Parse(*RtcpPacket::Parse(out));
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->Info(), info);
  ASSERT_EQ(sr->ReportBlockCount(), 31u);
  for (std::size_t i = 0; i < 31; ++i) {
    EXPECT_EQ(sr->GetReportBlock(i), blocks[i]);
  }
  std::vector<ReportBlock> too_many(32);
  std::vector<uint8_t> big(2048);
  EXPECT_EQ(SenderReport::Build(big, info, too_many), 0u);
  EXPECT_EQ(SenderReport::Build(std::span<uint8_t>(out).first(out.size() - 1), info, blocks), 0u);
}

TEST(ReceiverReportTest, HandWrittenBytesAndRoundTrip) {
  Bytes b = {0x81, 0xc9, 0x00, 0x07, 0x0a, 0x0b, 0x0c, 0x0d};
  b.insert(b.end(), kBlock.begin(), kBlock.end());
  const auto rr = ReceiverReport::Parse(ParseOne(b));
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->SenderSsrc(), 0x0a0b0c0du);
  ASSERT_EQ(rr->ReportBlockCount(), 1u);
  EXPECT_EQ(rr->GetReportBlock(0), ExpectedBlock());

  Bytes out(64);
  const ReportBlock blocks[] = {ExpectedBlock()};
  ASSERT_EQ(ReceiverReport::Build(out, 0x0a0b0c0d, blocks), b.size());
  EXPECT_TRUE(std::equal(b.begin(), b.end(), out.begin()));

  // Empty RR.
  ASSERT_EQ(ReceiverReport::Build(out, 5), 8u);
  const auto empty = ReceiverReport::Parse(*RtcpPacket::Parse(std::span<const uint8_t>(out).first(8)));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->ReportBlockCount(), 0u);

  b[0] = 0x82;  // RC=2 with one block
  EXPECT_FALSE(ReceiverReport::Parse(ParseOne(b)));
}

TEST(ReportBlockTest, CumulativeLostIsClampedTo24Bits) {
  ReportBlock b;
  b.cumulative_lost = 10'000'000;
  uint8_t buf[ReportBlock::kSize];
  b.Write(buf);
  EXPECT_EQ(ReportBlock::Read(buf).cumulative_lost, ReportBlock::kMaxCumulativeLost);
  b.cumulative_lost = -10'000'000;
  b.Write(buf);
  EXPECT_EQ(ReportBlock::Read(buf).cumulative_lost, ReportBlock::kMinCumulativeLost);
}

TEST(SdesTest, HandWrittenCname) {
  const Bytes b = {0x81, 0xca, 0x00, 0x04, 0x12, 0x34, 0x56, 0x78, 0x01, 0x08,
                   'e',  '5',  'f',  '1',  'a',  '2',  'b',  '3',  0x00, 0x00};
  const auto sdes = Sdes::Parse(ParseOne(b));
  ASSERT_TRUE(sdes);
  EXPECT_EQ(sdes->ChunkCount(), 1u);
  EXPECT_EQ(sdes->Cname(0x12345678), "e5f1a2b3");
  EXPECT_FALSE(sdes->Cname(1));
  Bytes out(64);
  ASSERT_EQ(Sdes::BuildCname(out, 0x12345678, "e5f1a2b3"), b.size());
  EXPECT_TRUE(std::equal(b.begin(), b.end(), out.begin()));
}

TEST(SdesTest, MultipleChunksAndItems) {
  // Chunk 1: CNAME "a" + NAME(2) "bob"; chunk 2: CNAME of length 2 needing 4 bytes of padding.
  const Bytes b = {0x82, 0xca, 0x00, 0x07,                          // SC=2, 32 bytes
                   0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 'a',         //
                   0x02, 0x03, 'b',  'o',  'b',  0x00, 0x00, 0x00, 0x00,  // null + padding
                   0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 'x',  'y',   //
                   0x00, 0x00, 0x00, 0x00};                         // null + padding
  const auto sdes = Sdes::Parse(ParseOne(b));
  ASSERT_TRUE(sdes);
  EXPECT_EQ(sdes->ChunkCount(), 2u);
  std::vector<std::string> items;
  sdes->ForEachItem([&](uint32_t ssrc, uint8_t type, std::string_view v) {
    items.push_back(std::to_string(ssrc) + "/" + std::to_string(type) + "/" + std::string(v));
  });
  EXPECT_EQ(items, (std::vector<std::string>{"1/1/a", "1/2/bob", "2/1/xy"}));
  EXPECT_EQ(sdes->Cname(2), "xy");

  const Sdes::CnameChunk chunks[] = {{1, "a"}, {2, "xy"}, {3, std::string_view("0123456789ab")}};
  Bytes out(128);
  const std::size_t n = Sdes::BuildCname(out, chunks);
  ASSERT_EQ(n, Sdes::BuildSize(chunks));
  const auto parsed = Sdes::Parse(*RtcpPacket::Parse(std::span<const uint8_t>(out).first(n)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->Cname(1), "a");
  EXPECT_EQ(parsed->Cname(2), "xy");
  EXPECT_EQ(parsed->Cname(3), "0123456789ab");
}

TEST(SdesTest, MalformedChunksAreRejected) {
  // Item without a terminating null item.
  EXPECT_FALSE(Sdes::Parse(ParseOne({0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'})));
  // Item length overruns the packet.
  EXPECT_FALSE(Sdes::Parse(ParseOne({0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 'a', 0})));
  // SC=2 but a single chunk.
  EXPECT_FALSE(Sdes::Parse(ParseOne({0x82, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x01, 'a', 0})));
  // Empty chunk (just the null item) is fine.
  EXPECT_TRUE(Sdes::Parse(ParseOne({0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0})));
  // CNAME too long to build.
  Bytes out(600);
  const std::string long_name(256, 'x');
  EXPECT_EQ(Sdes::BuildCname(out, 1, long_name), 0u);
}

TEST(ByeTest, ParseAndBuild) {
  const Bytes plain = {0x81, 0xcb, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78};
  auto bye = Bye::Parse(ParseOne(plain));
  ASSERT_TRUE(bye);
  ASSERT_EQ(bye->SsrcCount(), 1u);
  EXPECT_EQ(bye->Ssrc(0), 0x12345678u);
  EXPECT_TRUE(bye->Reason().empty());

  const uint32_t ssrcs[] = {1, 2};
  Bytes out(64);
  const std::size_t n = Bye::Build(out, ssrcs, "left");
  ASSERT_EQ(n, 4u + 8 + 8);
  bye = Bye::Parse(*RtcpPacket::Parse(std::span<const uint8_t>(out).first(n)));
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->SsrcCount(), 2u);
  EXPECT_EQ(bye->Ssrc(1), 2u);
  EXPECT_EQ(bye->Reason(), "left");

  // Reason length beyond the packet.
  EXPECT_FALSE(Bye::Parse(ParseOne({0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'a', 'b', 'c'})));
  // SC=2 with one SSRC.
  EXPECT_FALSE(Bye::Parse(ParseOne({0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1})));
}

}  // namespace
}  // namespace tr::media
