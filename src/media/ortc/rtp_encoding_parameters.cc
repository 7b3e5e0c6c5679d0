#include "media/ortc/rtp_encoding_parameters.h"

#include "media/ortc/json_fields.h"
#include "media/ortc/scalability_mode.h"

namespace tr::media::ortc {

namespace jf = json_fields;

namespace {

constexpr int64_t kMaxSsrc = 0xFFFFFFFF;

RtcPriority PriorityFromJson(const Json& json, const std::string& path) {
  if (json.is_string()) {
    if (auto p = ParseRtcPriority(json.get_ref<const std::string&>())) {
      return *p;
    }
  }
  jf::Fail(path, "must be \"very-low\", \"low\", \"medium\" or \"high\"");
}

}  // namespace

std::string_view RtcPriorityName(RtcPriority priority) {
  switch (priority) {
    case RtcPriority::kVeryLow:
      return "very-low";
    case RtcPriority::kLow:
      return "low";
    case RtcPriority::kMedium:
      return "medium";
    case RtcPriority::kHigh:
      return "high";
  }
  return "low";
}

std::optional<RtcPriority> ParseRtcPriority(std::string_view text) {
  if (text == "very-low") {
    return RtcPriority::kVeryLow;
  }
  if (text == "low") {
    return RtcPriority::kLow;
  }
  if (text == "medium") {
    return RtcPriority::kMedium;
  }
  if (text == "high") {
    return RtcPriority::kHigh;
  }
  return std::nullopt;
}

bool IsValidRid(std::string_view rid) {
  if (rid.empty() || rid.size() > kMaxRidLength) {
    return false;
  }
  for (char c : rid) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

RtpEncodingParameters RtpEncodingParameters::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtpEncodingParameters e;
  if (const Json* ssrc = jf::Find(json, "ssrc")) {
    e.ssrc = static_cast<uint32_t>(jf::GetInteger(*ssrc, jf::Member(path, "ssrc"), 1, kMaxSsrc));
  }
  if (const Json* rid = jf::Find(json, "rid")) {
    const std::string rid_path = jf::Member(path, "rid");
    e.rid = jf::GetString(*rid, rid_path, 1, kMaxRidLength);
    if (!IsValidRid(*e.rid)) {
      jf::Fail(rid_path, "must contain only letters, digits, '-' and '_'");
    }
  }
  if (const Json* pt = jf::Find(json, "codecPayloadType")) {
    e.codec_payload_type =
        static_cast<uint8_t>(jf::GetInteger(*pt, jf::Member(path, "codecPayloadType"), 0, 127));
  }
  if (const Json* rtx = jf::Find(json, "rtx")) {
    const std::string rtx_path = jf::Member(path, "rtx");
    jf::RequireObject(*rtx, rtx_path);
    e.rtx = RtxParameters{static_cast<uint32_t>(jf::GetInteger(
        jf::Require(*rtx, "ssrc", rtx_path), jf::Member(rtx_path, "ssrc"), 1, kMaxSsrc))};
  }
  if (const Json* dtx = jf::Find(json, "dtx")) {
    e.dtx = jf::GetBool(*dtx, jf::Member(path, "dtx"));
  }
  if (const Json* mode = jf::Find(json, "scalabilityMode")) {
    const std::string mode_path = jf::Member(path, "scalabilityMode");
    e.scalability_mode = jf::GetString(*mode, mode_path, 1, kMaxScalabilityModeLength);
    const auto parsed = ParseScalabilityMode(*e.scalability_mode);
    if (!parsed || !jf::IsPrintableText(*e.scalability_mode)) {
      jf::Fail(mode_path, "must look like \"L1T3\", \"L3T3_KEY\" or \"S2T3\"");
    }
    if (parsed->spatial_layers > kMaxSpatialLayers ||
        parsed->temporal_layers > kMaxTemporalLayers) {
      jf::Fail(mode_path, "too many layers");
    }
  }
  if (const Json* scale = jf::Find(json, "scaleResolutionDownBy")) {
    e.scale_resolution_down_by = jf::GetNumber(*scale, jf::Member(path, "scaleResolutionDownBy"),
                                               1.0, kMaxScaleResolutionDownBy);
  }
  if (const Json* bitrate = jf::Find(json, "maxBitrate")) {
    e.max_bitrate = static_cast<uint32_t>(
        jf::GetInteger(*bitrate, jf::Member(path, "maxBitrate"), 1, kMaxSsrc));
  }
  if (const Json* framerate = jf::Find(json, "maxFramerate")) {
    e.max_framerate =
        jf::GetNumber(*framerate, jf::Member(path, "maxFramerate"), 0.0, kMaxFramerate);
  }
  if (const Json* adaptive = jf::Find(json, "adaptivePtime")) {
    e.adaptive_ptime = jf::GetBool(*adaptive, jf::Member(path, "adaptivePtime"));
  }
  if (const Json* priority = jf::Find(json, "priority")) {
    e.priority = PriorityFromJson(*priority, jf::Member(path, "priority"));
  }
  if (const Json* priority = jf::Find(json, "networkPriority")) {
    e.network_priority = PriorityFromJson(*priority, jf::Member(path, "networkPriority"));
  }
  if (const Json* active = jf::Find(json, "active")) {
    e.active = jf::GetBool(*active, jf::Member(path, "active"));
  }
  return e;
}

Json RtpEncodingParameters::ToJson() const {
  Json out = Json::object();
  if (ssrc) {
    out["ssrc"] = *ssrc;
  }
  if (rid) {
    out["rid"] = *rid;
  }
  if (codec_payload_type) {
    out["codecPayloadType"] = *codec_payload_type;
  }
  if (rtx) {
    out["rtx"] = Json{{"ssrc", rtx->ssrc}};
  }
  if (dtx) {
    out["dtx"] = *dtx;
  }
  if (scalability_mode) {
    out["scalabilityMode"] = *scalability_mode;
  }
  if (scale_resolution_down_by) {
    out["scaleResolutionDownBy"] = *scale_resolution_down_by;
  }
  if (max_bitrate) {
    out["maxBitrate"] = *max_bitrate;
  }
  if (max_framerate) {
    out["maxFramerate"] = *max_framerate;
  }
  if (adaptive_ptime) {
    out["adaptivePtime"] = *adaptive_ptime;
  }
  if (priority) {
    out["priority"] = RtcPriorityName(*priority);
  }
  if (network_priority) {
    out["networkPriority"] = RtcPriorityName(*network_priority);
  }
  if (active) {
    out["active"] = *active;
  }
  return out;
}

}  // namespace tr::media::ortc
