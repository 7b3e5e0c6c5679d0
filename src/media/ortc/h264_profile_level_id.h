#pragma once
// H.264 profile-level-id (RFC 6184 §8.1): three hex bytes profile_idc, profile-iop
// (constraint flags), level_idc. Profiles are recognized by the same (profile_idc,
// profile-iop bit pattern) table libwebrtc uses (api/video_codecs/h264_profile_level_id.cc),
// which is also what mediasoup's h264-profile-level-id package implements, so that our
// codec matching agrees with mediasoup-client's.
//
// DOC: https://www.rfc-editor.org/rfc/rfc6184#section-8.1
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/ortc/parameter_map.h"

namespace tr::media::ortc {

enum class H264Profile {
  kConstrainedBaseline,
  kBaseline,
  kMain,
  kConstrainedHigh,
  kHigh,
  kPredictiveHigh444,
};

// level_idc values (10 = 1.0, 31 = 3.1, ...), plus level 1b which has no level_idc of its
// own (level_idc 11 with constraint_set3_flag in Baseline/Main profiles).
inline constexpr uint8_t kH264Level1b = 0;

struct H264ProfileLevelId {
  H264Profile profile = H264Profile::kConstrainedBaseline;
  uint8_t level = 31;
  bool operator==(const H264ProfileLevelId&) const = default;
};

// "42e01f" (any hex case) -> {ConstrainedBaseline, 31}; nullopt when not 6 hex digits, an
// unknown level or an unknown profile.
std::optional<H264ProfileLevelId> ParseH264ProfileLevelId(std::string_view text);
// The codec's profile-level-id, or the RFC 6184 default 42e01f (Constrained Baseline 3.1)
// when the parameter is absent; nullopt when present but invalid.
std::optional<H264ProfileLevelId> H264ProfileLevelIdOfCodec(const ParameterMap& parameters);
// Lowercase hex; nullopt for level 1b with a profile that cannot express it.
std::optional<std::string> H264ProfileLevelIdToString(const H264ProfileLevelId& id);
// True when `a` is a lower level than `b` (1b sits between 1.0 and 1.1).
bool H264LevelIsLower(uint8_t a, uint8_t b);

// Both parameter sets describe the same profile (absent = 42e01f).
bool IsSameH264Profile(const ParameterMap& a, const ParameterMap& b);

// Negotiates the profile-level-id of an answer (RFC 6184 §8.2.2, libwebrtc
// H264GenerateProfileLevelIdForAnswer): same profile required; the level is the local one
// when both sides allow level asymmetry (level-asymmetry-allowed=1), else the lower of the
// two. Returns false when incompatible. `answer` is left empty when neither side has a
// profile-level-id (both use the default).
bool H264ProfileLevelIdForAnswer(const ParameterMap& local, const ParameterMap& remote,
                                 std::optional<std::string>* answer);

}  // namespace tr::media::ortc
