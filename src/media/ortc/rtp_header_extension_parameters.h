#pragma once
// RtpHeaderExtensionParameters (mediasoup RtpParameters.ts): a header extension negotiated
// for one producer or consumer, with its id in that stream's packets.
#include <cstdint>
#include <string>

#include "common/json.h"
#include "media/ortc/parameter_map.h"

namespace tr::media::ortc {

struct RtpHeaderExtensionParameters {
  std::string uri;
  uint8_t id = 0;        // 1..255 (RFC 8285)
  bool encrypt = false;  // RFC 6904; never used by Chrome with mediasoup-client
  ParameterMap parameters;

  static RtpHeaderExtensionParameters FromJson(const Json& json,
                                               const std::string& path = "headerExtension");
  Json ToJson() const;
  bool operator==(const RtpHeaderExtensionParameters&) const = default;
};

}  // namespace tr::media::ortc
