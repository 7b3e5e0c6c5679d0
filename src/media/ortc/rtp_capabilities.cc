#include "media/ortc/rtp_capabilities.h"

#include <set>

#include "media/ortc/codec_fields.h"
#include "media/ortc/json_fields.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtpCapabilities RtpCapabilities::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtpCapabilities caps;
  if (const Json* codecs = jf::Find(json, "codecs")) {
    const std::string codecs_path = jf::Member(path, "codecs");
    jf::GetArray(*codecs, codecs_path, kMaxCapabilityCodecs);
    caps.codecs.reserve(codecs->size());
    std::set<uint8_t> payload_types;
    for (std::size_t i = 0; i < codecs->size(); ++i) {
      const std::string codec_path = jf::Element(codecs_path, i);
      caps.codecs.push_back(RtpCodecCapability::FromJson((*codecs)[i], codec_path));
      const auto& pt = caps.codecs.back().preferred_payload_type;
      if (pt && !payload_types.insert(*pt).second) {
        jf::Fail(jf::Member(codec_path, "preferredPayloadType"),
                 "duplicated payload type " + std::to_string(*pt));
      }
    }
  }
  if (const Json* exts = jf::Find(json, "headerExtensions")) {
    const std::string exts_path = jf::Member(path, "headerExtensions");
    jf::GetArray(*exts, exts_path, kMaxCapabilityHeaderExtensions);
    caps.header_extensions.reserve(exts->size());
    for (std::size_t i = 0; i < exts->size(); ++i) {
      caps.header_extensions.push_back(
          RtpHeaderExtension::FromJson((*exts)[i], jf::Element(exts_path, i)));
    }
  }
  return caps;
}

Json RtpCapabilities::ToJson() const {
  Json codecs_json = Json::array();
  for (const auto& codec : codecs) {
    codecs_json.push_back(codec.ToJson());
  }
  Json exts_json = Json::array();
  for (const auto& ext : header_extensions) {
    exts_json.push_back(ext.ToJson());
  }
  return Json{{"codecs", std::move(codecs_json)}, {"headerExtensions", std::move(exts_json)}};
}

const RtpCodecCapability* RtpCapabilities::FindCodecByPayloadType(
    uint8_t preferred_payload_type) const {
  for (const auto& codec : codecs) {
    if (codec.preferred_payload_type == preferred_payload_type) {
      return &codec;
    }
  }
  return nullptr;
}

const RtpCodecCapability* RtpCapabilities::FindRtxCodec(uint8_t media_payload_type) const {
  for (const auto& codec : codecs) {
    if (RtxApt(codec.mime_type, codec.parameters) == media_payload_type) {
      return &codec;
    }
  }
  return nullptr;
}

const RtpHeaderExtension* RtpCapabilities::FindHeaderExtension(MediaKind kind,
                                                               std::string_view uri) const {
  for (const auto& ext : header_extensions) {
    if (ext.kind == kind && ext.uri == uri) {
      return &ext;
    }
  }
  return nullptr;
}

}  // namespace tr::media::ortc
