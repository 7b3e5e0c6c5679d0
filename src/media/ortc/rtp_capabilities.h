#pragma once
// RtpCapabilities (mediasoup RtpParameters.ts): the router's capabilities (sent to
// device.load()) and an endpoint's `device.recvRtpCapabilities` (sent back by the page
// before consuming). In the latter, preferredPayloadType and preferredId are the ROUTER's
// values (mediasoup-client's getRecvRtpCapabilities copies them), parameters and
// rtcpFeedback are the browser's.
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "media/ortc/media_kind.h"
#include "media/ortc/rtp_codec_capability.h"
#include "media/ortc/rtp_header_extension.h"

namespace tr::media::ortc {

// 128 payload types exist; Chrome's full native list has ~30 header extension entries.
inline constexpr std::size_t kMaxCapabilityCodecs = 128;
inline constexpr std::size_t kMaxCapabilityHeaderExtensions = 64;

struct RtpCapabilities {
  std::vector<RtpCodecCapability> codecs;
  std::vector<RtpHeaderExtension> header_extensions;

  // Absent lists become empty (mediasoup default). Rejects duplicated preferredPayloadType
  // values and RTX entries without a numeric apt.
  static RtpCapabilities FromJson(const Json& json, const std::string& path = "rtpCapabilities");
  Json ToJson() const;

  const RtpCodecCapability* FindCodecByPayloadType(uint8_t preferred_payload_type) const;
  // The RTX capability whose apt is `media_payload_type`.
  const RtpCodecCapability* FindRtxCodec(uint8_t media_payload_type) const;
  const RtpHeaderExtension* FindHeaderExtension(MediaKind kind, std::string_view uri) const;

  bool operator==(const RtpCapabilities&) const = default;
};

}  // namespace tr::media::ortc
