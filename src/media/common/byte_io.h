#pragma once
// Big-endian (network order) loads and stores for wire formats.
//
// Every wire field in the media plane is read and written through these helpers: a memcpy
// into a native integer plus a byte swap, which compilers turn into one load/store and one
// `bswap`/`movbe`. No struct overlays, no reinterpret_cast, no alignment assumptions.
//
// The pointer forms are unchecked: the caller has already checked that the bytes exist
// (parsers check every length before moving their cursor). The span forms take an offset
// and assert the bound in debug builds.
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace tr::media {

namespace byte_io_internal {

inline uint16_t FromBig(uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    return __builtin_bswap16(v);
  } else {
    return v;
  }
}
inline uint32_t FromBig(uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    return __builtin_bswap32(v);
  } else {
    return v;
  }
}
inline uint64_t FromBig(uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    return __builtin_bswap64(v);
  } else {
    return v;
  }
}

}  // namespace byte_io_internal

// ---- Loads from a raw pointer (caller guarantees the bytes exist). ----

inline uint8_t ReadU8(const uint8_t* p) { return *p; }

inline uint16_t ReadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return byte_io_internal::FromBig(v);
}

inline uint32_t ReadU24(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 16) | (static_cast<uint32_t>(p[1]) << 8) |
         static_cast<uint32_t>(p[2]);
}

inline uint32_t ReadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return byte_io_internal::FromBig(v);
}

inline uint64_t ReadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return byte_io_internal::FromBig(v);
}

// A 24-bit two's complement field (RTCP cumulative lost, TWCC reference time).
inline int32_t ReadS24(const uint8_t* p) {
  const uint32_t v = ReadU24(p);
  return static_cast<int32_t>(v ^ 0x800000u) - 0x800000;
}

// ---- Stores to a raw pointer (caller guarantees the bytes exist). ----

inline void WriteU8(uint8_t* p, uint8_t v) { *p = v; }

inline void WriteU16(uint8_t* p, uint16_t v) {
  v = byte_io_internal::FromBig(v);
  std::memcpy(p, &v, sizeof(v));
}

// Writes the low 24 bits of `v`.
inline void WriteU24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}

inline void WriteU32(uint8_t* p, uint32_t v) {
  v = byte_io_internal::FromBig(v);
  std::memcpy(p, &v, sizeof(v));
}

inline void WriteU64(uint8_t* p, uint64_t v) {
  v = byte_io_internal::FromBig(v);
  std::memcpy(p, &v, sizeof(v));
}

// Writes a signed value as 24-bit two's complement; the caller clamps to the range.
inline void WriteS24(uint8_t* p, int32_t v) { WriteU24(p, static_cast<uint32_t>(v) & 0xFFFFFFu); }

// ---- Span forms: `offset` is where the field starts; the bound is asserted. ----

inline uint8_t ReadU8(std::span<const uint8_t> s, std::size_t offset) {
  assert(offset + 1 <= s.size());
  return s[offset];
}
inline uint16_t ReadU16(std::span<const uint8_t> s, std::size_t offset) {
  assert(offset + 2 <= s.size());
  return ReadU16(s.data() + offset);
}
inline uint32_t ReadU24(std::span<const uint8_t> s, std::size_t offset) {
  assert(offset + 3 <= s.size());
  return ReadU24(s.data() + offset);
}
inline uint32_t ReadU32(std::span<const uint8_t> s, std::size_t offset) {
  assert(offset + 4 <= s.size());
  return ReadU32(s.data() + offset);
}
inline uint64_t ReadU64(std::span<const uint8_t> s, std::size_t offset) {
  assert(offset + 8 <= s.size());
  return ReadU64(s.data() + offset);
}

inline void WriteU8(std::span<uint8_t> s, std::size_t offset, uint8_t v) {
  assert(offset + 1 <= s.size());
  s[offset] = v;
}
inline void WriteU16(std::span<uint8_t> s, std::size_t offset, uint16_t v) {
  assert(offset + 2 <= s.size());
  WriteU16(s.data() + offset, v);
}
inline void WriteU24(std::span<uint8_t> s, std::size_t offset, uint32_t v) {
  assert(offset + 3 <= s.size());
  WriteU24(s.data() + offset, v);
}
inline void WriteU32(std::span<uint8_t> s, std::size_t offset, uint32_t v) {
  assert(offset + 4 <= s.size());
  WriteU32(s.data() + offset, v);
}
inline void WriteU64(std::span<uint8_t> s, std::size_t offset, uint64_t v) {
  assert(offset + 8 <= s.size());
  WriteU64(s.data() + offset, v);
}

// ---- Text <-> bytes. The only reinterpret_casts of the media plane live here: char and
// uint8_t may alias each other, so viewing one as the other is well defined. ----

inline std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}
inline std::string_view AsStringView(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Rounds `n` up to a multiple of 4 (STUN attributes, RTCP packets, RTP extension blocks).
constexpr std::size_t PadTo4(std::size_t n) { return (n + 3) & ~static_cast<std::size_t>(3); }

}  // namespace tr::media
