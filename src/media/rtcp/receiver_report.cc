#include "media/rtcp/receiver_report.h"

#include "media/common/byte_io.h"

namespace tr::media {

std::optional<ReceiverReport> ReceiverReport::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  const std::size_t count = packet.Count();
  if (body.size() < 4 + count * ReportBlock::kSize) {
    return std::nullopt;
  }
  ReceiverReport rr;
  rr.body_ = body;
  rr.count_ = count;
  return rr;
}

uint32_t ReceiverReport::SenderSsrc() const { return ReadU32(body_.data()); }

ReportBlock ReceiverReport::GetReportBlock(std::size_t index) const {
  return ReportBlock::Read(body_.data() + 4 + index * ReportBlock::kSize);
}

std::size_t ReceiverReport::Build(std::span<uint8_t> out,
                                  uint32_t sender_ssrc,
                                  std::span<const ReportBlock> blocks) {
  const std::size_t size = BuildSize(blocks.size());
  if (blocks.size() > kMaxReportBlocks || out.size() < size) {
    return 0;
  }
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(blocks.size()), kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].Write(p + 8 + i * ReportBlock::kSize);
  }
  return size;
}

}  // namespace tr::media
