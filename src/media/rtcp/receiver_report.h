#pragma once
// RTCP Receiver Report (RFC 3550 §6.4.2, PT 201): header(RC) | SSRC of packet sender |
// RC report blocks | profile-specific extensions (ignored).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/rtcp/report_block.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

class ReceiverReport {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kReceiverReport;
  static constexpr std::size_t kMaxReportBlocks = 31;

  // nullopt unless PT 201 with room for the sender SSRC and RC report blocks.
  static std::optional<ReceiverReport> Parse(const RtcpPacket& packet);

  uint32_t SenderSsrc() const;
  std::size_t ReportBlockCount() const { return count_; }
  ReportBlock GetReportBlock(std::size_t index) const;  // index < ReportBlockCount()

  static constexpr std::size_t BuildSize(std::size_t blocks) {
    return RtcpPacket::kHeaderSize + 4 + blocks * ReportBlock::kSize;
  }
  // Writes an RR (zero blocks is valid: an empty RR starts a compound when nothing was
  // received); 0 if more than 31 blocks or `out` is too small.
  static std::size_t Build(std::span<uint8_t> out,
                           uint32_t sender_ssrc,
                           std::span<const ReportBlock> blocks = {});

 private:
  std::span<const uint8_t> body_;
  std::size_t count_ = 0;
};

}  // namespace tr::media
