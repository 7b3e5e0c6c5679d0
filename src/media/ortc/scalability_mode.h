#pragma once
// W3C WebRTC-SVC scalability modes (https://www.w3.org/TR/webrtc-svc/#scalabilitymodes*):
// "L<spatial>T<temporal>[_KEY][suffix]" for SVC and "S<spatial>T<temporal>[suffix]" for
// simulcast inside one stream, e.g. "L1T3", "L3T3_KEY", "S3T3", "L2T2_KEY_SHIFT", "L1T2h".
// Parsed like mediasoup (node scalabilityModes.ts, worker RtpEncodingParameters.cpp):
// ^[LS]([1-9]\d?)T([1-9]\d?)(_KEY)? followed by anything.
#include <optional>
#include <string>
#include <string_view>

namespace tr::media::ortc {

inline constexpr std::size_t kMaxScalabilityModeLength = 32;

struct ScalabilityMode {
  int spatial_layers = 1;
  int temporal_layers = 1;
  bool ksvc = false;  // "_KEY": spatial layers depend on each other only on key frames
  bool operator==(const ScalabilityMode&) const = default;
};

// nullopt when `text` does not start with the pattern above.
std::optional<ScalabilityMode> ParseScalabilityMode(std::string_view text);
// mediasoup's parse(): L1T1 when absent or unparsable.
ScalabilityMode ScalabilityModeOrDefault(const std::optional<std::string>& text);

}  // namespace tr::media::ortc
