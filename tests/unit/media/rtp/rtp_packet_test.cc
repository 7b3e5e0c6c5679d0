#include "media/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "../common/alloc_counter.h"
#include "media/rtp/rtp_header_extensions.h"
#include "rtp_captures.h"
#include "rtp_test_util.h"

namespace tr::media {
namespace {

using test::BuildRtp;
using test::Bytes;
using test::RtpSpec;

std::vector<uint8_t> Copy(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

RtpExtensionIdMap IdentityMap() {
  RtpExtensionIdMap m;
  std::iota(m.begin(), m.end(), uint8_t{0});
  return m;
}

TEST(RtpPacketTest, IsRtpDemux) {
  auto p = Copy(test::kChromeVp8KeyFrame);
  EXPECT_TRUE(RtpPacket::IsRtp(p));
  EXPECT_FALSE(RtpPacket::IsRtp(std::span<const uint8_t>(p).first(11)));
  for (int second = 192; second <= 223; ++second) {  // RTCP SR..PSFB, XR, ...
    p[1] = static_cast<uint8_t>(second);
    EXPECT_FALSE(RtpPacket::IsRtp(p)) << second;
  }
  p[1] = 0xE0;  // M=1 PT=96 -> 224: outside the RTCP range
  EXPECT_TRUE(RtpPacket::IsRtp(p));
  p[1] = 0x60;
  p[0] = 0x40;  // version 1
  EXPECT_FALSE(RtpPacket::IsRtp(p));
  p[0] = 0x00;  // STUN range
  EXPECT_FALSE(RtpPacket::IsRtp(p));
}

TEST(RtpPacketTest, ParsesChromeVp8KeyFrame) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Version(), 2);
  EXPECT_FALSE(p->HasPadding());
  EXPECT_TRUE(p->HasHeaderExtension());
  EXPECT_EQ(p->CsrcCount(), 0);
  EXPECT_FALSE(p->Marker());
  EXPECT_EQ(p->PayloadType(), 96);
  EXPECT_EQ(p->SequenceNumber(), 6699);
  EXPECT_EQ(p->Timestamp(), 0x3c4d5e6fu);
  EXPECT_EQ(p->Ssrc(), 0x7a1b2c3du);
  EXPECT_EQ(p->HeaderSize(), 32u);
  EXPECT_EQ(p->PayloadSize(), buf.size() - 32);
  EXPECT_EQ(p->PaddingSize(), 0u);
  EXPECT_EQ(p->Payload().data(), buf.data() + 32);
  EXPECT_EQ(p->ExtensionForm(), RtpExtensionForm::kOneByte);
  EXPECT_EQ(p->ExtensionProfile(), 0xBEDE);
  EXPECT_EQ(p->ExtensionBlock().size(), 16u);
  EXPECT_EQ(p->ExtensionCount(), 5u);

  EXPECT_EQ(p->GetExtension<AbsSendTimeExtension>(2), 0x5d3c1fu);
  EXPECT_EQ(p->GetExtension(3).size(), 1u);
  EXPECT_EQ(p->GetExtension<TransportSequenceNumberExtension>(4), 300);
  EXPECT_EQ(p->GetExtension<MidExtension>(9), "0");
  EXPECT_EQ(p->GetExtension<RtpStreamIdExtension>(10), "r0");
  EXPECT_FALSE(p->GetExtension<RepairedRtpStreamIdExtension>(11));
  for (int id = 0; id < 256; ++id) {
    const bool expected = id == 2 || id == 3 || id == 4 || id == 9 || id == 10;
    EXPECT_EQ(p->HasExtension(static_cast<uint8_t>(id)), expected) << id;
    if (!expected) {
      EXPECT_TRUE(p->GetExtension(static_cast<uint8_t>(id)).empty());
    }
  }
}

TEST(RtpPacketTest, ParsesChromeOpusWithAudioLevel) {
  auto buf = Copy(test::kChromeOpus);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->PayloadType(), 111);
  EXPECT_EQ(p->Timestamp(), 960u);
  EXPECT_EQ(p->GetExtension<AudioLevelExtension>(1), (AudioLevel{true, 35}));
  EXPECT_EQ(p->GetExtension<AbsSendTimeExtension>(2), 0x123456u);
  EXPECT_EQ(p->GetExtension<TransportSequenceNumberExtension>(3), 42);
  EXPECT_EQ(p->GetExtension<MidExtension>(4), "1");
  EXPECT_EQ(p->PayloadSize(), 4u);
  EXPECT_EQ(p->Payload()[0], 0x78);
}

