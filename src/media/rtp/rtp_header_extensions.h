#pragma once
// Typed RTP header extensions that Chromium sends (and that the SFU rewrites), as traits for
// RtpPacket::GetExtension<Ext>(id) / SetExtension<Ext>(id, value).
//
// Each traits type has: `Value`, `kUri` (the SDP extmap URI), `Parse(span) -> optional`,
// `ValueSize(value)`, `Write(span, value) -> bool` (span size == ValueSize(value)). The ids
// are negotiated per transport: never hard-code them, take them from rtpParameters.
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "media/common/byte_io.h"

namespace tr::media {

namespace rtp_ext_internal {
// SDES-like string values: bytes up to the first NUL (libwebrtc tolerates NUL padding).
inline std::optional<std::string_view> ParseString(std::span<const uint8_t> v) {
  std::size_t n = 0;
  while (n < v.size() && v[n] != 0) {
    ++n;
  }
  if (n == 0) {
    return std::nullopt;
  }
  return AsStringView(v.first(n));
}
inline bool WriteString(std::span<uint8_t> out, std::string_view s) {
  if (out.size() != s.size()) {
    return false;
  }
  if (!s.empty()) {
    std::memcpy(out.data(), s.data(), s.size());
  }
  return true;
}
}  // namespace rtp_ext_internal

// RFC 8843 §15: the media identification (BUNDLE MID) of the m-section.
struct MidExtension {
  using Value = std::string_view;
  static constexpr std::string_view kUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
  static std::optional<Value> Parse(std::span<const uint8_t> v) {
    return rtp_ext_internal::ParseString(v);
  }
  static std::size_t ValueSize(Value v) { return v.size(); }
  static bool Write(std::span<uint8_t> out, Value v) { return rtp_ext_internal::WriteString(out, v); }
};

// RFC 8852 §3.1: RtpStreamId (simulcast "rid").
struct RtpStreamIdExtension {
  using Value = std::string_view;
  static constexpr std::string_view kUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
  static std::optional<Value> Parse(std::span<const uint8_t> v) {
    return rtp_ext_internal::ParseString(v);
  }
  static std::size_t ValueSize(Value v) { return v.size(); }
  static bool Write(std::span<uint8_t> out, Value v) { return rtp_ext_internal::WriteString(out, v); }
};

// RFC 8852 §3.2: RepairedRtpStreamId (the rid an RTX stream repairs).
struct RepairedRtpStreamIdExtension {
  using Value = std::string_view;
  static constexpr std::string_view kUri =
      "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
  static std::optional<Value> Parse(std::span<const uint8_t> v) {
    return rtp_ext_internal::ParseString(v);
  }
  static std::size_t ValueSize(Value v) { return v.size(); }
  static bool Write(std::span<uint8_t> out, Value v) { return rtp_ext_internal::WriteString(out, v); }
};

// RFC 6464: client-to-mixer audio level. One byte: V (voice activity) bit and the level in
// -dBov (0 = loudest, 127 = silence).
struct AudioLevel {
  bool voice_activity = false;
  uint8_t level = 127;
  bool operator==(const AudioLevel&) const = default;
};
struct AudioLevelExtension {
  using Value = AudioLevel;
  static constexpr std::string_view kUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  static std::optional<Value> Parse(std::span<const uint8_t> v) {
    if (v.empty()) {
      return std::nullopt;
    }
    return AudioLevel{(v[0] & 0x80) != 0, static_cast<uint8_t>(v[0] & 0x7F)};
  }
  static std::size_t ValueSize(const Value&) { return 1; }
  static bool Write(std::span<uint8_t> out, const Value& v) {
    if (out.size() != 1 || v.level > 127) {
      return false;
    }
    out[0] = static_cast<uint8_t>((v.voice_activity ? 0x80 : 0x00) | v.level);
    return true;
  }
};

// abs-send-time (webrtc.org experiment used by REMB): 24-bit 6.18 fixed-point seconds of
// the sender's clock, wrapping every 64 s.
struct AbsSendTimeExtension {
  using Value = uint32_t;
  static constexpr std::string_view kUri =
      "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
  static std::optional<Value> Parse(std::span<const uint8_t> v) {
    if (v.size() != 3) {
      return std::nullopt;
    }
    return ReadU24(v.data());
  }
  static std::size_t ValueSize(Value) { return 3; }
  static bool Write(std::span<uint8_t> out, Value v) {
    if (out.size() != 3 || v > 0xFFFFFFu) {
      return false;
    }
    WriteU24(out.data(), v);
    return true;
  }
  // A clock in microseconds -> 6.18 value (modulo 64 s), rounded to nearest.
  static constexpr uint32_t FromMicros(int64_t time_us) {
    constexpr int64_t kWrapUs = 64'000'000;
    int64_t t = time_us % kWrapUs;
    if (t < 0) {
      t += kWrapUs;
    }
    return static_cast<uint32_t>(((static_cast<uint64_t>(t) << 18) + 500'000) / 1'000'000) &
           0xFFFFFFu;
  }
  // 6.18 value -> microseconds within the 64 s window, rounded to nearest.
  static constexpr int64_t ToMicros(uint32_t value) {
    return static_cast<int64_t>(((uint64_t{value & 0xFFFFFFu} * 1'000'000) + (1u << 17)) >> 18);
  }
};

// draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: transport-wide sequence number
// (16 bits, one counter per transport across all SSRCs). The -02 variant's optional two
// extra bytes (feedback request) are tolerated and ignored on read.
struct TransportSequenceNumberExtension {
  using Value = uint16_t;
  static constexpr std::string_view kUri =
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  static std::optional<Value> Parse(std::span<const uint8_t> v) {
    if (v.size() != 2 && v.size() != 4) {
      return std::nullopt;
    }
    return ReadU16(v.data());
  }
  static std::size_t ValueSize(Value) { return 2; }
  static bool Write(std::span<uint8_t> out, Value v) {
    if (out.size() != 2) {
      return false;
    }
    WriteU16(out.data(), v);
    return true;
  }
};

}  // namespace tr::media
