#pragma once
// Media kind of a producer, consumer, codec or header extension ("audio" / "video").
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"

namespace tr::media::ortc {

enum class MediaKind { kAudio, kVideo };

std::string_view MediaKindName(MediaKind kind);
// "audio" / "video" (exact, lowercase); nullopt otherwise.
std::optional<MediaKind> ParseMediaKind(std::string_view text);
// Throws OrtcError naming `path` unless `json` is "audio" or "video".
MediaKind MediaKindFromJson(const Json& json, const std::string& path);

}  // namespace tr::media::ortc
