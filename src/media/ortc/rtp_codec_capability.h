#pragma once
// RtpCodecCapability (mediasoup RtpParameters.ts): one codec a router or an endpoint can
// handle, with its preferred payload type. RTX is its own entry ("video/rtx", apt = PT of
// the media codec).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "media/ortc/media_kind.h"
#include "media/ortc/parameter_map.h"
#include "media/ortc/rtcp_feedback.h"

namespace tr::media::ortc {

struct RtpCodecCapability {
  MediaKind kind = MediaKind::kAudio;  // always the mimeType's kind
  std::string mime_type;               // "audio/opus", "video/VP8", "video/rtx"
  std::optional<uint8_t> preferred_payload_type;
  uint32_t clock_rate = 0;
  std::optional<uint8_t> channels;  // audio only (defaults to 1); never set for video
  ParameterMap parameters;
  std::vector<RtcpFeedback> rtcp_feedback;

  // `kind`, if given, must agree with the mimeType.
  static RtpCodecCapability FromJson(const Json& json, const std::string& path = "codec");
  Json ToJson() const;
  bool IsRtx() const;
  bool operator==(const RtpCodecCapability&) const = default;
};

}  // namespace tr::media::ortc
