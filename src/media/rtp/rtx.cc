#include "media/rtp/rtx.h"

#include <cstring>

#include "media/common/byte_io.h"

namespace tr::media {

std::optional<uint16_t> RtxOriginalSequenceNumber(const RtpPacket& rtx) {
  if (rtx.PayloadSize() < 2) {
    return std::nullopt;
  }
  return ReadU16(rtx.Payload().data());
}

std::size_t BuildRtxPacket(const RtpPacket& original,
                           uint8_t rtx_payload_type,
                           uint32_t rtx_ssrc,
                           uint16_t rtx_sequence_number,
                           std::span<uint8_t> out) {
  const std::size_t header = original.HeaderSize();
  const std::size_t payload = original.PayloadSize();
  const std::size_t total = header + 2 + payload;
  if (rtx_payload_type > 127 || out.size() < total) {
    return 0;
  }
  uint8_t* p = out.data();
  std::memcpy(p, original.Data().data(), header);
  p[0] = static_cast<uint8_t>(p[0] & ~0x20u);  // no padding
  p[1] = static_cast<uint8_t>((p[1] & 0x80u) | rtx_payload_type);
  WriteU16(p + 2, rtx_sequence_number);
  WriteU32(p + 8, rtx_ssrc);
  WriteU16(p + header, original.SequenceNumber());
  if (payload > 0) {
    std::memcpy(p + header + 2, original.Payload().data(), payload);
  }
  return total;
}

bool RtxDecodeInPlace(RtpPacket& rtx, uint8_t original_payload_type, uint32_t original_ssrc) {
  const std::optional<uint16_t> osn = RtxOriginalSequenceNumber(rtx);
  if (!osn || original_payload_type > 127) {
    return false;
  }
  rtx.TrimPayloadFront(2);
  rtx.SetSequenceNumber(*osn);
  rtx.SetPayloadType(original_payload_type);
  rtx.SetSsrc(original_ssrc);
  return true;
}

}  // namespace tr::media
