#pragma once
// RTCP Goodbye (RFC 3550 §6.6, PT 203): SC SSRC/CSRCs and an optional reason (length +
// text, padded to 32 bits).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

class Bye {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kBye;
  static constexpr std::size_t kMaxSsrcs = 31;

  // nullopt unless PT 203 with SC SSRCs and, if present, a reason that fits.
  static std::optional<Bye> Parse(const RtcpPacket& packet);

  std::size_t SsrcCount() const { return count_; }
  uint32_t Ssrc(std::size_t index) const;  // index < SsrcCount()
  std::string_view Reason() const { return reason_; }

  static std::size_t BuildSize(std::size_t ssrcs, std::string_view reason);
  // 0 if more than 31 SSRCs, a reason above 255 bytes, or `out` too small.
  static std::size_t Build(std::span<uint8_t> out,
                           std::span<const uint32_t> ssrcs,
                           std::string_view reason = {});

 private:
  std::span<const uint8_t> body_;
  std::size_t count_ = 0;
  std::string_view reason_;
};

}  // namespace tr::media
