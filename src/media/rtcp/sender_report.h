#pragma once
// RTCP Sender Report (RFC 3550 §6.4.1, PT 200).
//
//   header(RC) | SSRC of sender | NTP ts msw | NTP ts lsw | RTP ts | packet count |
//   octet count | RC report blocks | profile-specific extensions (ignored)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/common/ntp_time.h"
#include "media/rtcp/report_block.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

struct SenderInfo {
  uint32_t sender_ssrc = 0;
  NtpTime ntp;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
  bool operator==(const SenderInfo&) const = default;
};

class SenderReport {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kSenderReport;
  static constexpr std::size_t kMaxReportBlocks = 31;
  static constexpr std::size_t kSenderInfoSize = 24;  // sender SSRC + 20 bytes

  // nullopt unless PT 200 with room for the sender info and RC report blocks.
  static std::optional<SenderReport> Parse(const RtcpPacket& packet);

  SenderInfo Info() const;
  uint32_t SenderSsrc() const;
  std::size_t ReportBlockCount() const { return count_; }
  ReportBlock GetReportBlock(std::size_t index) const;  // index < ReportBlockCount()

  static constexpr std::size_t BuildSize(std::size_t blocks) {
    return RtcpPacket::kHeaderSize + kSenderInfoSize + blocks * ReportBlock::kSize;
  }
  // Writes an SR; 0 if more than 31 blocks or `out` is too small.
  static std::size_t Build(std::span<uint8_t> out,
                           const SenderInfo& info,
                           std::span<const ReportBlock> blocks = {});

 private:
  std::span<const uint8_t> body_;
  std::size_t count_ = 0;
};

}  // namespace tr::media
