#include "media/ortc/media_kind.h"

#include "media/ortc/ortc_error.h"

namespace tr::media::ortc {

std::string_view MediaKindName(MediaKind kind) {
  return kind == MediaKind::kAudio ? "audio" : "video";
}

std::optional<MediaKind> ParseMediaKind(std::string_view text) {
  if (text == "audio") {
    return MediaKind::kAudio;
  }
  if (text == "video") {
    return MediaKind::kVideo;
  }
  return std::nullopt;
}

MediaKind MediaKindFromJson(const Json& json, const std::string& path) {
  if (json.is_string()) {
    if (auto kind = ParseMediaKind(json.get_ref<const std::string&>())) {
      return *kind;
    }
  }
  throw OrtcError(path + ": must be \"audio\" or \"video\"");
}

}  // namespace tr::media::ortc