TEST(RtpPacketTest, MinimalHeaderWithoutExtensions) {
  RtpSpec s;
  s.marker = true;
  s.payload_type = 127;
  s.seq = 65535;
  s.timestamp = 0xFFFFFFFF;
  s.payload.clear();
  auto buf = BuildRtp(s);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Marker());
  EXPECT_EQ(p->PayloadType(), 127);
  EXPECT_EQ(p->SequenceNumber(), 65535);
  EXPECT_EQ(p->Timestamp(), 0xFFFFFFFFu);
  EXPECT_EQ(p->HeaderSize(), 12u);
  EXPECT_EQ(p->PayloadSize(), 0u);
  EXPECT_EQ(p->ExtensionForm(), RtpExtensionForm::kNone);
  EXPECT_EQ(p->ExtensionProfile(), 0);
  EXPECT_EQ(p->ExtensionCount(), 0u);
  EXPECT_TRUE(p->ExtensionBlock().empty());
}

TEST(RtpPacketTest, CsrcsAndPadding) {
  RtpSpec s;
  s.csrcs = {0x01020304, 0xA0B0C0D0, 7};
  s.payload = {1, 2, 3, 4, 5};
  s.padding = 7;
  auto buf = BuildRtp(s);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->CsrcCount(), 3);
  EXPECT_EQ(p->Csrc(0), 0x01020304u);
  EXPECT_EQ(p->Csrc(1), 0xA0B0C0D0u);
  EXPECT_EQ(p->Csrc(2), 7u);
  EXPECT_TRUE(p->HasPadding());
  EXPECT_EQ(p->PaddingSize(), 7u);
  EXPECT_EQ(p->HeaderSize(), 24u);
  ASSERT_EQ(p->PayloadSize(), 5u);
  EXPECT_EQ(p->Payload()[4], 5);

  // Padding-only packet (Chrome's bandwidth probes): whole payload is padding.
  s.payload.clear();
  s.padding = 255;
  buf = BuildRtp(s);
  const auto q = RtpPacket::Parse(buf);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->PayloadSize(), 0u);
  EXPECT_EQ(q->PaddingSize(), 255u);
}

TEST(RtpPacketTest, TwoByteExtensions) {
  RtpSpec s;
  s.ext_profile = 0x1000;
  s.ext = {{1, Bytes("mid-long-value-x"), 0},        // 16 bytes
           {20, {}, 2},                              // empty value, then 2 padding bytes
           {200, std::vector<uint8_t>(40, 0x5A), 0},  // > 16 bytes: needs two-byte form
           {3, {0x01, 0x2c}, 0}};
  auto buf = BuildRtp(s);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ExtensionForm(), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(p->ExtensionProfile(), 0x1000);
  EXPECT_EQ(p->ExtensionCount(), 4u);
  EXPECT_EQ(p->GetExtension<MidExtension>(1), "mid-long-value-x");
  EXPECT_TRUE(p->HasExtension(20));
  EXPECT_TRUE(p->GetExtension(20).empty());
  EXPECT_EQ(p->GetExtension(200).size(), 40u);
  EXPECT_EQ(p->GetExtension<TransportSequenceNumberExtension>(3), 300);

  // The appbits (low 4 bits of the profile) are ignored.
  buf[12] = 0x10;
  buf[13] = 0x0F;
  const auto q = RtpPacket::Parse(buf);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->ExtensionForm(), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(q->ExtensionCount(), 4u);
}

