#pragma once
// RtpEncodingParameters (mediasoup RtpParameters.ts): one RTP stream of a producer or
// consumer. Chrome via mediasoup-client sends either {ssrc, rtx: {ssrc}} (parsed from its
// SDP offer) or, for simulcast, {rid: "r0".., scalabilityMode: "L1T3", ...} without SSRCs.
// Absent optionals are omitted from ToJson().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"

namespace tr::media::ortc {

// RFC 8851 rid-id is 1*(ALPHA / DIGIT / "-" / "_"); 16 bytes fit a one-byte header
// extension element (RFC 8285 §4.2).
inline constexpr std::size_t kMaxRidLength = 16;
inline constexpr double kMaxScaleResolutionDownBy = 256.0;
inline constexpr double kMaxFramerate = 1000.0;
inline constexpr int kMaxSpatialLayers = 4;
inline constexpr int kMaxTemporalLayers = 8;

// W3C RTCPriorityType.
enum class RtcPriority { kVeryLow, kLow, kMedium, kHigh };
std::string_view RtcPriorityName(RtcPriority priority);
std::optional<RtcPriority> ParseRtcPriority(std::string_view text);

struct RtxParameters {
  uint32_t ssrc = 0;
  bool operator==(const RtxParameters&) const = default;
};

struct RtpEncodingParameters {
  std::optional<uint32_t> ssrc;               // 1..2^32-1
  std::optional<std::string> rid;             // RID simulcast
  std::optional<uint8_t> codec_payload_type;  // media codec of this encoding
  std::optional<RtxParameters> rtx;
  std::optional<bool> dtx;
  std::optional<std::string> scalability_mode;  // validated by ParseScalabilityMode
  std::optional<double> scale_resolution_down_by;
  std::optional<uint32_t> max_bitrate;  // bps
  std::optional<double> max_framerate;
  std::optional<bool> adaptive_ptime;
  std::optional<RtcPriority> priority;
  std::optional<RtcPriority> network_priority;
  std::optional<bool> active;  // mediasoup-client adds `active: true` to given encodings

  static RtpEncodingParameters FromJson(const Json& json, const std::string& path = "encoding");
  Json ToJson() const;
  bool operator==(const RtpEncodingParameters&) const = default;
};

bool IsValidRid(std::string_view rid);

}  // namespace tr::media::ortc
