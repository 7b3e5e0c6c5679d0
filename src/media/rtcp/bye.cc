#include "media/rtcp/bye.h"

#include <cstring>

#include "media/common/byte_io.h"

namespace tr::media {

std::optional<Bye> Bye::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  const std::size_t count = packet.Count();
  if (body.size() < 4 * count) {
    return std::nullopt;
  }
  Bye bye;
  bye.body_ = body;
  bye.count_ = count;
  const std::size_t pos = 4 * count;
  if (body.size() > pos) {
    const std::size_t len = body[pos];
    if (len > body.size() - pos - 1) {
      return std::nullopt;
    }
    bye.reason_ = AsStringView(body.subspan(pos + 1, len));
  }
  return bye;
}

uint32_t Bye::Ssrc(std::size_t index) const { return ReadU32(body_.data() + 4 * index); }

std::size_t Bye::BuildSize(std::size_t ssrcs, std::string_view reason) {
  return RtcpPacket::kHeaderSize + 4 * ssrcs + (reason.empty() ? 0 : PadTo4(1 + reason.size()));
}

std::size_t Bye::Build(std::span<uint8_t> out,
                       std::span<const uint32_t> ssrcs,
                       std::string_view reason) {
  if (ssrcs.size() > kMaxSsrcs || reason.size() > 255) {
    return 0;
  }
  const std::size_t size = BuildSize(ssrcs.size(), reason);
  if (out.size() < size) {
    return 0;
  }
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(ssrcs.size()), kPacketType, size);
  std::size_t pos = RtcpPacket::kHeaderSize;
  for (uint32_t ssrc : ssrcs) {
    WriteU32(p + pos, ssrc);
    pos += 4;
  }
  if (!reason.empty()) {
    p[pos] = static_cast<uint8_t>(reason.size());
    std::memcpy(p + pos + 1, reason.data(), reason.size());
    std::memset(p + pos + 1 + reason.size(), 0, size - (pos + 1 + reason.size()));
  }
  return size;
}

}  // namespace tr::media
