#pragma once
// RtpCodecParameters (mediasoup RtpParameters.ts): a codec actually negotiated for one
// producer or consumer, with its payload type.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "media/ortc/media_kind.h"
#include "media/ortc/parameter_map.h"
#include "media/ortc/rtcp_feedback.h"

namespace tr::media::ortc {

struct RtpCodecParameters {
  std::string mime_type;
  uint8_t payload_type = 0;
  uint32_t clock_rate = 0;
  std::optional<uint8_t> channels;  // audio only (defaults to 1); never set for video
  ParameterMap parameters;
  std::vector<RtcpFeedback> rtcp_feedback;

  static RtpCodecParameters FromJson(const Json& json, const std::string& path = "codec");
  Json ToJson() const;
  MediaKind Kind() const;  // from mimeType (validated when parsed)
  bool IsRtx() const;
  // RTX only: the associated media payload type.
  std::optional<uint8_t> Apt() const;
  bool operator==(const RtpCodecParameters&) const = default;
};

}  // namespace tr::media::ortc
