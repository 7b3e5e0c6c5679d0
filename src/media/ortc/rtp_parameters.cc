#include "media/ortc/rtp_parameters.h"

#include <set>

#include "media/ortc/json_fields.h"
#include "media/ortc/mime_type.h"
#include "media/ortc/rtp_header_extension.h"

namespace tr::media::ortc {

namespace jf = json_fields;

bool IsValidMid(std::string_view mid) {
  return !mid.empty() && mid.size() <= kMaxMidLength && jf::IsTokenText(mid);
}

RtpParameters RtpParameters::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtpParameters p;

  if (const Json* mid = jf::Find(json, "mid")) {
    const std::string mid_path = jf::Member(path, "mid");
    p.mid = jf::GetString(*mid, mid_path, 1, kMaxMidLength);
    if (!IsValidMid(*p.mid)) {
      jf::Fail(mid_path, "invalid characters");
    }
  }

  const std::string codecs_path = jf::Member(path, "codecs");
  const Json& codecs =
      jf::GetArray(jf::Require(json, "codecs", path), codecs_path, kMaxParameterCodecs);
  p.codecs.reserve(codecs.size());
  for (std::size_t i = 0; i < codecs.size(); ++i) {
    p.codecs.push_back(RtpCodecParameters::FromJson(codecs[i], jf::Element(codecs_path, i)));
  }

  if (const Json* exts = jf::Find(json, "headerExtensions")) {
    const std::string exts_path = jf::Member(path, "headerExtensions");
    jf::GetArray(*exts, exts_path, kMaxParameterHeaderExtensions);
    p.header_extensions.reserve(exts->size());
    for (std::size_t i = 0; i < exts->size(); ++i) {
      p.header_extensions.push_back(
          RtpHeaderExtensionParameters::FromJson((*exts)[i], jf::Element(exts_path, i)));
    }
  }

  if (const Json* encodings = jf::Find(json, "encodings")) {
    const std::string encodings_path = jf::Member(path, "encodings");
    jf::GetArray(*encodings, encodings_path, kMaxEncodings);
    p.encodings.reserve(encodings->size());
    for (std::size_t i = 0; i < encodings->size(); ++i) {
      p.encodings.push_back(
          RtpEncodingParameters::FromJson((*encodings)[i], jf::Element(encodings_path, i)));
    }
  }

  if (const Json* rtcp = jf::Find(json, "rtcp")) {
    p.rtcp = RtcpParameters::FromJson(*rtcp, jf::Member(path, "rtcp"));
  }

  if (const Json* msid = jf::Find(json, "msid")) {
    const std::string msid_path = jf::Member(path, "msid");
    p.msid = jf::GetString(*msid, msid_path, 1, kMaxMsidLength);
    if (!jf::IsPrintableText(*p.msid)) {
      jf::Fail(msid_path, "must not contain control characters");
    }
  }

  p.ValidateStructure(path);
  return p;
}

Json RtpParameters::ToJson() const {
  Json out = Json::object();
  if (mid) {
    out["mid"] = *mid;
  }
  Json codecs_json = Json::array();
  for (const auto& codec : codecs) {
    codecs_json.push_back(codec.ToJson());
  }
  out["codecs"] = std::move(codecs_json);
  Json exts_json = Json::array();
  for (const auto& ext : header_extensions) {
    exts_json.push_back(ext.ToJson());
  }
  out["headerExtensions"] = std::move(exts_json);
  Json encodings_json = Json::array();
  for (const auto& encoding : encodings) {
    encodings_json.push_back(encoding.ToJson());
  }
  out["encodings"] = std::move(encodings_json);
  out["rtcp"] = rtcp.ToJson();
  if (msid) {
    out["msid"] = *msid;
  }
  return out;
}

