#pragma once
// RTCP reception report block (RFC 3550 §6.4.1), 24 bytes, carried by SR and RR.
#include <cstddef>
#include <cstdint>

namespace tr::media {

struct ReportBlock {
  static constexpr std::size_t kSize = 24;
  // Cumulative lost is a 24-bit signed field.
  static constexpr int32_t kMaxCumulativeLost = 0x7FFFFF;
  static constexpr int32_t kMinCumulativeLost = -0x800000;

  uint32_t ssrc = 0;                   // source this block reports on
  uint8_t fraction_lost = 0;           // 8-bit fixed point, 1/256 units
  int32_t cumulative_lost = 0;         // clamped to 24 bits on write
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;                 // RTP timestamp units
  uint32_t last_sr = 0;                // compact NTP of the last SR received (LSR)
  uint32_t delay_since_last_sr = 0;    // 1/65536 s (DLSR)

  // `p` points at kSize readable / writable bytes.
  static ReportBlock Read(const uint8_t* p);
  void Write(uint8_t* p) const;

  bool operator==(const ReportBlock&) const = default;
};

}  // namespace tr::media
