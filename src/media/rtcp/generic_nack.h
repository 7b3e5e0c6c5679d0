#pragma once
// Generic NACK (RFC 4585 §6.2.1): transport-layer feedback, PT 205 (RTPFB), FMT 1.
//
//   header | SSRC of packet sender | SSRC of media source | FCI: (PID 16 | BLP 16) ...
//
// Each FCI item reports PID lost and, for every set bit i of BLP, PID + i + 1 lost.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

struct NackItem {
  uint16_t pid = 0;
  uint16_t blp = 0;
  bool operator==(const NackItem&) const = default;
};

class GenericNack {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kRtpFeedback;
  static constexpr uint8_t kFmt = 1;
  static constexpr std::size_t kCommonSize = 12;  // header + two SSRCs

  // nullopt unless RTPFB FMT 1 with at least one whole FCI item.
  static std::optional<GenericNack> Parse(const RtcpPacket& packet);

  uint32_t SenderSsrc() const { return ReadU32(body_.data()); }
  uint32_t MediaSsrc() const { return ReadU32(body_.data() + 4); }
  std::size_t ItemCount() const { return (body_.size() - 8) / 4; }
  NackItem Item(std::size_t index) const;  // index < ItemCount()

  // Number of sequence numbers reported (PIDs plus BLP bits; duplicates counted).
  std::size_t LostPacketCount() const;
  // Writes the reported sequence numbers in item order into `out`, at most out.size();
  // returns how many were written.
  std::size_t LostSequenceNumbers(std::span<uint16_t> out) const;
  // Calls f(uint16_t seq) for every reported sequence number, in item order.
  template <typename F>
  void ForEachLost(F&& f) const;

  // FCI items the packing of `lost` needs (see Build).
  static std::size_t ItemsNeeded(std::span<const uint16_t> lost);
  // Packs `lost` (ascending in wraparound order; duplicates are skipped) into the fewest
  // FCI items: each item takes the next unreported number as PID and every following
  // number within PID+1..PID+16 as a BLP bit. Returns the packet size; 0 if `lost` is
  // empty or `out` cannot hold one item. If `consumed` is null everything must fit (else 0);
  // otherwise as many items as fit are written and *consumed tells how many entries of
  // `lost` they cover, so the caller can send the rest in another packet.
  static std::size_t Build(std::span<uint8_t> out,
                           uint32_t sender_ssrc,
                           uint32_t media_ssrc,
                           std::span<const uint16_t> lost,
                           std::size_t* consumed = nullptr);

 private:
  std::span<const uint8_t> body_;
};

template <typename F>
void GenericNack::ForEachLost(F&& f) const {
  const std::size_t items = ItemCount();
  for (std::size_t i = 0; i < items; ++i) {
    const NackItem item = Item(i);
    f(item.pid);
    for (int bit = 0; bit < 16; ++bit) {
      if ((item.blp >> bit) & 1u) {
        f(static_cast<uint16_t>(item.pid + bit + 1));
      }
    }
  }
}

}  // namespace tr::media
