#include "media/rtcp/remb.h"

namespace tr::media {

namespace {
constexpr uint32_t kRembIdentifier = 0x52454D42;  // "REMB"
constexpr uint32_t kMaxMantissa = 0x3FFFF;        // 18 bits
}  // namespace

std::optional<Remb> Remb::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType || packet.Fmt() != kFmt) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  if (body.size() < 16 || ReadU32(body.data() + 8) != kRembIdentifier) {
    return std::nullopt;
  }
  const std::size_t ssrcs = body[12];
  if (body.size() < 16 + 4 * ssrcs) {
    return std::nullopt;
  }
  const uint8_t exponent = body[13] >> 2;
  const uint64_t mantissa = ReadU24(body.data() + 13) & kMaxMantissa;
  if (exponent > 46 && mantissa != 0) {  // 18 + 46 = 64 bits
    return std::nullopt;
  }
  Remb remb;
  remb.body_ = body;
  remb.bitrate_ = mantissa << exponent;
  return remb;
}

std::size_t Remb::Build(std::span<uint8_t> out,
                        uint32_t sender_ssrc,
                        uint64_t bitrate_bps,
                        std::span<const uint32_t> ssrcs) {
  const std::size_t size = BuildSize(ssrcs.size());
  if (ssrcs.size() > kMaxSsrcs || out.size() < size) {
    return 0;
  }
  uint32_t exponent = 0;
  while ((bitrate_bps >> exponent) > kMaxMantissa) {
    ++exponent;
  }
  const auto mantissa = static_cast<uint32_t>(bitrate_bps >> exponent);
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmt, kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteU32(p + 8, 0);
  WriteU32(p + 12, kRembIdentifier);
  p[16] = static_cast<uint8_t>(ssrcs.size());
  WriteU24(p + 17, (exponent << 18) | mantissa);
  for (std::size_t i = 0; i < ssrcs.size(); ++i) {
    WriteU32(p + 20 + 4 * i, ssrcs[i]);
  }
  return size;
}

}  // namespace tr::media
