#include "media/common/ntp_time.h"

namespace tr::media {

namespace {
constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr uint64_t kFractionsPerSecond = uint64_t{1} << 32;
}  // namespace

NtpTime NtpFromUnixMicros(int64_t unix_us) {
  // Floor division so that times before 1970 still land on the right second.
  int64_t secs = unix_us / kMicrosPerSecond;
  int64_t rem_us = unix_us % kMicrosPerSecond;
  if (rem_us < 0) {
    rem_us += kMicrosPerSecond;
    --secs;
  }
  const uint64_t ntp_secs = static_cast<uint64_t>(secs) + kNtpUnixEpochOffsetSeconds;
  // rem_us < 10^6, so rem_us * 2^32 fits in 53 bits; round to the nearest fraction.
  const uint64_t fraction =
      (static_cast<uint64_t>(rem_us) * kFractionsPerSecond + kMicrosPerSecond / 2) /
      kMicrosPerSecond;
  if (fraction >= kFractionsPerSecond) {
    return {static_cast<uint32_t>(ntp_secs + 1), 0};
  }
  return {static_cast<uint32_t>(ntp_secs), static_cast<uint32_t>(fraction)};
}

int64_t UnixMicrosFromNtp(NtpTime ntp) {
  const int64_t secs =
      static_cast<int64_t>(ntp.seconds) - static_cast<int64_t>(kNtpUnixEpochOffsetSeconds);
  const int64_t frac_us = static_cast<int64_t>(
      (uint64_t{ntp.fraction} * kMicrosPerSecond + kFractionsPerSecond / 2) >> 32);
  return secs * kMicrosPerSecond + frac_us;
}

uint32_t CompactNtpFromMicros(int64_t duration_us) {
  if (duration_us <= 0) {
    return 0;
  }
  // 2^32 compact units would be 65536 s; saturate instead of wrapping.
  constexpr int64_t kMaxUs = int64_t{65535} * kMicrosPerSecond;
  if (duration_us >= kMaxUs) {
    return 0xFFFFFFFFu;
  }
  return static_cast<uint32_t>(
      (static_cast<uint64_t>(duration_us) * 65536u + kMicrosPerSecond / 2) / kMicrosPerSecond);
}

int64_t MicrosFromCompactNtp(uint32_t compact) {
  return static_cast<int64_t>((uint64_t{compact} * kMicrosPerSecond + 32768u) >> 16);
}

}  // namespace tr::media
