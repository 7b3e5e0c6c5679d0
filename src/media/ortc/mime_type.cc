#include "media/ortc/mime_type.h"

namespace tr::media::ortc {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 6838 §4.2 restricted-name-chars.
bool IsRestrictedNameChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '-':
    case '^':
    case '_':
    case '.':
    case '+':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = LowerAscii(c);
  }
  return out;
}

bool MimeTypeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

std::optional<MediaKind> MimeTypeKind(std::string_view mime_type) {
  if (mime_type.size() > kMaxMimeTypeLength) {
    return std::nullopt;
  }
  const std::size_t slash = mime_type.find('/');
  if (slash == std::string_view::npos || slash + 1 == mime_type.size()) {
    return std::nullopt;
  }
  for (char c : mime_type.substr(slash + 1)) {
    if (!IsRestrictedNameChar(c)) {
      return std::nullopt;
    }
  }
  const std::string_view type = mime_type.substr(0, slash);
  if (MimeTypeEquals(type, "audio")) {
    return MediaKind::kAudio;
  }
  if (MimeTypeEquals(type, "video")) {
    return MediaKind::kVideo;
  }
  return std::nullopt;
}

bool IsRtxMimeType(std::string_view mime_type) {
  const std::size_t slash = mime_type.find('/');
  return slash != std::string_view::npos && MimeTypeEquals(mime_type.substr(slash + 1), "rtx");
}

}  // namespace tr::media::ortc
