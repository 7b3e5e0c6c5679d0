#pragma once
// RtpHeaderExtension (mediasoup RtpParameters.ts): a header extension capability, one
// entry per (kind, uri). `direction` is from the capability owner's point of view: the
// router's "recvonly" rid means endpoints may only send it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "media/ortc/media_kind.h"

namespace tr::media::ortc {

inline constexpr std::size_t kMaxHeaderExtensionUriLength = 256;
// RFC 8285: one-byte ids 1..14, two-byte ids 1..255.
inline constexpr int64_t kMaxHeaderExtensionId = 255;

enum class RtpHeaderExtensionDirection { kSendRecv, kSendOnly, kRecvOnly, kInactive };

std::string_view DirectionName(RtpHeaderExtensionDirection direction);
std::optional<RtpHeaderExtensionDirection> ParseDirection(std::string_view text);

struct RtpHeaderExtension {
  MediaKind kind = MediaKind::kAudio;
  std::string uri;
  uint8_t preferred_id = 0;
  bool preferred_encrypt = false;
  RtpHeaderExtensionDirection direction = RtpHeaderExtensionDirection::kSendRecv;

  static RtpHeaderExtension FromJson(const Json& json, const std::string& path = "headerExtension");
  Json ToJson() const;
  bool operator==(const RtpHeaderExtension&) const = default;
};

}  // namespace tr::media::ortc
