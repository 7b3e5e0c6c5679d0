#include "media/ortc/rtp_header_extension_parameters.h"

#include "media/ortc/json_fields.h"
#include "media/ortc/rtp_header_extension.h"

namespace tr::media::ortc {

namespace jf = json_fields;

RtpHeaderExtensionParameters RtpHeaderExtensionParameters::FromJson(const Json& json,
                                                                    const std::string& path) {
  jf::RequireObject(json, path);
  RtpHeaderExtensionParameters ext;
  const std::string uri_path = jf::Member(path, "uri");
  ext.uri =
      jf::GetString(jf::Require(json, "uri", path), uri_path, 1, kMaxHeaderExtensionUriLength);
  if (!jf::IsPrintableText(ext.uri) || ext.uri.find(' ') != std::string::npos) {
    jf::Fail(uri_path, "invalid characters");
  }
  ext.id = static_cast<uint8_t>(jf::GetInteger(jf::Require(json, "id", path),
                                               jf::Member(path, "id"), 1, kMaxHeaderExtensionId));
  if (const Json* encrypt = jf::Find(json, "encrypt")) {
    ext.encrypt = jf::GetBool(*encrypt, jf::Member(path, "encrypt"));
  }
  ext.parameters =
      ParameterMapFromJson(jf::Find(json, "parameters"), jf::Member(path, "parameters"));
  return ext;
}

Json RtpHeaderExtensionParameters::ToJson() const {
  return Json{{"uri", uri},
              {"id", id},
              {"encrypt", encrypt},
              {"parameters", ParameterMapToJson(parameters)}};
}

}  // namespace tr::media::ortc
