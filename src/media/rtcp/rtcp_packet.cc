#include "media/rtcp/rtcp_packet.h"

#include "media/common/byte_io.h"

namespace tr::media {

bool RtcpPacket::IsRtcp(std::span<const uint8_t> data) {
  return data.size() >= kHeaderSize && (data[0] & 0xC0) == 0x80 && data[1] >= 192 &&
         data[1] <= 223;
}

std::optional<RtcpPacket> RtcpPacket::Parse(std::span<const uint8_t> data) {
  if (data.size() < kHeaderSize || (data[0] & 0xC0) != 0x80) {
    return std::nullopt;
  }
  const std::size_t size = (std::size_t{ReadU16(data.data() + 2)} + 1) * 4;
  if (size > data.size()) {
    return std::nullopt;
  }
  RtcpPacket p;
  p.data_ = data.first(size);
  if ((data[0] & 0x20) != 0) {
    const std::size_t padding = data[size - 1];
    if (padding == 0 || padding > size - kHeaderSize) {
      return std::nullopt;
    }
    p.padding_ = padding;
  }
  return p;
}

bool RtcpCompoundIterator::Next(RtcpPacket* out) {
  if (rest_.empty() || failed_) {
    return false;
  }
  const std::optional<RtcpPacket> p = RtcpPacket::Parse(rest_);
  if (!p) {
    failed_ = true;
    return false;
  }
  rest_ = rest_.subspan(p->Size());
  *out = *p;
  return true;
}

bool RtcpCompoundIterator::Validate(std::span<const uint8_t> compound) {
  if (compound.empty()) {
    return false;
  }
  RtcpCompoundIterator it(compound);
  RtcpPacket p;
  while (it.Next(&p)) {
  }
  return !it.Failed();
}

void WriteRtcpHeader(uint8_t* out, uint8_t count_or_fmt, uint8_t type, std::size_t packet_size) {
  out[0] = static_cast<uint8_t>(0x80 | (count_or_fmt & 0x1F));
  out[1] = type;
  WriteU16(out + 2, static_cast<uint16_t>(packet_size / 4 - 1));
}

}  // namespace tr::media
