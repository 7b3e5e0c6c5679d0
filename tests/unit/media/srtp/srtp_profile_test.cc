#include "media/srtp/srtp_profile.h"

#include <gtest/gtest.h>

namespace tr::media {
namespace {

TEST(SrtpProfile, NamesMatchDtlsSrtpRegistry) {
  EXPECT_EQ(SrtpProfileName(SrtpProfile::kAeadAes128Gcm), "SRTP_AEAD_AES_128_GCM");
  EXPECT_EQ(SrtpProfileName(SrtpProfile::kAes128CmHmacSha1_80), "SRTP_AES128_CM_SHA1_80");
  EXPECT_EQ(SrtpProfileCipherName(SrtpProfile::kAeadAes128Gcm), "AEAD_AES_128_GCM");
  EXPECT_EQ(SrtpProfileCipherName(SrtpProfile::kAes128CmHmacSha1_80), "AES_CM_128_HMAC_SHA1_80");
}

TEST(SrtpProfile, IdsMatchRfc5764AndRfc7714) {
  EXPECT_EQ(SrtpProfileId(SrtpProfile::kAes128CmHmacSha1_80), 0x0001);
  EXPECT_EQ(SrtpProfileId(SrtpProfile::kAeadAes128Gcm), 0x0007);
  EXPECT_EQ(SrtpProfileFromId(0x0001), SrtpProfile::kAes128CmHmacSha1_80);
  EXPECT_EQ(SrtpProfileFromId(0x0007), SrtpProfile::kAeadAes128Gcm);
  EXPECT_FALSE(SrtpProfileFromId(0x0002).has_value());  // SHA1_32: not offered
  EXPECT_FALSE(SrtpProfileFromId(0x0008).has_value());  // AES_256_GCM: not offered
}

TEST(SrtpProfile, KeyAndSaltLengths) {
  EXPECT_EQ(SrtpMasterKeyLength(SrtpProfile::kAeadAes128Gcm), 16u);
  EXPECT_EQ(SrtpMasterSaltLength(SrtpProfile::kAeadAes128Gcm), 12u);
  EXPECT_EQ(SrtpMasterKeyAndSaltLength(SrtpProfile::kAeadAes128Gcm), 28u);
  EXPECT_EQ(SrtpMasterKeyLength(SrtpProfile::kAes128CmHmacSha1_80), 16u);
  EXPECT_EQ(SrtpMasterSaltLength(SrtpProfile::kAes128CmHmacSha1_80), 14u);
  EXPECT_EQ(SrtpMasterKeyAndSaltLength(SrtpProfile::kAes128CmHmacSha1_80), 30u);
}

TEST(SrtpProfile, ParsesNames) {
  EXPECT_EQ(SrtpProfileFromName("SRTP_AEAD_AES_128_GCM"), SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(SrtpProfileFromName("SRTP_AES128_CM_SHA1_80"), SrtpProfile::kAes128CmHmacSha1_80);
  EXPECT_FALSE(SrtpProfileFromName("SRTP_AES128_CM_SHA1_32").has_value());
  EXPECT_FALSE(SrtpProfileFromName("").has_value());
}

}  // namespace
}  // namespace tr::media
