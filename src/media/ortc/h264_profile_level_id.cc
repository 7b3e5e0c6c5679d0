#include "media/ortc/h264_profile_level_id.h"

#include <array>
#include <cstdio>

namespace tr::media::ortc {
namespace {

constexpr uint8_t kConstraintSet3Flag = 0x10;

// A profile-iop pattern: the bits set in `mask` must equal those in `value`.
struct ProfilePattern {
  uint8_t profile_idc;
  uint8_t mask;
  uint8_t value;
  H264Profile profile;
};

// Patterns written MSB first as in libwebrtc ("x1xx0000": x = don't care).
constexpr std::array<ProfilePattern, 9> kProfilePatterns = {{
    {0x42, 0b01001111, 0b01000000, H264Profile::kConstrainedBaseline},  // x1xx0000
    {0x4D, 0b10001111, 0b10000000, H264Profile::kConstrainedBaseline},  // 1xxx0000
    {0x58, 0b11001111, 0b11000000, H264Profile::kConstrainedBaseline},  // 11xx0000
    {0x42, 0b01001111, 0b00000000, H264Profile::kBaseline},             // x0xx0000
    {0x58, 0b11001111, 0b10000000, H264Profile::kBaseline},             // 10xx0000
    {0x4D, 0b10101111, 0b00000000, H264Profile::kMain},                 // 0x0x0000
    {0x64, 0b11111111, 0b00000000, H264Profile::kHigh},                 // 00000000
    {0x64, 0b11111111, 0b00001100, H264Profile::kConstrainedHigh},      // 00001100
    {0xF4, 0b11111111, 0b00000000, H264Profile::kPredictiveHigh444},    // 00000000
}};

bool IsKnownLevel(uint8_t level_idc) {
  switch (level_idc) {
    case 10:
    case 11:
    case 12:
    case 13:
    case 20:
    case 21:
    case 22:
    case 30:
    case 31:
    case 32:
    case 40:
    case 41:
    case 42:
    case 50:
    case 51:
    case 52:
    case 60:
    case 61:
    case 62:
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool IsLevelAsymmetryAllowed(const ParameterMap& parameters) {
  return IntegerParameter(parameters, "level-asymmetry-allowed", 0) == 1;
}

}  // namespace

std::optional<H264ProfileLevelId> ParseH264ProfileLevelId(std::string_view text) {
  if (text.size() != 6) {
    return std::nullopt;
  }
  uint32_t numeric = 0;
  for (char c : text) {
    const int v = HexValue(c);
    if (v < 0) {
      return std::nullopt;
    }
    numeric = (numeric << 4) | static_cast<uint32_t>(v);
  }
  if (numeric == 0) {
    return std::nullopt;
  }
  const auto level_idc = static_cast<uint8_t>(numeric & 0xFF);
  const auto profile_iop = static_cast<uint8_t>((numeric >> 8) & 0xFF);
  const auto profile_idc = static_cast<uint8_t>((numeric >> 16) & 0xFF);
  if (!IsKnownLevel(level_idc)) {
    return std::nullopt;
  }
  uint8_t level = level_idc;
  if (level_idc == 11 && (profile_iop & kConstraintSet3Flag) != 0) {
    level = kH264Level1b;
  }
  for (const auto& pattern : kProfilePatterns) {
    if (pattern.profile_idc == profile_idc && (profile_iop & pattern.mask) == pattern.value) {
      return H264ProfileLevelId{pattern.profile, level};
    }
  }
  return std::nullopt;
}

std::optional<H264ProfileLevelId> H264ProfileLevelIdOfCodec(const ParameterMap& parameters) {
  if (parameters.find("profile-level-id") == parameters.end()) {
    return H264ProfileLevelId{H264Profile::kConstrainedBaseline, 31};
  }
  const auto text = StringParameter(parameters, "profile-level-id");
  if (!text) {
    return std::nullopt;
  }
  return ParseH264ProfileLevelId(*text);
}

std::optional<std::string> H264ProfileLevelIdToString(const H264ProfileLevelId& id) {
  if (id.level == kH264Level1b) {
    switch (id.profile) {
      case H264Profile::kConstrainedBaseline:
        return "42f00b";
      case H264Profile::kBaseline:
        return "42100b";
      case H264Profile::kMain:
        return "4d100b";
      default:
        return std::nullopt;
    }
  }
  const char* prefix = "42e0";
  switch (id.profile) {
    case H264Profile::kConstrainedBaseline:
      prefix = "42e0";
      break;
    case H264Profile::kBaseline:
      prefix = "4200";
      break;
    case H264Profile::kMain:
      prefix = "4d00";
      break;
    case H264Profile::kConstrainedHigh:
      prefix = "640c";
      break;
    case H264Profile::kHigh:
      prefix = "6400";
      break;
    case H264Profile::kPredictiveHigh444:
      prefix = "f400";
      break;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "%s%02x", prefix, static_cast<unsigned>(id.level));
  return std::string(buf);
}

bool H264LevelIsLower(uint8_t a, uint8_t b) {
  if (a == kH264Level1b) {
    return b != 10 && b != kH264Level1b;
  }
  if (b == kH264Level1b) {
    return a == 10;
  }
  return a < b;
}

bool IsSameH264Profile(const ParameterMap& a, const ParameterMap& b) {
  const auto pa = H264ProfileLevelIdOfCodec(a);
  const auto pb = H264ProfileLevelIdOfCodec(b);
  return pa && pb && pa->profile == pb->profile;
}

bool H264ProfileLevelIdForAnswer(const ParameterMap& local, const ParameterMap& remote,
                                 std::optional<std::string>* answer) {
  answer->reset();
  const bool local_has = local.find("profile-level-id") != local.end();
  const bool remote_has = remote.find("profile-level-id") != remote.end();
  const auto local_id = H264ProfileLevelIdOfCodec(local);
  const auto remote_id = H264ProfileLevelIdOfCodec(remote);
  if (!local_id || !remote_id || local_id->profile != remote_id->profile) {
    return false;
  }
  if (!local_has && !remote_has) {
    return true;
  }
  const bool asymmetry = IsLevelAsymmetryAllowed(local) && IsLevelAsymmetryAllowed(remote);
  const uint8_t min_level =
      H264LevelIsLower(local_id->level, remote_id->level) ? local_id->level : remote_id->level;
  const uint8_t level = asymmetry ? local_id->level : min_level;
  *answer = H264ProfileLevelIdToString(H264ProfileLevelId{local_id->profile, level});
  return answer->has_value();
}

}  // namespace tr::media::ortc
