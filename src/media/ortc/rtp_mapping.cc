#include "media/ortc/rtp_mapping.h"

#include "media/ortc/json_fields.h"
#include "media/ortc/scalability_mode.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtpMapping RtpMapping::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtpMapping mapping;
  const std::string codecs_path = jf::Member(path, "codecs");
  const Json& codecs =
      jf::GetArray(jf::Require(json, "codecs", path), codecs_path, kMaxParameterCodecs);
  for (std::size_t i = 0; i < codecs.size(); ++i) {
    const std::string entry_path = jf::Element(codecs_path, i);
    jf::RequireObject(codecs[i], entry_path);
    RtpCodecMapping entry;
    entry.payload_type =
        static_cast<uint8_t>(jf::GetInteger(jf::Require(codecs[i], "payloadType", entry_path),
                                            jf::Member(entry_path, "payloadType"), 0, 127));
    entry.mapped_payload_type =
        static_cast<uint8_t>(jf::GetInteger(jf::Require(codecs[i], "mappedPayloadType", entry_path),
                                            jf::Member(entry_path, "mappedPayloadType"), 0, 127));
    mapping.codecs.push_back(entry);
  }
  const std::string encodings_path = jf::Member(path, "encodings");
  const Json& encodings =
      jf::GetArray(jf::Require(json, "encodings", path), encodings_path, kMaxEncodings);
  for (std::size_t i = 0; i < encodings.size(); ++i) {
    const std::string entry_path = jf::Element(encodings_path, i);
    const Json& e = encodings[i];
    jf::RequireObject(e, entry_path);
    RtpEncodingMapping entry;
    if (const Json* ssrc = jf::Find(e, "ssrc")) {
      entry.ssrc = static_cast<uint32_t>(
          jf::GetInteger(*ssrc, jf::Member(entry_path, "ssrc"), 1, 0xFFFFFFFF));
    }
    if (const Json* rid = jf::Find(e, "rid")) {
      const std::string rid_path = jf::Member(entry_path, "rid");
      entry.rid = jf::GetString(*rid, rid_path, 1, kMaxRidLength);
      if (!IsValidRid(*entry.rid)) {
        jf::Fail(rid_path, "invalid");
      }
    }
    if (const Json* mode = jf::Find(e, "scalabilityMode")) {
      const std::string mode_path = jf::Member(entry_path, "scalabilityMode");
      entry.scalability_mode = jf::GetString(*mode, mode_path, 1, kMaxScalabilityModeLength);
      if (!ParseScalabilityMode(*entry.scalability_mode)) {
        jf::Fail(mode_path, "invalid");
      }
    }
    entry.mapped_ssrc =
        static_cast<uint32_t>(jf::GetInteger(jf::Require(e, "mappedSsrc", entry_path),
                                             jf::Member(entry_path, "mappedSsrc"), 1, 0xFFFFFFFF));
    mapping.encodings.push_back(std::move(entry));
  }
  return mapping;
}

Json RtpMapping::ToJson() const {
  Json codecs_json = Json::array();
  for (const auto& c : codecs) {
    codecs_json.push_back(
        Json{{"payloadType", c.payload_type}, {"mappedPayloadType", c.mapped_payload_type}});
  }
  Json encodings_json = Json::array();
  for (const auto& e : encodings) {
    Json entry = Json::object();
    if (e.ssrc) {
      entry["ssrc"] = *e.ssrc;
    }
    if (e.rid) {
      entry["rid"] = *e.rid;
    }
    if (e.scalability_mode) {
      entry["scalabilityMode"] = *e.scalability_mode;
    }
    entry["mappedSsrc"] = e.mapped_ssrc;
    encodings_json.push_back(std::move(entry));
  }
  return Json{{"codecs", std::move(codecs_json)}, {"encodings", std::move(encodings_json)}};
}

std::optional<uint8_t> RtpMapping::MappedPayloadType(uint8_t payload_type) const {
  for (const auto& c : codecs) {
    if (c.payload_type == payload_type) {
      return c.mapped_payload_type;
    }
  }
  return std::nullopt;
}

}  // namespace tr::media::ortc
