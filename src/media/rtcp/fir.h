#pragma once
// Full Intra Request (RFC 5104 §4.3.1): PT 206 (PSFB), FMT 4. The media-source SSRC of the
// common header is unused (0); each 8-byte FCI entry names an SSRC and a command sequence
// number, which the sender increments for every new request.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t sequence_number = 0;
  bool operator==(const FirEntry&) const = default;
};

class Fir {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kPayloadFeedback;
  static constexpr uint8_t kFmt = 4;

  // nullopt unless PSFB FMT 4 with at least one whole FCI entry.
  static std::optional<Fir> Parse(const RtcpPacket& packet);

  uint32_t SenderSsrc() const { return ReadU32(body_.data()); }
  std::size_t EntryCount() const { return (body_.size() - 8) / 8; }
  FirEntry Entry(std::size_t index) const;  // index < EntryCount()

  static constexpr std::size_t BuildSize(std::size_t entries) { return 12 + 8 * entries; }
  // 0 if `entries` is empty or `out` too small.
  static std::size_t Build(std::span<uint8_t> out,
                           uint32_t sender_ssrc,
                           std::span<const FirEntry> entries);

 private:
  std::span<const uint8_t> body_;
};

}  // namespace tr::media
