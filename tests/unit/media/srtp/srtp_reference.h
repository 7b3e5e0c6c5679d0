#pragma once
// Test-only reference SRTP/SRTCP protection written straight from the RFCs over OpenSSL's
// EVP primitives, so known-answer tests compare libsrtp (through SrtpSession) with an
// independent implementation rather than with itself.
//  - key derivation: RFC 3711 §4.3.1/§4.3.3 (AES-CM PRF, key derivation rate 0);
//  - AES_CM_128_HMAC_SHA1_80: RFC 3711 §3.1, §3.4, §4.1.1, §4.2;
//  - AEAD_AES_128_GCM: RFC 7714 §8 (RTP) and §9 (RTCP).
#include <cstdint>
#include <span>
#include <vector>

#include "media/srtp/srtp_profile.h"

namespace tr::media::testing {

using Bytes = std::vector<uint8_t>;

Bytes FromHex(const char* hex);

// RFC 3711 §4.3.1 with kdr = 0: `length` bytes of the AES-CM PRF keyed with the master
// key, for `label` (0 RTP cipher key, 1 RTP auth key, 2 RTP salt, 3-5 the same for RTCP).
// A 96-bit (AEAD) master salt is zero-extended to 112 bits first, as libsrtp does.
Bytes DeriveSessionKey(std::span<const uint8_t> master_key, std::span<const uint8_t> master_salt,
                       uint8_t label, std::size_t length);

// SRTP packet for the plain RTP packet `rtp` whose index has rollover counter `roc`.
Bytes ReferenceProtectRtp(SrtpProfile profile, std::span<const uint8_t> master_key,
                          std::span<const uint8_t> master_salt, std::span<const uint8_t> rtp,
                          uint32_t roc);

// SRTCP packet (encrypted, E = 1) for the plain RTCP packet `rtcp` and 31-bit SRTCP index.
Bytes ReferenceProtectRtcp(SrtpProfile profile, std::span<const uint8_t> master_key,
                           std::span<const uint8_t> master_salt, std::span<const uint8_t> rtcp,
                           uint32_t srtcp_index);

}  // namespace tr::media::testing
