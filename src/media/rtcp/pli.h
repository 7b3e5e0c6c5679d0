#pragma once
// Picture Loss Indication (RFC 4585 §6.3.1): PT 206 (PSFB), FMT 1, no FCI.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

class Pli {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kPayloadFeedback;
  static constexpr uint8_t kFmt = 1;
  static constexpr std::size_t kSize = 12;

  // nullopt unless PSFB FMT 1 with both SSRCs (extra bytes are ignored).
  static std::optional<Pli> Parse(const RtcpPacket& packet);

  uint32_t SenderSsrc() const { return ReadU32(body_.data()); }
  uint32_t MediaSsrc() const { return ReadU32(body_.data() + 4); }

  // 12 bytes, or 0 if `out` is smaller.
  static std::size_t Build(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc);

 private:
  std::span<const uint8_t> body_;
};

}  // namespace tr::media
