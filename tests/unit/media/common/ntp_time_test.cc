#include "media/common/ntp_time.h"

#include <gtest/gtest.h>

namespace tr::media {
namespace {

TEST(NtpTimeTest, UnixEpochAndFractions) {
  EXPECT_EQ(NtpFromUnixMicros(0), (NtpTime{2208988800u, 0}));
  EXPECT_EQ(NtpFromUnixMicros(500'000), (NtpTime{2208988800u, 0x80000000u}));
  EXPECT_EQ(NtpFromUnixMicros(1'250'000), (NtpTime{2208988801u, 0x40000000u}));
  EXPECT_EQ(NtpFromUnixMicros(-500'000), (NtpTime{2208988799u, 0x80000000u}));
  EXPECT_EQ(UnixMicrosFromNtp(NtpTime{2208988801u, 0x40000000u}), 1'250'000);
}

TEST(NtpTimeTest, RoundTripIsExactToTheMicrosecond) {
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{999'999}, int64_t{1'764'129'753'123'456},
                     int64_t{1'000'000'000'000'001}}) {
    EXPECT_EQ(UnixMicrosFromNtp(NtpFromUnixMicros(us)), us) << us;
  }
}

TEST(NtpTimeTest, CompactAndU64Forms) {
  const NtpTime t{0x12345678u, 0x9ABCDEF0u};
  EXPECT_EQ(t.ToCompact(), 0x56789ABCu);
  EXPECT_EQ(t.ToU64(), 0x123456789ABCDEF0ull);
  EXPECT_EQ(NtpTime::FromU64(0x123456789ABCDEF0ull), t);
}

TEST(NtpTimeTest, CompactDurations) {
  EXPECT_EQ(CompactNtpFromMicros(1'000'000), 65536u);
  EXPECT_EQ(CompactNtpFromMicros(1'500'000), 98304u);
  EXPECT_EQ(CompactNtpFromMicros(-5), 0u);
  EXPECT_EQ(CompactNtpFromMicros(int64_t{100'000} * 1'000'000), 0xFFFFFFFFu);
  EXPECT_EQ(MicrosFromCompactNtp(65536), 1'000'000);
  EXPECT_EQ(MicrosFromCompactNtp(98304), 1'500'000);
  // RTT example: now - LSR - DLSR in compact units.
  const uint32_t lsr = NtpFromUnixMicros(10'000'000).ToCompact();
  const uint32_t now = NtpFromUnixMicros(10'250'000).ToCompact();
  const uint32_t dlsr = CompactNtpFromMicros(200'000);
  EXPECT_NEAR(static_cast<double>(MicrosFromCompactNtp(now - lsr - dlsr)), 50'000.0, 30.0);
}

}  // namespace
}  // namespace tr::media
