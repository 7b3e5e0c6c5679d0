#pragma once
// RtcpFeedback (mediasoup RtpParameters.ts): one SDP a=rtcp-fb entry (RFC 4585 §4.2),
// e.g. {"type": "nack", "parameter": "pli"}, {"type": "transport-cc", "parameter": ""}.
#include <string>
#include <vector>

#include "common/json.h"

namespace tr::media::ortc {

inline constexpr std::size_t kMaxRtcpFeedback = 32;
inline constexpr std::size_t kMaxRtcpFeedbackTextLength = 32;

struct RtcpFeedback {
  std::string type;       // "nack", "ccm", "goog-remb", "transport-cc", ...
  std::string parameter;  // "", "pli", "fir"; absent in JSON -> "" (mediasoup default)

  static RtcpFeedback FromJson(const Json& json, const std::string& path = "rtcpFeedback");
  Json ToJson() const;
  bool operator==(const RtcpFeedback&) const = default;
};

// Absent or null -> empty list (mediasoup default).
std::vector<RtcpFeedback> RtcpFeedbackListFromJson(const Json* json, const std::string& path);
Json RtcpFeedbackListToJson(const std::vector<RtcpFeedback>& list);
bool HasRtcpFeedback(const std::vector<RtcpFeedback>& list, std::string_view type,
                     std::string_view parameter = "");

}  // namespace tr::media::ortc
