#pragma once
// SRTP protection profiles that DTLS-SRTP can negotiate, with their key material sizes.
// DOC: https://www.rfc-editor.org/rfc/rfc5764#section-4.1.2 (SRTP_AES128_CM_HMAC_SHA1_80)
// DOC: https://www.rfc-editor.org/rfc/rfc7714#section-14.2 (SRTP_AEAD_AES_128_GCM)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tr::media {

enum class SrtpProfile {
  kAeadAes128Gcm,        // AES-128-GCM, 16-byte tag (RFC 7714). Preferred.
  kAes128CmHmacSha1_80,  // AES-128 counter mode + HMAC-SHA1 truncated to 80 bits (RFC 3711).
};

// Name used in the DTLS use_srtp extension, as OpenSSL's SSL_CTX_set_tlsext_use_srtp()
// spells it: "SRTP_AEAD_AES_128_GCM" / "SRTP_AES128_CM_SHA1_80".
constexpr std::string_view SrtpProfileName(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::kAes128CmHmacSha1_80:
      return "SRTP_AES128_CM_SHA1_80";
  }
  return "";
}

// SDES-style name, as browsers report it in RTCTransportStats.srtpCipher.
constexpr std::string_view SrtpProfileCipherName(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAeadAes128Gcm:
      return "AEAD_AES_128_GCM";
    case SrtpProfile::kAes128CmHmacSha1_80:
      return "AES_CM_128_HMAC_SHA1_80";
  }
  return "";
}

// 16-bit SRTPProtectionProfile value on the wire (RFC 5764 §4.1.2, RFC 7714 §14.2).
constexpr uint16_t SrtpProfileId(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAeadAes128Gcm:
      return 0x0007;
    case SrtpProfile::kAes128CmHmacSha1_80:
      return 0x0001;
  }
  return 0;
}

// Master key length in bytes (both profiles use AES-128).
constexpr std::size_t SrtpMasterKeyLength(SrtpProfile /*profile*/) { return 16; }

// Master salt length in bytes: 112 bits for AES-CM, 96 bits for the AEAD profiles.
constexpr std::size_t SrtpMasterSaltLength(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? 12 : 14;
}

constexpr std::size_t SrtpMasterKeyAndSaltLength(SrtpProfile profile) {
  return SrtpMasterKeyLength(profile) + SrtpMasterSaltLength(profile);
}

// Upper bound of SrtpMasterKeyAndSaltLength() over all profiles (for stack buffers).
inline constexpr std::size_t kSrtpMaxMasterKeyAndSaltLength = 30;

std::optional<SrtpProfile> SrtpProfileFromName(std::string_view name);
std::optional<SrtpProfile> SrtpProfileFromId(uint16_t id);

}  // namespace tr::media
