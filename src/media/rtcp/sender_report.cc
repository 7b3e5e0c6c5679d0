#include "media/rtcp/sender_report.h"

#include "media/common/byte_io.h"

namespace tr::media {

std::optional<SenderReport> SenderReport::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  const std::size_t count = packet.Count();
  if (body.size() < kSenderInfoSize + count * ReportBlock::kSize) {
    return std::nullopt;
  }
  SenderReport sr;
  sr.body_ = body;
  sr.count_ = count;
  return sr;
}

uint32_t SenderReport::SenderSsrc() const { return ReadU32(body_.data()); }

SenderInfo SenderReport::Info() const {
  const uint8_t* p = body_.data();
  SenderInfo info;
  info.sender_ssrc = ReadU32(p);
  info.ntp = {ReadU32(p + 4), ReadU32(p + 8)};
  info.rtp_timestamp = ReadU32(p + 12);
  info.packet_count = ReadU32(p + 16);
  info.octet_count = ReadU32(p + 20);
  return info;
}

ReportBlock SenderReport::GetReportBlock(std::size_t index) const {
  return ReportBlock::Read(body_.data() + kSenderInfoSize + index * ReportBlock::kSize);
}

std::size_t SenderReport::Build(std::span<uint8_t> out,
                                const SenderInfo& info,
                                std::span<const ReportBlock> blocks) {
  const std::size_t size = BuildSize(blocks.size());
  if (blocks.size() > kMaxReportBlocks || out.size() < size) {
    return 0;
  }
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(blocks.size()), kPacketType, size);
  WriteU32(p + 4, info.sender_ssrc);
  WriteU32(p + 8, info.ntp.seconds);
  WriteU32(p + 12, info.ntp.fraction);
  WriteU32(p + 16, info.rtp_timestamp);
  WriteU32(p + 20, info.packet_count);
  WriteU32(p + 24, info.octet_count);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].Write(p + 28 + i * ReportBlock::kSize);
  }
  return size;
}

}  // namespace tr::media