TEST(RtpPacketTest, OtherExtensionProfileIsKeptButNotIndexed) {
  RtpSpec s;
  s.ext_profile = 0xABAC;
  s.ext = {{1, {1, 2, 3}, 0}};
  auto buf = BuildRtp(s);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ExtensionForm(), RtpExtensionForm::kOther);
  EXPECT_EQ(p->ExtensionCount(), 0u);
  EXPECT_EQ(p->ExtensionBlock().size(), 8u);  // the writer uses two-byte headers
  EXPECT_FALSE(p->HasExtension(1));
  EXPECT_EQ(p->PayloadSize(), 3u);
}

TEST(RtpPacketTest, OneByteId15StopsProcessing) {
  RtpSpec s;
  s.ext_profile = 0xBEDE;
  s.ext = {{1, {0x42}, 0}, {15, {0, 0}, 0}, {2, {0x43}, 0}};
  auto buf = BuildRtp(s);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->HasExtension(1));
  EXPECT_FALSE(p->HasExtension(2));
  EXPECT_EQ(p->ExtensionCount(), 1u);
}

TEST(RtpPacketTest, MalformedPacketsAreRejected) {
  RtpSpec s;
  s.csrcs = {1, 2};
  s.ext_profile = 0xBEDE;
  s.ext = {{1, {1, 2}, 0}};
  const auto good = BuildRtp(s);
  {
    auto b = good;
    ASSERT_TRUE(RtpPacket::Parse(b));
  }
  // Shorter than the fixed header, CSRC list or extension header.
  for (std::size_t n : {0u, 1u, 11u, 12u, 19u, 20u, 23u}) {
    auto b = good;
    b.resize(n);
    EXPECT_FALSE(RtpPacket::Parse(b)) << n;
  }
  {
    auto b = good;
    b[0] = static_cast<uint8_t>((b[0] & 0x3F) | 0x40);  // version 1
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    auto b = good;
    b[0] = static_cast<uint8_t>(b[0] | 0x0F);  // 15 CSRCs do not fit
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    auto b = good;
    b[23] = 0x10;  // extension length: 16 words
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    auto b = good;
    b[24] = 0x1F;  // element id 1 with 16 value bytes: overruns the 4-byte block
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    RtpSpec d = s;  // duplicate id
    d.ext = {{1, {1}, 0}, {1, {2}, 0}};
    auto b = BuildRtp(d);
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    RtpSpec t = s;  // two-byte element header cut by the block end
    t.ext_profile = 0x1000;
    t.ext = {{1, {7}, 0}};  // 3 bytes + 1 pad: make the pad an id without length
    auto b = BuildRtp(t);
    b[12 + 8 + 4 + 3] = 9;
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    RtpSpec t = s;  // two-byte element value overrun
    t.ext_profile = 0x1000;
    t.ext = {{1, {7, 8}, 0}};
    auto b = BuildRtp(t);
    b[12 + 8 + 4 + 1] = 3;
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    RtpSpec t = s;  // padding count 0
    t.padding = 1;
    auto b = BuildRtp(t);
    b.back() = 0;
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    RtpSpec t = s;  // padding count larger than what follows the header
    t.padding = 2;
    auto b = BuildRtp(t);
    b.back() = static_cast<uint8_t>(t.payload.size() + 3);
    EXPECT_FALSE(RtpPacket::Parse(b));
    b.back() = static_cast<uint8_t>(t.payload.size() + 2);  // exactly everything: valid
    EXPECT_TRUE(RtpPacket::Parse(b));
  }
  {
    RtpSpec t = s;  // P bit with nothing after the header
    t.payload.clear();
    auto b = BuildRtp(t);
    b[0] |= 0x20;
    EXPECT_FALSE(RtpPacket::Parse(b));
  }
  {
    std::vector<uint8_t> big(65536, 0);
    big[0] = 0x80;
    EXPECT_FALSE(RtpPacket::Parse(big));
  }
}

