#include "media/ortc/rtcp_parameters.h"

#include "media/ortc/json_fields.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtcpParameters RtcpParameters::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtcpParameters rtcp;
  if (const Json* cname = jf::Find(json, "cname")) {
    const std::string cname_path = jf::Member(path, "cname");
    rtcp.cname = jf::GetString(*cname, cname_path, 0, kMaxCnameLength);
    if (!jf::IsPrintableText(*rtcp.cname)) {
      jf::Fail(cname_path, "must not contain control characters");
    }
  }
  if (const Json* reduced = jf::Find(json, "reducedSize")) {
    rtcp.reduced_size = jf::GetBool(*reduced, jf::Member(path, "reducedSize"));
  }
  return rtcp;
}

Json RtcpParameters::ToJson() const {
  Json out = Json::object();
  if (cname) {
    out["cname"] = *cname;
  }
  out["reducedSize"] = reduced_size;
  return out;
}

}  // namespace tr::media::ortc
