#include "media/ortc/rtp_codec_parameters.h"

#include "media/ortc/codec_fields.h"
#include "media/ortc/json_fields.h"
#include "media/ortc/mime_type.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtpCodecParameters RtpCodecParameters::FromJson(const Json& json, const std::string& path) {
  CodecFields f = CodecFieldsFromJson(json, path);
  RtpCodecParameters codec;
  codec.mime_type = std::move(f.mime_type);
  codec.payload_type = static_cast<uint8_t>(jf::GetInteger(
      jf::Require(json, "payloadType", path), jf::Member(path, "payloadType"), 0, 127));
  codec.clock_rate = f.clock_rate;
  codec.channels = f.channels;
  codec.parameters = std::move(f.parameters);
  codec.rtcp_feedback = std::move(f.rtcp_feedback);
  return codec;
}

Json RtpCodecParameters::ToJson() const {
  Json out = Json::object();
  out["payloadType"] = payload_type;
  CodecFieldsToJson(mime_type, clock_rate, channels, parameters, rtcp_feedback, out);
  return out;
}

MediaKind RtpCodecParameters::Kind() const {
  return MimeTypeKind(mime_type).value_or(MediaKind::kAudio);
}

bool RtpCodecParameters::IsRtx() const { return IsRtxMimeType(mime_type); }

std::optional<uint8_t> RtpCodecParameters::Apt() const { return RtxApt(mime_type, parameters); }

}  // namespace tr::media::ortc
