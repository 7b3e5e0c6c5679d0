#pragma once
// RtcpParameters (mediasoup RtpParameters.ts): the CNAME (RFC 3550 §6.5.1) and whether
// reduced-size RTCP (RFC 5506) is used. mediasoup defaults reducedSize to true.
#include <optional>
#include <string>

#include "common/json.h"

namespace tr::media::ortc {

// An SDES item is at most 255 bytes (RFC 3550 §6.5).
inline constexpr std::size_t kMaxCnameLength = 255;

struct RtcpParameters {
  std::optional<std::string> cname;  // "" is kept: Chrome sends it for RID simulcast
  bool reduced_size = true;

  static RtcpParameters FromJson(const Json& json, const std::string& path = "rtcp");
  Json ToJson() const;
  bool operator==(const RtcpParameters&) const = default;
};

}  // namespace tr::media::ortc
