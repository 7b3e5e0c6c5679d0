#pragma once
// Opus RTP payload (RFC 7587): no payload header and no key frames; every packet is
// independently decodable as far as a router is concerned.
#include <cstdint>
#include <span>

namespace tr::media {

class OpusPayload {
 public:
  static constexpr bool IsKeyFrame(std::span<const uint8_t>) { return false; }
};

}  // namespace tr::media
