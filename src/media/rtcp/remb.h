#pragma once
// Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03): an application
// layer feedback message, PT 206 (PSFB), FMT 15, identified by the ASCII "REMB".
//
//   header | SSRC of packet sender | SSRC of media source (0) | 'R' 'E' 'M' 'B' |
//   Num SSRC (8) | BR Exp (6) | BR Mantissa (18) | SSRC feedback ... (Num SSRC times)
//
// bitrate (bps) = mantissa * 2^exp.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

class Remb {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kPayloadFeedback;
  static constexpr uint8_t kFmt = 15;
  static constexpr std::size_t kMaxSsrcs = 255;

  // nullopt unless PSFB FMT 15 with the "REMB" identifier, Num SSRC entries that fit, and
  // a bitrate that fits 64 bits. (Other FMT 15 application messages are not REMB.)
  static std::optional<Remb> Parse(const RtcpPacket& packet);

  uint32_t SenderSsrc() const { return ReadU32(body_.data()); }
  uint64_t Bitrate() const { return bitrate_; }
  std::size_t SsrcCount() const { return body_[12]; }
  uint32_t Ssrc(std::size_t index) const { return ReadU32(body_.data() + 16 + 4 * index); }

  static constexpr std::size_t BuildSize(std::size_t ssrcs) { return 20 + 4 * ssrcs; }
  // Encodes `bitrate_bps` with the smallest exponent whose mantissa fits 18 bits (rounding
  // down). 0 if more than 255 SSRCs or `out` too small.
  static std::size_t Build(std::span<uint8_t> out,
                           uint32_t sender_ssrc,
                           uint64_t bitrate_bps,
                           std::span<const uint32_t> ssrcs);

 private:
  std::span<const uint8_t> body_;
  uint64_t bitrate_ = 0;
};

}  // namespace tr::media
