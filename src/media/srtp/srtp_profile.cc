#include "media/srtp/srtp_profile.h"

#include <array>

namespace tr::media {
namespace {

constexpr std::array<SrtpProfile, 2> kAllProfiles = {SrtpProfile::kAeadAes128Gcm,
                                                     SrtpProfile::kAes128CmHmacSha1_80};

static_assert(SrtpMasterKeyAndSaltLength(SrtpProfile::kAes128CmHmacSha1_80) ==
              kSrtpMaxMasterKeyAndSaltLength);
static_assert(SrtpMasterKeyAndSaltLength(SrtpProfile::kAeadAes128Gcm) <=
              kSrtpMaxMasterKeyAndSaltLength);

}  // namespace

std::optional<SrtpProfile> SrtpProfileFromName(std::string_view name) {
  for (SrtpProfile profile : kAllProfiles) {
    if (SrtpProfileName(profile) == name) return profile;
  }
  return std::nullopt;
}

std::optional<SrtpProfile> SrtpProfileFromId(uint16_t id) {
  for (SrtpProfile profile : kAllProfiles) {
    if (SrtpProfileId(profile) == id) return profile;
  }
  return std::nullopt;
}

}  // namespace tr::media
