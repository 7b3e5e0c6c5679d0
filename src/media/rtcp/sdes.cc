#include "media/rtcp/sdes.h"

#include <cstring>

namespace tr::media {

std::optional<Sdes> Sdes::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  const std::size_t n = body.size();
  const std::size_t count = packet.Count();
  std::size_t pos = 0;
  for (std::size_t c = 0; c < count; ++c) {
    if (n - pos < 4) {
      return std::nullopt;
    }
    pos += 4;  // SSRC/CSRC
    for (;;) {
      if (pos >= n) {
        return std::nullopt;  // no terminating null item
      }
      if (body[pos] == 0) {
        break;
      }
      if (n - pos < 2 || body[pos + 1] > n - pos - 2) {
        return std::nullopt;
      }
      pos += 2u + body[pos + 1];
    }
    pos = PadTo4(pos + 1);  // the null octet, then padding to the next 32-bit boundary
    if (pos > n) {
      return std::nullopt;
    }
  }
  Sdes sdes;
  sdes.body_ = body;
  sdes.count_ = count;
  return sdes;
}

std::optional<std::string_view> Sdes::Cname(uint32_t ssrc) const {
  std::optional<std::string_view> result;
  ForEachItem([&](uint32_t item_ssrc, uint8_t type, std::string_view value) {
    if (!result && item_ssrc == ssrc && type == kCname) {
      result = value;
    }
  });
  return result;
}

std::size_t Sdes::BuildSize(std::span<const CnameChunk> chunks) {
  std::size_t size = RtcpPacket::kHeaderSize;
  for (const CnameChunk& c : chunks) {
    size += PadTo4(4 + 2 + c.cname.size() + 1);
  }
  return size;
}

std::size_t Sdes::BuildCname(std::span<uint8_t> out, std::span<const CnameChunk> chunks) {
  if (chunks.size() > kMaxChunks) {
    return 0;
  }
  for (const CnameChunk& c : chunks) {
    if (c.cname.size() > 255) {
      return 0;
    }
  }
  const std::size_t size = BuildSize(chunks);
  if (out.size() < size) {
    return 0;
  }
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(chunks.size()), kPacketType, size);
  std::size_t pos = RtcpPacket::kHeaderSize;
  for (const CnameChunk& c : chunks) {
    const std::size_t chunk_end = pos + PadTo4(4 + 2 + c.cname.size() + 1);
    WriteU32(p + pos, c.ssrc);
    p[pos + 4] = kCname;
    p[pos + 5] = static_cast<uint8_t>(c.cname.size());
    if (!c.cname.empty()) {
      std::memcpy(p + pos + 6, c.cname.data(), c.cname.size());
    }
    const std::size_t terminator = pos + 6 + c.cname.size();
    std::memset(p + terminator, 0, chunk_end - terminator);  // null item + padding
    pos = chunk_end;
  }
  return size;
}

std::size_t Sdes::BuildCname(std::span<uint8_t> out, uint32_t ssrc, std::string_view cname) {
  const CnameChunk chunk{ssrc, cname};
  return BuildCname(out, std::span<const CnameChunk>(&chunk, 1));
}

}  // namespace tr::media
