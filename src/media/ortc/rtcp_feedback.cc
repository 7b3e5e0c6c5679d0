#include "media/ortc/rtcp_feedback.h"

#include "media/ortc/json_fields.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtcpFeedback RtcpFeedback::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtcpFeedback fb;
  const std::string type_path = jf::Member(path, "type");
  fb.type =
      jf::GetString(jf::Require(json, "type", path), type_path, 1, kMaxRtcpFeedbackTextLength);
  if (!jf::IsTokenText(fb.type)) {
    jf::Fail(type_path, "invalid characters");
  }
  if (const Json* parameter = jf::Find(json, "parameter")) {
    const std::string parameter_path = jf::Member(path, "parameter");
    fb.parameter = jf::GetString(*parameter, parameter_path, 0, kMaxRtcpFeedbackTextLength);
    if (!jf::IsTokenText(fb.parameter)) {
      jf::Fail(parameter_path, "invalid characters");
    }
  }
  return fb;
}

Json RtcpFeedback::ToJson() const { return Json{{"type", type}, {"parameter", parameter}}; }

std::vector<RtcpFeedback> RtcpFeedbackListFromJson(const Json* json, const std::string& path) {
  std::vector<RtcpFeedback> out;
  if (json == nullptr) {
    return out;
  }
  const Json& array = jf::GetArray(*json, path, kMaxRtcpFeedback);
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    out.push_back(RtcpFeedback::FromJson(array[i], jf::Element(path, i)));
  }
  return out;
}

Json RtcpFeedbackListToJson(const std::vector<RtcpFeedback>& list) {
  Json out = Json::array();
  for (const auto& fb : list) {
    out.push_back(fb.ToJson());
  }
  return out;
}

bool HasRtcpFeedback(const std::vector<RtcpFeedback>& list, std::string_view type,
                     std::string_view parameter) {
  for (const auto& fb : list) {
    if (fb.type == type && fb.parameter == parameter) {
      return true;
    }
  }
  return false;
}

}  // namespace tr::media::ortc
