#pragma once
// Codec matching as mediasoup (node ortc.ts matchCodecs) and mediasoup-client do it, so the
// router, the producer and the consumer agree on what "the same codec" is:
// mimeType (case-insensitive), clockRate and channels equal; when strict, also
//   H.264: same packetization-mode (default 0) and same profile (profile-level-id, default
//          42e01f), with a negotiable level (H264ProfileLevelIdForAnswer);
//   VP9:   same profile-id (default 0).
#include <cstdint>
#include <optional>
#include <string>

#include "media/ortc/parameter_map.h"
#include "media/ortc/rtp_codec_capability.h"
#include "media/ortc/rtp_codec_parameters.h"

namespace tr::media::ortc {

// The parts of a codec that matching looks at.
struct CodecView {
  const std::string& mime_type;
  uint32_t clock_rate;
  const std::optional<uint8_t>& channels;
  const ParameterMap& parameters;
};

CodecView ViewOf(const RtpCodecCapability& codec);
CodecView ViewOf(const RtpCodecParameters& codec);

enum class CodecMatchMode { kLoose, kStrict };

// For strict H.264 matches, `h264_answer_profile_level_id` (optional) receives the
// profile-level-id negotiated with `a` as the local side (empty when neither side has one);
// mediasoup writes it back into the producer's codec parameters.
bool MatchCodecs(const CodecView& a, const CodecView& b, CodecMatchMode mode,
                 std::optional<std::string>* h264_answer_profile_level_id = nullptr);

}  // namespace tr::media::ortc