void RtpParameters::ValidateStructure(const std::string& path) const {
  if (mid && !IsValidMid(*mid)) {
    jf::Fail(jf::Member(path, "mid"), "invalid");
  }

  const std::string codecs_path = jf::Member(path, "codecs");
  if (codecs.empty()) {
    jf::Fail(codecs_path, "must not be empty");
  }
  if (codecs.size() > kMaxParameterCodecs) {
    jf::Fail(codecs_path, "too many entries");
  }
  std::set<uint8_t> payload_types;
  bool has_media_codec = false;
  for (std::size_t i = 0; i < codecs.size(); ++i) {
    const auto& codec = codecs[i];
    const std::string codec_path = jf::Element(codecs_path, i);
    if (!MimeTypeKind(codec.mime_type)) {
      jf::Fail(jf::Member(codec_path, "mimeType"), "invalid");
    }
    if (codec.payload_type > 127) {
      jf::Fail(jf::Member(codec_path, "payloadType"), "must be an integer in [0, 127]");
    }
    if (codec.clock_rate == 0) {
      jf::Fail(jf::Member(codec_path, "clockRate"), "must not be 0");
    }
    if (!payload_types.insert(codec.payload_type).second) {
      jf::Fail(jf::Member(codec_path, "payloadType"),
               "duplicated payload type " + std::to_string(codec.payload_type));
    }
    if (!codec.IsRtx()) {
      has_media_codec = true;
      continue;
    }
    const auto apt = codec.Apt();
    const std::string apt_path = jf::Member(jf::Member(codec_path, "parameters"), "apt");
    if (!apt) {
      jf::Fail(apt_path, "missing or invalid (required for RTX)");
    }
    const RtpCodecParameters* associated = FindCodec(*apt);
    if (associated == nullptr) {
      jf::Fail(apt_path,
               "points to a non existing codec (payload type " + std::to_string(*apt) + ")");
    }
    if (associated->IsRtx()) {
      jf::Fail(apt_path, "points to an RTX codec");
    }
  }
  if (!has_media_codec) {
    jf::Fail(codecs_path, "no media codec");
  }

  const std::string exts_path = jf::Member(path, "headerExtensions");
  if (header_extensions.size() > kMaxParameterHeaderExtensions) {
    jf::Fail(exts_path, "too many entries");
  }
  std::set<uint8_t> ids;
  std::set<std::string_view> ext_uris;
  for (std::size_t i = 0; i < header_extensions.size(); ++i) {
    const auto& ext = header_extensions[i];
    const std::string ext_path = jf::Element(exts_path, i);
    if (ext.id == 0) {
      jf::Fail(jf::Member(ext_path, "id"), "must not be 0");
    }
    if (!ids.insert(ext.id).second) {
      jf::Fail(jf::Member(ext_path, "id"), "duplicated id " + std::to_string(ext.id));
    }
    if (ext.uri.empty() || ext.uri.size() > kMaxHeaderExtensionUriLength) {
      jf::Fail(jf::Member(ext_path, "uri"), "invalid");
    }
    if (!ext_uris.insert(ext.uri).second) {
      jf::Fail(jf::Member(ext_path, "uri"), "duplicated uri");
    }
  }

  const std::string encodings_path = jf::Member(path, "encodings");
  if (encodings.size() > kMaxEncodings) {
    jf::Fail(encodings_path, "must have at most " + std::to_string(kMaxEncodings) + " entries");
  }
  for (std::size_t i = 0; i < encodings.size(); ++i) {
    const auto& encoding = encodings[i];
    const std::string encoding_path = jf::Element(encodings_path, i);
    if (encoding.rid && !IsValidRid(*encoding.rid)) {
      jf::Fail(jf::Member(encoding_path, "rid"), "invalid");
    }
    if (encoding.ssrc && *encoding.ssrc == 0) {
      jf::Fail(jf::Member(encoding_path, "ssrc"), "must not be 0");
    }
    if (encoding.rtx && encoding.rtx->ssrc == 0) {
      jf::Fail(jf::Member(jf::Member(encoding_path, "rtx"), "ssrc"), "must not be 0");
    }
    if (encoding.codec_payload_type) {
      const RtpCodecParameters* codec = FindCodec(*encoding.codec_payload_type);
      if (codec == nullptr || codec->IsRtx()) {
        jf::Fail(jf::Member(encoding_path, "codecPayloadType"), "must name a media codec");
      }
    }
  }

  if (rtcp.cname && rtcp.cname->size() > kMaxCnameLength) {
    jf::Fail(jf::Member(jf::Member(path, "rtcp"), "cname"), "too long");
  }
}

const RtpCodecParameters* RtpParameters::FindCodec(uint8_t payload_type) const {
  for (const auto& codec : codecs) {
    if (codec.payload_type == payload_type) {
      return &codec;
    }
  }
  return nullptr;
}

const RtpCodecParameters* RtpParameters::FindRtxCodec(uint8_t media_payload_type) const {
  for (const auto& codec : codecs) {
    if (codec.Apt() == media_payload_type) {
      return &codec;
    }
  }
  return nullptr;
}

const RtpHeaderExtensionParameters* RtpParameters::FindHeaderExtension(std::string_view uri) const {
  for (const auto& ext : header_extensions) {
    if (ext.uri == uri) {
      return &ext;
    }
  }
  return nullptr;
}

}  // namespace tr::media::ortc
