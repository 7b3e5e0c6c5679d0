#pragma once
// RTCP Source Description (RFC 3550 §6.5, PT 202): SC chunks, each an SSRC followed by
// items (type, length, text) ended by a null octet and zero padding to 32 bits.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

class Sdes {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kSdes;
  static constexpr uint8_t kCname = 1;
  static constexpr std::size_t kMaxChunks = 31;

  struct CnameChunk {
    uint32_t ssrc = 0;
    std::string_view cname;  // at most 255 bytes
  };

  // Validates all SC chunks (each with its null terminator and padding inside the packet);
  // trailing bytes after the last chunk are ignored.
  static std::optional<Sdes> Parse(const RtcpPacket& packet);

  std::size_t ChunkCount() const { return count_; }
  // Calls f(ssrc, item_type, value) for every item of every chunk, in order.
  template <typename F>
  void ForEachItem(F&& f) const;
  // The first CNAME given for `ssrc`.
  std::optional<std::string_view> Cname(uint32_t ssrc) const;

  static std::size_t BuildSize(std::span<const CnameChunk> chunks);
  // One chunk with one CNAME item per entry; 0 if more than 31 chunks, a CNAME longer than
  // 255 bytes, or `out` too small.
  static std::size_t BuildCname(std::span<uint8_t> out, std::span<const CnameChunk> chunks);
  static std::size_t BuildCname(std::span<uint8_t> out, uint32_t ssrc, std::string_view cname);

 private:
  std::span<const uint8_t> body_;
  std::size_t count_ = 0;
};

template <typename F>
void Sdes::ForEachItem(F&& f) const {
  std::size_t pos = 0;
  for (std::size_t c = 0; c < count_; ++c) {
    const uint32_t ssrc = ReadU32(body_.data() + pos);
    pos += 4;
    while (body_[pos] != 0) {  // Parse() checked every item and terminator
      const uint8_t type = body_[pos];
      const std::size_t len = body_[pos + 1];
      f(ssrc, type, AsStringView(body_.subspan(pos + 2, len)));
      pos += 2 + len;
    }
    pos = PadTo4(pos + 1);
  }
}

}  // namespace tr::media
