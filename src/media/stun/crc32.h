#pragma once
// CRC-32 (ISO-HDLC / IEEE 802.3, reflected polynomial 0xEDB88320), the checksum behind the
// STUN FINGERPRINT attribute (RFC 8489 §14.7). Table driven, no allocation.
#include <cstdint>
#include <span>

namespace tr::media {

// CRC-32 of `data`. To checksum in pieces pass the previous result as `crc`:
// Crc32(b, Crc32(a)) == Crc32(a ++ b).
uint32_t Crc32(std::span<const uint8_t> data, uint32_t crc = 0);

}  // namespace tr::media
