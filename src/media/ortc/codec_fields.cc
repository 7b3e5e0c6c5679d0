#include "media/ortc/codec_fields.h"

#include "media/ortc/json_fields.h"
#include "media/ortc/mime_type.h"

namespace tr::media::ortc {

namespace jf = json_fields;

CodecFields CodecFieldsFromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  CodecFields f;

  const std::string mime_path = jf::Member(path, "mimeType");
  f.mime_type =
      jf::GetString(jf::Require(json, "mimeType", path), mime_path, 1, kMaxMimeTypeLength);
  const auto kind = MimeTypeKind(f.mime_type);
  if (!kind) {
    jf::Fail(mime_path, "must look like \"audio/<name>\" or \"video/<name>\"");
  }
  f.kind = *kind;

  f.clock_rate = static_cast<uint32_t>(jf::GetInteger(
      jf::Require(json, "clockRate", path), jf::Member(path, "clockRate"), 1, kMaxClockRate));

  if (f.kind == MediaKind::kAudio) {
    const Json* channels = jf::Find(json, "channels");
    f.channels = channels == nullptr
                     ? 1
                     : static_cast<uint8_t>(jf::GetInteger(*channels, jf::Member(path, "channels"),
                                                           1, kMaxChannels));
  }
  // Video: mediasoup deletes `channels`, whatever it holds.

  const std::string parameters_path = jf::Member(path, "parameters");
  f.parameters = ParameterMapFromJson(jf::Find(json, "parameters"), parameters_path);
  if (const auto it = f.parameters.find("apt"); it != f.parameters.end()) {
    const auto* apt = std::get_if<int64_t>(&it->second);
    if (apt == nullptr || *apt < 0 || *apt > 127) {
      jf::Fail(jf::Member(parameters_path, "apt"), "must be an integer in [0, 127]");
    }
  } else if (IsRtxMimeType(f.mime_type)) {
    jf::Fail(jf::Member(parameters_path, "apt"), "missing (required for RTX)");
  }

  f.rtcp_feedback =
      RtcpFeedbackListFromJson(jf::Find(json, "rtcpFeedback"), jf::Member(path, "rtcpFeedback"));
  return f;
}

void CodecFieldsToJson(const std::string& mime_type, uint32_t clock_rate,
                       const std::optional<uint8_t>& channels, const ParameterMap& parameters,
                       const std::vector<RtcpFeedback>& rtcp_feedback, Json& out) {
  out["mimeType"] = mime_type;
  out["clockRate"] = clock_rate;
  if (channels) {
    out["channels"] = *channels;
  }
  out["parameters"] = ParameterMapToJson(parameters);
  out["rtcpFeedback"] = RtcpFeedbackListToJson(rtcp_feedback);
}

std::optional<uint8_t> RtxApt(const std::string& mime_type, const ParameterMap& parameters) {
  if (!IsRtxMimeType(mime_type)) {
    return std::nullopt;
  }
  const auto apt = IntegerParameter(parameters, "apt", -1);
  if (!apt || *apt < 0 || *apt > 127) {
    return std::nullopt;
  }
  return static_cast<uint8_t>(*apt);
}

}  // namespace tr::media::ortc
