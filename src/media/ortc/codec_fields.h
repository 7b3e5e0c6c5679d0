#pragma once
// Fields shared by RtpCodecCapability and RtpCodecParameters (internal): mimeType,
// clockRate, channels, parameters and rtcpFeedback, validated and normalized the way
// mediasoup's validateRtpCodecCapability / validateRtpCodecParameters do: the kind comes from
// the mimeType, `channels` defaults to 1 for audio and is dropped for video, an RTX codec
// needs a numeric `apt`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "media/ortc/media_kind.h"
#include "media/ortc/parameter_map.h"
#include "media/ortc/rtcp_feedback.h"

namespace tr::media::ortc {

inline constexpr int64_t kMaxClockRate = 1'000'000;
inline constexpr int64_t kMaxChannels = 8;

struct CodecFields {
  std::string mime_type;
  MediaKind kind = MediaKind::kAudio;
  uint32_t clock_rate = 0;
  std::optional<uint8_t> channels;
  ParameterMap parameters;
  std::vector<RtcpFeedback> rtcp_feedback;
};

CodecFields CodecFieldsFromJson(const Json& json, const std::string& path);
// Adds mimeType, clockRate, channels (if set), parameters and rtcpFeedback to `out`.
void CodecFieldsToJson(const std::string& mime_type, uint32_t clock_rate,
                       const std::optional<uint8_t>& channels, const ParameterMap& parameters,
                       const std::vector<RtcpFeedback>& rtcp_feedback, Json& out);
// The `apt` of an RTX codec (validated when parsed); nullopt for other codecs.
std::optional<uint8_t> RtxApt(const std::string& mime_type, const ParameterMap& parameters);

}  // namespace tr::media::ortc
