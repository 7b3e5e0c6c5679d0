#include "media/ortc/rtp_codec_capability.h"

#include "media/ortc/codec_fields.h"
#include "media/ortc/json_fields.h"
#include "media/ortc/mime_type.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtpCodecCapability RtpCodecCapability::FromJson(const Json& json, const std::string& path) {
  CodecFields f = CodecFieldsFromJson(json, path);
  RtpCodecCapability codec;
  if (const Json* kind = jf::Find(json, "kind")) {
    const std::string kind_path = jf::Member(path, "kind");
    if (MediaKindFromJson(*kind, kind_path) != f.kind) {
      jf::Fail(kind_path, "does not match mimeType");
    }
  }
  codec.kind = f.kind;
  codec.mime_type = std::move(f.mime_type);
  if (const Json* pt = jf::Find(json, "preferredPayloadType")) {
    codec.preferred_payload_type =
        static_cast<uint8_t>(jf::GetInteger(*pt, jf::Member(path, "preferredPayloadType"), 0, 127));
  }
  codec.clock_rate = f.clock_rate;
  codec.channels = f.channels;
  codec.parameters = std::move(f.parameters);
  codec.rtcp_feedback = std::move(f.rtcp_feedback);
  return codec;
}

Json RtpCodecCapability::ToJson() const {
  Json out = Json::object();
  out["kind"] = MediaKindName(kind);
  if (preferred_payload_type) {
    out["preferredPayloadType"] = *preferred_payload_type;
  }
  CodecFieldsToJson(mime_type, clock_rate, channels, parameters, rtcp_feedback, out);
  return out;
}

bool RtpCodecCapability::IsRtx() const { return IsRtxMimeType(mime_type); }

}  // namespace tr::media::ortc
