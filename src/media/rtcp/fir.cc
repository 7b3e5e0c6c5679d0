#include "media/rtcp/fir.h"

#include <cstring>

namespace tr::media {

std::optional<Fir> Fir::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType || packet.Fmt() != kFmt) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  if (body.size() < 16 || (body.size() - 8) % 8 != 0) {
    return std::nullopt;
  }
  Fir fir;
  fir.body_ = body;
  return fir;
}

FirEntry Fir::Entry(std::size_t index) const {
  const uint8_t* p = body_.data() + 8 + 8 * index;
  return {ReadU32(p), p[4]};
}

std::size_t Fir::Build(std::span<uint8_t> out,
                       uint32_t sender_ssrc,
                       std::span<const FirEntry> entries) {
  const std::size_t size = BuildSize(entries.size());
  if (entries.empty() || out.size() < size || size > 4 * 0x10000) {
    return 0;
  }
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmt, kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteU32(p + 8, 0);  // media source SSRC: unused (RFC 5104 §4.3.1.2)
  for (std::size_t i = 0; i < entries.size(); ++i) {
    uint8_t* e = p + 12 + 8 * i;
    WriteU32(e, entries[i].ssrc);
    e[4] = entries[i].sequence_number;
    std::memset(e + 5, 0, 3);
  }
  return size;
}

}  // namespace tr::media
