#pragma once
// NTP timestamps as used by RTCP (RFC 3550 §4, §6.4.1): 64-bit fixed point, 32 bits of
// seconds since 1900-01-01 and 32 bits of fraction; the "compact" form is the middle 32
// bits (16.16 fixed point), used by LSR/DLSR in report blocks.
#include <cstdint>

namespace tr::media {

// Seconds between 1900-01-01 (NTP era 0) and 1970-01-01 (Unix epoch).
inline constexpr uint64_t kNtpUnixEpochOffsetSeconds = 2208988800ull;

struct NtpTime {
  uint32_t seconds = 0;
  uint32_t fraction = 0;

  constexpr uint64_t ToU64() const { return (uint64_t{seconds} << 32) | fraction; }
  static constexpr NtpTime FromU64(uint64_t v) {
    return {static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)};
  }
  // Middle 32 bits: 16 bits of seconds, 16 bits of fraction (RFC 3550 LSR).
  constexpr uint32_t ToCompact() const { return (seconds << 16) | (fraction >> 16); }
  constexpr bool operator==(const NtpTime&) const = default;
};

// Wall clock in microseconds since the Unix epoch -> NTP (valid until NTP era 0 wraps in
// 2036; values then wrap modulo 2^32 seconds as the protocol expects).
NtpTime NtpFromUnixMicros(int64_t unix_us);
// NTP -> microseconds since the Unix epoch (era 0), rounded to the nearest microsecond.
int64_t UnixMicrosFromNtp(NtpTime ntp);

// A duration in compact NTP units (1/65536 s) <-> microseconds. Used for DLSR and for the
// round-trip time `now_compact - LSR - DLSR` (RFC 3550 §6.4.1).
uint32_t CompactNtpFromMicros(int64_t duration_us);
int64_t MicrosFromCompactNtp(uint32_t compact);

}  // namespace tr::media
