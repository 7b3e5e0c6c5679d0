#include "media/ortc/codec_matching.h"

#include "media/ortc/h264_profile_level_id.h"
#include "media/ortc/mime_type.h"

namespace tr::media::ortc {

CodecView ViewOf(const RtpCodecCapability& codec) {
  return CodecView{codec.mime_type, codec.clock_rate, codec.channels, codec.parameters};
}

CodecView ViewOf(const RtpCodecParameters& codec) {
  return CodecView{codec.mime_type, codec.clock_rate, codec.channels, codec.parameters};
}

bool MatchCodecs(const CodecView& a, const CodecView& b, CodecMatchMode mode,
                 std::optional<std::string>* h264_answer_profile_level_id) {
  if (!MimeTypeEquals(a.mime_type, b.mime_type) || a.clock_rate != b.clock_rate ||
      a.channels != b.channels) {
    return false;
  }
  if (mode == CodecMatchMode::kLoose) {
    return true;
  }
  if (MimeTypeEquals(a.mime_type, "video/H264")) {
    const auto a_mode = IntegerParameter(a.parameters, "packetization-mode", 0);
    const auto b_mode = IntegerParameter(b.parameters, "packetization-mode", 0);
    if (!a_mode || !b_mode || *a_mode != *b_mode) {
      return false;
    }
    std::optional<std::string> answer;
    if (!H264ProfileLevelIdForAnswer(a.parameters, b.parameters, &answer)) {
      return false;
    }
    if (h264_answer_profile_level_id != nullptr) {
      *h264_answer_profile_level_id = std::move(answer);
    }
    return true;
  }
  if (MimeTypeEquals(a.mime_type, "video/VP9")) {
    const auto a_profile = IntegerParameter(a.parameters, "profile-id", 0);
    const auto b_profile = IntegerParameter(b.parameters, "profile-id", 0);
    return a_profile && b_profile && *a_profile == *b_profile;
  }
  return true;
}

}  // namespace tr::media::ortc