TEST(RtpPacketTest, EverySetterRoundTrips) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  const auto original = buf;
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  p->SetSsrc(0xDEADBEEF);
  p->SetSequenceNumber(0xFFFE);
  p->SetTimestamp(0x01020304);
  EXPECT_TRUE(p->SetPayloadType(101));
  p->SetMarker(true);
  EXPECT_FALSE(p->SetPayloadType(128));

  const auto q = RtpPacket::Parse(buf);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Ssrc(), 0xDEADBEEFu);
  EXPECT_EQ(q->SequenceNumber(), 0xFFFE);
  EXPECT_EQ(q->Timestamp(), 0x01020304u);
  EXPECT_EQ(q->PayloadType(), 101);
  EXPECT_TRUE(q->Marker());
  EXPECT_EQ(q->HeaderSize(), p->HeaderSize());
  EXPECT_TRUE(std::equal(buf.begin() + 12, buf.end(), original.begin() + 12));

  // Marker and payload type share a byte: each setter leaves the other alone.
  p->SetMarker(false);
  EXPECT_EQ(p->PayloadType(), 101);
  EXPECT_TRUE(p->SetPayloadType(0));
  EXPECT_FALSE(p->Marker());
  p->SetMarker(true);
  EXPECT_EQ(p->PayloadType(), 0);

  // Restore: the packet is byte-identical to the original.
  p->SetSsrc(0x7a1b2c3d);
  p->SetSequenceNumber(6699);
  p->SetTimestamp(0x3c4d5e6f);
  p->SetPayloadType(96);
  p->SetMarker(false);
  EXPECT_EQ(buf, original);
}

TEST(RtpPacketTest, InPlaceExtensionWriters) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->SetExtension<TransportSequenceNumberExtension>(4, 0xBEEF));
  EXPECT_TRUE(p->SetExtension<AbsSendTimeExtension>(2, 0xABCDEF));
  EXPECT_FALSE(p->SetExtension<AbsSendTimeExtension>(2, 0x1000000));  // > 24 bits
  EXPECT_FALSE(p->SetExtension<TransportSequenceNumberExtension>(5, 1));  // absent
  const auto q = RtpPacket::Parse(buf);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->GetExtension<TransportSequenceNumberExtension>(4), 0xBEEF);
  EXPECT_EQ(q->GetExtension<AbsSendTimeExtension>(2), 0xABCDEFu);
  EXPECT_EQ(q->GetExtension<MidExtension>(9), "0");
  EXPECT_EQ(q->PayloadSize(), p->PayloadSize());
}

TEST(RtpPacketTest, StringExtensionShrinksAndGrowsWithinPadding) {
  RtpSpec s;
  s.ext_profile = 0xBEDE;
  s.ext = {{9, Bytes("abc"), 0}, {4, {0, 1}, 0}};
  auto buf = BuildRtp(s);
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  // Same size: plain overwrite.
  EXPECT_TRUE(p->SetExtension<MidExtension>(9, "xyz"));
  // Longer than the element and no padding after it (id 4 follows): refused.
  EXPECT_FALSE(p->SetExtension<MidExtension>(9, "wxyz"));
  // Shorter: the freed bytes become padding; the next element is untouched.
  EXPECT_TRUE(p->SetExtension<MidExtension>(9, "1"));
  EXPECT_EQ(p->GetExtension<MidExtension>(9), "1");
  EXPECT_EQ(p->GetExtension<TransportSequenceNumberExtension>(4), 1);
  {
    auto copy = buf;
    const auto q = RtpPacket::Parse(copy);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->GetExtension<MidExtension>(9), "1");
    EXPECT_EQ(q->GetExtension<TransportSequenceNumberExtension>(4), 1);
  }
  // And back: it grows into the padding it left.
  EXPECT_TRUE(p->SetExtension<MidExtension>(9, "abc"));
  EXPECT_EQ(p->GetExtension<MidExtension>(9), "abc");
  EXPECT_EQ(buf, BuildRtp(s));
  // One-byte form values are 1..16 bytes.
  EXPECT_FALSE(p->SetExtensionValue(9, {}));
}

