#include "media/ortc/rtp_header_extension.h"

#include "media/ortc/json_fields.h"

namespace tr::media::ortc {

namespace jf = json_fields;

std::string_view DirectionName(RtpHeaderExtensionDirection direction) {
  switch (direction) {
    case RtpHeaderExtensionDirection::kSendRecv:
      return "sendrecv";
    case RtpHeaderExtensionDirection::kSendOnly:
      return "sendonly";
    case RtpHeaderExtensionDirection::kRecvOnly:
      return "recvonly";
    case RtpHeaderExtensionDirection::kInactive:
      return "inactive";
  }
  return "inactive";
}

std::optional<RtpHeaderExtensionDirection> ParseDirection(std::string_view text) {
  if (text == "sendrecv") {
    return RtpHeaderExtensionDirection::kSendRecv;
  }
  if (text == "sendonly") {
    return RtpHeaderExtensionDirection::kSendOnly;
  }
  if (text == "recvonly") {
    return RtpHeaderExtensionDirection::kRecvOnly;
  }
  if (text == "inactive") {
    return RtpHeaderExtensionDirection::kInactive;
  }
  return std::nullopt;
}

RtpHeaderExtension RtpHeaderExtension::FromJson(const Json& json, const std::string& path) {
  jf::RequireObject(json, path);
  RtpHeaderExtension ext;
  ext.kind = MediaKindFromJson(jf::Require(json, "kind", path), jf::Member(path, "kind"));
  const std::string uri_path = jf::Member(path, "uri");
  ext.uri =
      jf::GetString(jf::Require(json, "uri", path), uri_path, 1, kMaxHeaderExtensionUriLength);
  if (!jf::IsPrintableText(ext.uri) || ext.uri.find(' ') != std::string::npos) {
    jf::Fail(uri_path, "invalid characters");
  }
  ext.preferred_id = static_cast<uint8_t>(jf::GetInteger(jf::Require(json, "preferredId", path),
                                                         jf::Member(path, "preferredId"), 1,
                                                         kMaxHeaderExtensionId));
  if (const Json* encrypt = jf::Find(json, "preferredEncrypt")) {
    ext.preferred_encrypt = jf::GetBool(*encrypt, jf::Member(path, "preferredEncrypt"));
  }
  if (const Json* direction = jf::Find(json, "direction")) {
    const std::string direction_path = jf::Member(path, "direction");
    const auto parsed = direction->is_string()
                            ? ParseDirection(direction->get_ref<const std::string&>())
                            : std::nullopt;
    if (!parsed) {
      jf::Fail(direction_path, "must be \"sendrecv\", \"sendonly\", \"recvonly\" or \"inactive\"");
    }
    ext.direction = *parsed;
  }
  return ext;
}

Json RtpHeaderExtension::ToJson() const {
  return Json{{"kind", MediaKindName(kind)},
              {"uri", uri},
              {"preferredId", preferred_id},
              {"preferredEncrypt", preferred_encrypt},
              {"direction", DirectionName(direction)}};
}

}  // namespace tr::media::ortc
