#include "media/rtp/rtp_header_extensions.h"

#include <gtest/gtest.h>

#include <array>

namespace tr::media {
namespace {

TEST(RtpHeaderExtensionsTest, AbsSendTimeConversions) {
  EXPECT_EQ(AbsSendTimeExtension::FromMicros(0), 0u);
  EXPECT_EQ(AbsSendTimeExtension::FromMicros(1'000'000), 1u << 18);
  EXPECT_EQ(AbsSendTimeExtension::FromMicros(1'500'000), 3u << 17);
  EXPECT_EQ(AbsSendTimeExtension::FromMicros(64'000'000), 0u);  // wraps every 64 s
  EXPECT_EQ(AbsSendTimeExtension::FromMicros(65'000'000), 1u << 18);
  EXPECT_EQ(AbsSendTimeExtension::FromMicros(-1'000'000), 63u << 18);
  EXPECT_EQ(AbsSendTimeExtension::ToMicros(1u << 18), 1'000'000);
  for (int64_t us : {0LL, 3LL, 12'345LL, 999'999LL, 33'333'333LL, 63'999'990LL}) {
    const int64_t back = AbsSendTimeExtension::ToMicros(AbsSendTimeExtension::FromMicros(us));
    EXPECT_LE(std::abs(back - us), 3) << us;  // resolution is 3.8 us
  }
  std::array<uint8_t, 3> v{};
  ASSERT_TRUE(AbsSendTimeExtension::Write(v, 0x123456));
  EXPECT_EQ(v, (std::array<uint8_t, 3>{0x12, 0x34, 0x56}));
  EXPECT_EQ(AbsSendTimeExtension::Parse(v), 0x123456u);
  EXPECT_FALSE(AbsSendTimeExtension::Parse(std::span<const uint8_t>(v).first(2)));
}

TEST(RtpHeaderExtensionsTest, AudioLevel) {
  const uint8_t loud_voice[] = {0x80};
  const uint8_t silence[] = {0x7F};
  EXPECT_EQ(AudioLevelExtension::Parse(loud_voice), (AudioLevel{true, 0}));
  EXPECT_EQ(AudioLevelExtension::Parse(silence), (AudioLevel{false, 127}));
  EXPECT_FALSE(AudioLevelExtension::Parse({}));
  std::array<uint8_t, 1> out{};
  ASSERT_TRUE(AudioLevelExtension::Write(out, AudioLevel{true, 42}));
  EXPECT_EQ(out[0], 0x80 | 42);
  EXPECT_FALSE(AudioLevelExtension::Write(out, AudioLevel{false, 128}));
}

TEST(RtpHeaderExtensionsTest, TransportSequenceNumber) {
  const uint8_t v2[] = {0xAB, 0xCD};
  const uint8_t v4[] = {0xAB, 0xCD, 0x80, 0x01};  // -02 variant with feedback request
  const uint8_t v3[] = {0xAB, 0xCD, 0x00};
  EXPECT_EQ(TransportSequenceNumberExtension::Parse(v2), 0xABCD);
  EXPECT_EQ(TransportSequenceNumberExtension::Parse(v4), 0xABCD);
  EXPECT_FALSE(TransportSequenceNumberExtension::Parse(v3));
}

TEST(RtpHeaderExtensionsTest, StringExtensions) {
  const uint8_t mid[] = {'a', 'u', 'd', 'i', 'o'};
  const uint8_t nul_padded[] = {'r', '1', 0, 0};
  const uint8_t empty_nul[] = {0};
  EXPECT_EQ(MidExtension::Parse(mid), "audio");
  EXPECT_EQ(RtpStreamIdExtension::Parse(nul_padded), "r1");
  EXPECT_FALSE(RepairedRtpStreamIdExtension::Parse(empty_nul));
  EXPECT_FALSE(MidExtension::Parse({}));
  EXPECT_EQ(MidExtension::kUri, "urn:ietf:params:rtp-hdrext:sdes:mid");
}

}  // namespace
}  // namespace tr::media