TEST(RtpPacketTest, RemapExtensionIds) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  const auto original = buf;
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);

  EXPECT_TRUE(p->RemapExtensionIds(IdentityMap()));
  EXPECT_EQ(buf, original);

  // Producer ids -> router ids: 2->4, 3->8, 4->5, 9->1, 10->13.
  RtpExtensionIdMap map{};
  map[2] = 4;
  map[3] = 8;
  map[4] = 5;
  map[9] = 1;
  map[10] = 13;
  ASSERT_TRUE(p->RemapExtensionIds(map));
  EXPECT_EQ(p->GetExtension<AbsSendTimeExtension>(4), 0x5d3c1fu);
  EXPECT_EQ(p->GetExtension<TransportSequenceNumberExtension>(5), 300);
  EXPECT_EQ(p->GetExtension<MidExtension>(1), "0");
  EXPECT_EQ(p->GetExtension<RtpStreamIdExtension>(13), "r0");
  EXPECT_TRUE(p->HasExtension(8));
  EXPECT_FALSE(p->HasExtension(2));
  EXPECT_FALSE(p->HasExtension(3));
  EXPECT_FALSE(p->HasExtension(9));
  EXPECT_FALSE(p->HasExtension(10));
  EXPECT_EQ(p->ExtensionCount(), 5u);
  EXPECT_EQ(buf.size(), original.size());
  EXPECT_TRUE(std::equal(buf.begin() + 32, buf.end(), original.begin() + 32));  // payload
  {
    auto copy = buf;
    const auto q = RtpPacket::Parse(copy);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->GetExtension<MidExtension>(1), "0");
    EXPECT_EQ(q->GetExtension<RtpStreamIdExtension>(13), "r0");
  }
  // The inverse map restores the original bytes.
  RtpExtensionIdMap inverse{};
  for (int id = 1; id < 256; ++id) {
    if (map[static_cast<std::size_t>(id)] != 0) {
      inverse[map[static_cast<std::size_t>(id)]] = static_cast<uint8_t>(id);
    }
  }
  ASSERT_TRUE(p->RemapExtensionIds(inverse));
  EXPECT_EQ(buf, original);
  EXPECT_EQ(p->GetExtension<MidExtension>(9), "0");
}

TEST(RtpPacketTest, RemapIsAllOrNothing) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  const auto original = buf;
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  RtpExtensionIdMap map = IdentityMap();
  map[10] = 0;  // not negotiated: must be cleared, not remapped
  EXPECT_FALSE(p->RemapExtensionIds(map));
  map = IdentityMap();
  map[10] = 15;  // not representable in the one-byte form
  EXPECT_FALSE(p->RemapExtensionIds(map));
  map = IdentityMap();
  map[10] = 200;
  EXPECT_FALSE(p->RemapExtensionIds(map));
  map = IdentityMap();
  map[10] = 9;  // collides with the MID
  EXPECT_FALSE(p->RemapExtensionIds(map));
  EXPECT_EQ(buf, original);
  EXPECT_EQ(p->GetExtension<RtpStreamIdExtension>(10), "r0");

  // The two-byte form takes ids above 14.
  RtpSpec s;
  s.ext_profile = 0x1000;
  s.ext = {{1, {1}, 0}, {2, {2, 2}, 0}};
  auto b2 = BuildRtp(s);
  auto q = RtpPacket::Parse(b2);
  ASSERT_TRUE(q);
  RtpExtensionIdMap m2{};
  m2[1] = 200;
  m2[2] = 1;
  ASSERT_TRUE(q->RemapExtensionIds(m2));
  EXPECT_EQ(q->GetExtension(200).size(), 1u);
  EXPECT_EQ(q->GetExtension(1).size(), 2u);
}

