#pragma once
// RtpMapping (mediasoup ortc.ts): how a producer's packets are rewritten on entry to the
// router. Each producer payload type maps to the router's payload type of the matching
// codec; each producer encoding (found by ssrc or rid) maps to a fresh router-internal SSRC
// (`mappedSsrc`), which is also the SSRC of the matching consumable encoding.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "media/ortc/rtp_parameters.h"

namespace tr::media::ortc {

struct RtpCodecMapping {
  uint8_t payload_type = 0;         // the producer's
  uint8_t mapped_payload_type = 0;  // the router's
  bool operator==(const RtpCodecMapping&) const = default;
};

struct RtpEncodingMapping {
  std::optional<uint32_t> ssrc;
  std::optional<std::string> rid;
  std::optional<std::string> scalability_mode;
  uint32_t mapped_ssrc = 0;
  bool operator==(const RtpEncodingMapping&) const = default;
};

struct RtpMapping {
  std::vector<RtpCodecMapping> codecs;
  std::vector<RtpEncodingMapping> encodings;

  static RtpMapping FromJson(const Json& json, const std::string& path = "rtpMapping");
  Json ToJson() const;
  std::optional<uint8_t> MappedPayloadType(uint8_t payload_type) const;
  bool operator==(const RtpMapping&) const = default;
};

}  // namespace tr::media::ortc
