#pragma once
// RTP codec MIME types ("audio/opus", "video/VP8", "video/rtx"). Comparisons are
// case-insensitive (RFC 6838 §4.2; mediasoup and mediasoup-client lowercase before
// comparing), the original spelling is kept for output.
#include <optional>
#include <string>
#include <string_view>

#include "media/ortc/media_kind.h"

namespace tr::media::ortc {

inline constexpr std::size_t kMaxMimeTypeLength = 64;

// Kind of "<audio|video>/<subtype>" (any case) with a non-empty subtype of RFC 6838
// restricted-name characters; nullopt when malformed.
std::optional<MediaKind> MimeTypeKind(std::string_view mime_type);
// "video/rtx" in any case (RFC 4588 retransmission).
bool IsRtxMimeType(std::string_view mime_type);
bool MimeTypeEquals(std::string_view a, std::string_view b);
std::string ToLowerAscii(std::string_view text);

}  // namespace tr::media::ortc