TEST(RtpPacketTest, ClearExtensionTurnsElementIntoPadding) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  const std::vector<uint8_t> saved(p->ExtensionBlock().begin(), p->ExtensionBlock().end());

  EXPECT_TRUE(p->ClearExtension(10));  // rid
  EXPECT_FALSE(p->ClearExtension(10));
  EXPECT_FALSE(p->HasExtension(10));
  EXPECT_EQ(p->ExtensionCount(), 4u);
  // Header byte and both value bytes are now zero padding.
  EXPECT_EQ(buf[16 + 11], 0);
  EXPECT_EQ(buf[16 + 12], 0);
  EXPECT_EQ(buf[16 + 13], 0);
  {
    auto copy = buf;
    const auto q = RtpPacket::Parse(copy);
    ASSERT_TRUE(q);
    EXPECT_FALSE(q->HasExtension(10));
    EXPECT_EQ(q->GetExtension<MidExtension>(9), "0");
    EXPECT_EQ(q->GetExtension<TransportSequenceNumberExtension>(4), 300);
    EXPECT_EQ(q->ExtensionCount(), 4u);
  }

  // Clear whatever a consumer did not negotiate, then remap the rest.
  RtpExtensionIdMap consumer{};
  consumer[2] = 4;
  consumer[4] = 5;
  consumer[9] = 1;
  EXPECT_EQ(p->ClearUnmappedExtensions(consumer), 1u);  // id 3 (10 is already gone)
  ASSERT_TRUE(p->RemapExtensionIds(consumer));
  EXPECT_EQ(p->ExtensionCount(), 3u);
  EXPECT_EQ(p->GetExtension<MidExtension>(1), "0");

  // Shared-packet pattern: restore the saved block afterwards.
  ASSERT_TRUE(p->RestoreExtensionBlock(saved));
  EXPECT_EQ(buf, Copy(test::kChromeVp8KeyFrame));
  EXPECT_EQ(p->ExtensionCount(), 5u);
  EXPECT_EQ(p->GetExtension<RtpStreamIdExtension>(10), "r0");
  EXPECT_FALSE(p->RestoreExtensionBlock(std::span<const uint8_t>(saved).first(4)));
}

TEST(RtpPacketTest, ForEachExtensionInWireOrder) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  const auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  std::vector<std::pair<int, std::size_t>> seen;
  p->ForEachExtension([&](uint8_t id, std::span<uint8_t> v) { seen.emplace_back(id, v.size()); });
  EXPECT_EQ(seen, (std::vector<std::pair<int, std::size_t>>{{2, 3}, {3, 1}, {4, 2}, {9, 1}, {10, 2}}));
}

TEST(RtpPacketTest, TrimPayloadFront) {
  RtpSpec s;
  s.payload = {0xAB, 0xCD, 1, 2, 3};
  s.padding = 3;
  auto buf = BuildRtp(s);
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->TrimPayloadFront(6));
  ASSERT_TRUE(p->TrimPayloadFront(2));
  EXPECT_EQ(p->Data().data(), buf.data() + 2);
  EXPECT_EQ(p->Size(), buf.size() - 2);
  EXPECT_EQ(p->SequenceNumber(), s.seq);
  EXPECT_EQ(p->Ssrc(), s.ssrc);
  ASSERT_EQ(p->PayloadSize(), 3u);
  EXPECT_EQ(p->Payload()[0], 1);
  EXPECT_EQ(p->PaddingSize(), 3u);
  auto reparsed = RtpPacket::Parse(p->Data());
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(reparsed->PayloadSize(), 3u);
}

TEST(RtpPacketTest, ParseAndPerConsumerRewriteDoNotAllocate) {
  auto buf = Copy(test::kChromeVp8KeyFrame);
  RtpExtensionIdMap map = IdentityMap();
  map[2] = 4;
  map[4] = 2;
  test::AllocationScope scope;
  for (int i = 0; i < 10; ++i) {
    auto p = RtpPacket::Parse(buf);
    ASSERT_TRUE(p);
    p->SetSsrc(1);
    p->SetSequenceNumber(2);
    p->SetTimestamp(3);
    p->SetPayloadType(101);
    ASSERT_TRUE(p->RemapExtensionIds(map));
    ASSERT_TRUE(p->SetExtension<TransportSequenceNumberExtension>(2, static_cast<uint16_t>(i)));
    ASSERT_TRUE(p->SetExtension<MidExtension>(9, "7"));
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
