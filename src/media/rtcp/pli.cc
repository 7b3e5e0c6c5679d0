#include "media/rtcp/pli.h"

namespace tr::media {

std::optional<Pli> Pli::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType || packet.Fmt() != kFmt || packet.Body().size() < 8) {
    return std::nullopt;
  }
  Pli pli;
  pli.body_ = packet.Body();
  return pli;
}

std::size_t Pli::Build(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc) {
  if (out.size() < kSize) {
    return 0;
  }
  WriteRtcpHeader(out.data(), kFmt, kPacketType, kSize);
  WriteU32(out.data() + 4, sender_ssrc);
  WriteU32(out.data() + 8, media_ssrc);
  return kSize;
}

}  // namespace tr::media
